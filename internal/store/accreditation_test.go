package store

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func validApplication(org, email string) Application {
	return Application{Organisation: org, Country: "Kenya", Website: "https://ngo.example",
		ContactName: "Wanjiru Example", ContactEmail: email}
}

func TestApplicationNormalize(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Application)
		ok   bool
	}{
		{"valid", func(*Application) {}, true},
		{"no website", func(a *Application) { a.Website = "" }, true},
		{"http website", func(a *Application) { a.Website = "http://ngo.example/path?q=1" }, true},
		{"ftp website", func(a *Application) { a.Website = "ftp://ngo.example" }, false},
		{"javascript website", func(a *Application) { a.Website = "javascript:alert(1)" }, false},
		{"website with credentials", func(a *Application) { a.Website = "https://user:pw@ngo.example" }, false},
		{"website without scheme", func(a *Application) { a.Website = "ngo.example" }, false},
		{"email without domain dot", func(a *Application) { a.ContactEmail = "a@localhost" }, false},
		{"email with display name", func(a *Application) { a.ContactEmail = "A <a@ngo.example>" }, false},
		{"empty country", func(a *Application) { a.Country = "  " }, false},
		{"organisation too long", func(a *Application) { a.Organisation = strings.Repeat("组", MaxOrganisationLen+1) }, false},
		{"organisation at the limit", func(a *Application) { a.Organisation = strings.Repeat("组", MaxOrganisationLen) }, true},
		{"tab in the name", func(a *Application) { a.ContactName = "A\tB" }, false},
		{"invalid UTF-8", func(a *Application) { a.Organisation = "N\xffGO" }, false},
	}
	for _, tc := range cases {
		a := validApplication("Kenya NGO", "w@ngo.example")
		tc.edit(&a)
		err := a.Normalize()
		if got := err == nil; got != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && negotiation.ErrorCode(err) != negotiation.EInvalid {
			t.Errorf("%s: code %s, want invalid", tc.name, negotiation.ErrorCode(err))
		}
	}
}

func TestApplyWithAccountIsAtomic(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, admin, NewUser{Email: "Taken@ngo.example", Name: "Taken"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.ApplyWithAccount(ctx, validApplication("NGO", "taken@NGO.example"), "builtin", "$argon2id$fake")
	if negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Fatalf("email of an existing user: %v, want a conflict", err)
	}
	if _, err := s.LocalAccountByEmail(ctx, "taken@ngo.example"); err == nil {
		t.Errorf("the local account of a refused application was kept")
	}

	a, err := s.ApplyWithAccount(ctx, validApplication("NGO", "w@ngo.example"), "builtin", "$argon2id$fake")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := s.LocalAccountByEmail(ctx, "w@ngo.example")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		t.Fatal(err)
	}
	// The user signs in through the built-in provider as account id.
	signedIn, err := s.SignIn(ctx, "builtin", strconv.FormatInt(acct.ID, 10), "w@ngo.example", "W", true)
	if err != nil {
		t.Fatal(err)
	}
	if signedIn.ID != u.ID || u.PartyID != 0 || a.Status != AccreditationPending {
		t.Errorf("applicant: user %d (signs in as %d), party %d, status %s", u.ID, signedIn.ID, u.PartyID, a.Status)
	}
	if _, err := s.ApplyAsUser(ctx, admin, u.ID, validApplication("NGO", "w@ngo.example")); negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Errorf("a second pending application: %v, want a conflict", err)
	}
}

func TestApproveCreatesObserverParty(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	// The natural code is taken: the new party gets a suffix.
	if _, err := s.CreateParty(ctx, admin, negotiation.Party{Code: "OBS-CFIEL", Name: "Someone else", Kind: negotiation.PartyObserver}); err != nil {
		t.Fatal(err)
	}
	a, err := s.ApplyWithAccount(ctx, validApplication("Center for International Environmental Law", "a@ciel.example"), "builtin", "$argon2id$fake")
	if err != nil {
		t.Fatal(err)
	}
	zh, err := s.ApplyWithAccount(ctx, validApplication("中国环境保护基金会", "b@cepf.example"), "builtin", "$argon2id$fake")
	if err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(365 * 24 * time.Hour).UTC().Truncate(time.Second)
	got, err := s.ApproveAccreditation(ctx, admin, a.ID, until)
	if err != nil {
		t.Fatal(err)
	}
	if got.PartyCode != "OBS-CFIEL-2" || got.Status != AccreditationApproved || got.ValidUntil == nil || !got.ValidUntil.Equal(until) {
		t.Errorf("approved: code %q status %s until %v", got.PartyCode, got.Status, got.ValidUntil)
	}
	u, _ := s.User(ctx, a.UserID)
	if u.PartyID != got.PartyID || u.Role != negotiation.RoleRepresentative {
		t.Errorf("applicant: party %d role %q, want %d %q", u.PartyID, u.Role, got.PartyID, negotiation.RoleRepresentative)
	}
	if got, err := s.ApproveAccreditation(ctx, admin, zh.ID, until); err != nil || got.PartyCode != "OBS-"+strconv.FormatInt(zh.ID, 10) {
		t.Errorf("organisation without Latin initials: %q, %v", got.PartyCode, err)
	}

	// A renewal keeps the party.
	renewal, err := s.ApplyAsUser(ctx, admin, a.UserID, validApplication("Center for International Environmental Law", "a@ciel.example"))
	if err != nil {
		t.Fatal(err)
	}
	later := until.Add(365 * 24 * time.Hour)
	again, err := s.ApproveAccreditation(ctx, admin, renewal.ID, later)
	if err != nil {
		t.Fatal(err)
	}
	if again.PartyID != got.PartyID {
		t.Errorf("renewal made party %d, want the old %d", again.PartyID, got.PartyID)
	}
	if err := s.RejectAccreditation(ctx, admin, renewal.ID, "too late"); negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Errorf("rejecting a decided application: %v, want a conflict", err)
	}
	if _, err := s.ApproveAccreditation(ctx, admin, renewal.ID, time.Now().Add(-time.Hour)); negotiation.ErrorCode(err) != negotiation.EInvalid {
		t.Errorf("approving until the past: %v, want invalid", err)
	}
}

func TestApproveRefusesApplicantOfAnotherParty(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	a, err := s.ApplyWithAccount(ctx, validApplication("NGO", "w@ngo.example"), "builtin", "$argon2id$fake")
	if err != nil {
		t.Fatal(err)
	}
	fra, err := s.CreateParty(ctx, admin, negotiation.Party{Code: "FRA", Name: "France", Kind: negotiation.PartyState})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserParty(ctx, admin, a.UserID, fra.ID, negotiation.RoleDelegate); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApproveAccreditation(ctx, admin, a.ID, time.Now().Add(time.Hour)); negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Errorf("approving a state delegate as observer: %v, want a conflict", err)
	}
	if got, _ := s.Accreditation(ctx, a.ID); got.Status != AccreditationPending {
		t.Errorf("status %s after a refused approval, want pending", got.Status)
	}
	if err := s.RejectAccreditation(ctx, admin, a.ID, " "); negotiation.ErrorCode(err) != negotiation.EInvalid {
		t.Errorf("rejection without reason: %v, want invalid", err)
	}
}
