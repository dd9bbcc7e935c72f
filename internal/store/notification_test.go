package store

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// NotifyParties is called by other features inside their own transaction:
// every active user of the named parties is told, and a rolled-back
// change leaves no notification behind.
func TestNotifyPartiesInTheCallersTransaction(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	doc, kenUser, ken := commentFixture(t, s)
	fra, err := s.CreateParty(ctx, admin, negotiation.Party{Code: "FRA", Name: "France", Kind: negotiation.PartyState})
	if err != nil {
		t.Fatal(err)
	}
	var fraUsers []int64
	for _, email := range []string{"a@fra.example", "b@fra.example"} {
		u, err := s.CreateUser(ctx, admin, NewUser{Email: email, Name: email, PartyID: fra.ID, Role: negotiation.RoleDelegate})
		if err != nil {
			t.Fatal(err)
		}
		fraUsers = append(fraUsers, u.ID)
	}
	n := NewNotification{Kind: "silence.started", DocumentID: doc, Link: "/documents/1", Subject: "A/COM/1"}
	var told int64
	if err := s.inTx(ctx, func(tx pgx.Tx) error {
		told, err = NotifyParties(ctx, tx, []int64{ken, fra.ID}, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if told != 3 {
		t.Errorf("told %d users, want 3", told)
	}
	rollback := errorString("change refused")
	_ = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := NotifyParties(ctx, tx, []int64{ken}, n); err != nil {
			return err
		}
		return rollback
	})
	for _, u := range append(fraUsers, kenUser) {
		list, unread, err := s.Notifications(ctx, u, 0)
		if err != nil {
			t.Fatal(err)
		}
		if unread != 1 || len(list) != 1 || list[0].Kind != "silence.started" || list[0].Document != "A/COM/1" {
			t.Errorf("user %d: %d unread, %+v", u, unread, list)
		}
	}
	if _, err := NotifyParties(ctx, nil, nil, NewNotification{Link: "https://elsewhere.example"}); err == nil {
		t.Error("a link off the site was accepted")
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
