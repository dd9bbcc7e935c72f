package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// accredit records an observer party's accreditation, valid until.
func (e *testEnv) accredit(code, email string, until time.Time) {
	e.t.Helper()
	ctx := context.Background()
	p, err := e.store.PartyByCode(ctx, code)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.EnsureApprovedAccreditation(ctx, negotiation.Actor{Name: "test"}, store.SeedAccreditation{
		UserID: u.ID, PartyID: p.ID, Organisation: code, Country: "CH", ContactName: "x", ContactEmail: email, ValidUntil: until,
	}); err != nil {
		e.t.Fatal(err)
	}
}

func TestObserverSuggestionsAndSponsorship(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/SUG/1", zeroDraft)
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(24*time.Hour))
	old := &testEnv{t: t, url: e.url, token: e.tokenFor("OLDNGO", negotiation.PartyObserver, "n@old.example")}
	e.accredit("OLDNGO", "n@old.example", time.Now().Add(-24*time.Hour))
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	key, text := e.keyOf(c.ID, 1, "Invites")
	s, en := span(text, "Member States")
	body := map[string]any{"base_version": 1, "kind": "replace", "key": key, "start": s, "end": en, "quote": "Member States", "text": "all States and stakeholders"}

	// Closed to consultation: the observer sees nothing, not even the document.
	if status, _ := ngo.call("GET", doc, nil, nil); status != 404 {
		t.Errorf("observer reads a closed document: %d", status)
	}
	if status, _ := ngo.call("POST", doc+"/suggestions", body, nil); status != 404 {
		t.Errorf("suggestion on a closed document: %d", status)
	}
	if status, raw := e.call("PUT", doc+"/consultation", map[string]bool{"open": true}, nil); status != 200 {
		t.Fatalf("open consultation: %d %s", status, raw)
	}
	// Observers never table brackets, even on an open document.
	if status, _ := ngo.call("POST", doc+"/proposals", body, nil); status != 403 {
		t.Errorf("observer tabled a proposal: %d", status)
	}
	// An observer whose accreditation expired yesterday sees nothing.
	if status, _ := old.call("GET", doc, nil, nil); status != 404 {
		t.Errorf("expired observer reads the document: %d", status)
	}
	var sg struct{ ID int64 }
	if status, raw := ngo.call("POST", doc+"/suggestions", body, &sg); status != 201 {
		t.Fatalf("suggestion: %d %s", status, raw)
	}
	var props proposalList
	e.call("GET", doc+"/proposals", nil, &props)
	if len(props.Proposals) != 0 {
		t.Errorf("a suggestion shows among proposals before sponsorship")
	}
	if status, _ := ngo.call("POST", fmt.Sprintf("/api/v1/suggestions/%d/sponsor", sg.ID), map[string]any{}, nil); status != 403 {
		t.Errorf("an observer sponsored: %d", status)
	}
	var sp struct {
		Proposal int64
		Party    string
	}
	if status, raw := ken.call("POST", fmt.Sprintf("/api/v1/suggestions/%d/sponsor", sg.ID), map[string]any{}, &sp); status != 201 || sp.Party != "KEN" {
		t.Fatalf("sponsor: %d %s", status, raw)
	}
	if status, _ := ken.call("POST", fmt.Sprintf("/api/v1/suggestions/%d/sponsor", sg.ID), map[string]any{}, nil); status != 409 {
		t.Errorf("sponsored twice: %d", status)
	}
	e.call("GET", doc+"/proposals", nil, &props)
	if len(props.Proposals) != 1 || props.Proposals[0].Party != "KEN" || props.Proposals[0].CreditedTo != "CIEL" {
		t.Errorf("sponsored proposal = %+v", props.Proposals)
	}
}
