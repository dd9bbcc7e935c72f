package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// commentFixture makes a document with one provision and a state
// delegate, and returns the document id, the delegate's user and party ids.
func commentFixture(t *testing.T, s *Store) (docID, userID, partyID int64) {
	t.Helper()
	ctx := context.Background()
	d, err := s.CreateDocument(ctx, admin, negotiation.NewDocument{Symbol: "A/COM/1", Title: "T", Language: "en", Label: "Zero draft"},
		[]negotiation.Provision{{Key: "p1", Number: "OP1", Kind: negotiation.KindOperative, Label: "1.", Text: "Decides to act."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateParty(ctx, admin, negotiation.Party{Code: "KEN", Name: "Kenya", Kind: negotiation.PartyState})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, admin, NewUser{Email: "d@ken.example", Name: "Delegate", PartyID: p.ID, Role: negotiation.RoleDelegate})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID, u.ID, p.ID
}

func TestCommentWindowBoundaryToTheSecond(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	doc, user, party := commentFixture(t, s)
	opens := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	closes := time.Date(2026, 3, 15, 18, 0, 0, 0, time.UTC)
	if err := s.SetCommentWindow(ctx, admin, doc, negotiation.CommentWindow{OpensAt: &opens, ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	nc := NewComment{DocumentID: doc, Body: "x", UserID: user, PartyID: party}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{closes.Add(time.Second), negotiation.EForbidden},
		{closes, negotiation.EForbidden},
		{closes.Add(-time.Second), ""},
		{opens.Add(-time.Second), negotiation.EForbidden},
		{opens, ""},
	} {
		nc.At = tc.at
		_, err := s.CreateComment(ctx, negotiation.Actor{Name: "ken"}, nc)
		got := ""
		if err != nil {
			got = negotiation.ErrorCode(err)
		}
		if got != tc.want {
			t.Errorf("comment at %s: error %q, want %q (%v)", tc.at, got, tc.want, err)
		}
		if err != nil && !strings.Contains(negotiation.ErrorMessage(err), "2026-03-15 18:00:00 UTC") {
			t.Errorf("the refusal does not name the window: %s", negotiation.ErrorMessage(err))
		}
	}
	page, err := s.Comments(ctx, CommentQuery{DocumentID: doc, ViewerParty: party})
	if err != nil {
		t.Fatal(err)
	}
	// Both accepted comments say "x": one campaign, counted twice.
	if got, want := page.Counts.Visible, 2; got != want {
		t.Errorf("%d comments saved, want %d (nothing saved for refusals)", got, want)
	}
	later := closes.Add(24 * time.Hour)
	if err := s.SetCommentWindow(ctx, admin, doc, negotiation.CommentWindow{OpensAt: &opens, ClosesAt: &later}); err != nil {
		t.Fatal(err)
	}
	got := actions(t, s, "document", itoa(doc))
	if last := got[len(got)-1]; last != "comments.window.extend" {
		t.Errorf("extension recorded as %q", last)
	}
}

func TestCommentsAreNeverDeleted(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	doc, user, party := commentFixture(t, s)
	id, err := s.CreateComment(ctx, admin, NewComment{DocumentID: doc, Body: "keep me", UserID: user, PartyID: party, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM comments WHERE id = $1`, id); err == nil {
		t.Errorf("a comment was deleted")
	}
	if err := s.EditComment(ctx, admin, id, user, "kept, edited", false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM comment_edits`); err == nil {
		t.Errorf("edit history was deleted")
	}
	h, err := s.CommentHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Body != "keep me" {
		t.Errorf("history = %+v", h)
	}
}

func TestReportsHideUntilReviewed(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	doc, author, party := commentFixture(t, s)
	id, err := s.CreateComment(ctx, admin, NewComment{DocumentID: doc, Body: "contested", UserID: author, PartyID: party, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetCommentReportThreshold(ctx, admin, doc, 2); err != nil {
		t.Fatal(err)
	}
	a, b, c := commentUser(t, s, party, "a@ken.example"), commentUser(t, s, party, "b@ken.example"), commentUser(t, s, party, "c@ken.example")
	if _, err := s.ReportComment(ctx, admin, id, author, ""); negotiation.ErrorCode(err) != negotiation.EForbidden {
		t.Errorf("the author reported: %v", err)
	}
	if hidden, err := s.ReportComment(ctx, admin, id, a, "off topic"); err != nil || hidden {
		t.Errorf("first report: hidden %v, %v", hidden, err)
	}
	if _, err := s.ReportComment(ctx, admin, id, a, "again"); negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Errorf("second report by the same user: %v", err)
	}
	if hidden, err := s.ReportComment(ctx, admin, id, b, ""); err != nil || !hidden {
		t.Errorf("report reaching the threshold: hidden %v, %v", hidden, err)
	}
	if err := s.ModerateComment(ctx, admin, id, false, "reviewed: fair comment"); err != nil {
		t.Fatal(err)
	}
	if hidden, err := s.ReportComment(ctx, admin, id, c, ""); err != nil || hidden {
		t.Errorf("report after review: hidden %v, %v", hidden, err)
	}
}

func commentUser(t *testing.T, s *Store, party int64, email string) int64 {
	t.Helper()
	u, err := s.CreateUser(context.Background(), admin, NewUser{Email: email, Name: email, PartyID: party, Role: negotiation.RoleDelegate})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
