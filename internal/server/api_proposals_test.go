package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

type proposalList struct {
	Proposals []negotiation.Proposal `json:"proposals"`
}

// keyOf finds the key of the provision of version n whose text starts so.
func (e *testEnv) keyOf(docID int64, n int, prefix string) (string, string) {
	e.t.Helper()
	for _, p := range e.version(docID, n).Provisions {
		if strings.HasPrefix(p.Text, prefix) {
			return p.Key, p.Text
		}
	}
	e.t.Fatalf("no provision starting %q", prefix)
	return "", ""
}

func span(text, word string) (int, int) {
	i := strings.Index(text, word)
	start := len([]rune(text[:i]))
	return start, start + len([]rune(word))
}

func TestProposals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/PROP/1", zeroDraft)
	eu := &testEnv{t: t, url: e.url, token: e.tokenFor("EU", negotiation.PartyGroup, "d@eu.example")}
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	key, text := e.keyOf(c.ID, 1, "Requests")
	start, end := span(text, "[provide/ensure]")
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	replace := map[string]any{"base_version": 1, "kind": "replace", "key": key, "start": start, "end": end,
		"quote": "[provide/ensure]", "text": "ensure", "justification": "<script>alert(1)</script> clearer"}

	// Two delegations propose on the same span at the same instant: both kept.
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	for i, who := range []*testEnv{eu, bra} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct {
				ID     int64
				Status string
			}
			if status, raw := who.call("POST", path, replace, &out); status != http.StatusCreated || out.Status != "tabled" {
				t.Errorf("proposal %d: %d %s", i, status, raw)
			}
			ids[i] = out.ID
		}()
	}
	wg.Wait()
	var list proposalList
	e.call("GET", path, nil, &list)
	if len(list.Proposals) != 2 {
		t.Fatalf("proposals = %d, want both", len(list.Proposals))
	}
	for _, id := range ids {
		events, err := e.store.AuditTrail(store.AsSystem(t.Context()), "proposal", fmt.Sprint(id))
		if err != nil || len(events) != 1 || events[0].Action != "proposal.create" || events[0].Actor == "" {
			t.Errorf("audit of proposal %d = %+v %v", id, events, err)
		}
	}
	if list.Proposals[0].Justification != "<script>alert(1)</script> clearer" {
		t.Errorf("justification altered: %q", list.Proposals[0].Justification)
	}

	bad := func(who *testEnv, body map[string]any, status int, code, inMsg string) {
		t.Helper()
		got, raw := who.call("POST", path, body, nil)
		if got != status {
			t.Errorf("%v: %d, want %d: %s", body, got, status, raw)
			return
		}
		gc, msg := apiErr(t, raw)
		if gc != code || !strings.Contains(msg, inMsg) {
			t.Errorf("error %s %q, want %s containing %q", gc, msg, code, inMsg)
		}
	}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range replace {
			m[a] = b
		}
		m[k] = v
		return m
	}
	bad(eu, with("quote", "[provide]"), 422, "anchor_mismatch", "“[provide/ensure]”")
	bad(eu, with("on_behalf_of", "BRA"), 403, "forbidden", "BRA")
	bad(ngo, replace, 404, "not_found", "")
	bad(eu, with("kind", "rewrite"), 422, "invalid", "kind")

	// Stale base: a new version exists; nothing is stored.
	e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", c.ID), map[string]any{"text": zeroDraft + "\n\n4. Decides to remain seized."}, nil)
	bad(eu, replace, 409, "conflict", "current version is 2")
	e.call("GET", path, nil, &list)
	if len(list.Proposals) != 2 {
		t.Errorf("a refused proposal was stored: %d", len(list.Proposals))
	}

	// Positions: one current per party, history kept.
	pos := fmt.Sprintf("/api/v1/proposals/%d/positions", ids[0])
	for _, stance := range []string{"oppose", "support"} {
		if status, raw := bra.call("POST", pos, map[string]string{"stance": stance}, nil); status != http.StatusCreated {
			t.Fatalf("position: %d %s", status, raw)
		}
	}
	if status, _ := eu.call("POST", pos, map[string]string{"stance": "support"}, nil); status != 422 {
		t.Errorf("a party supported its own proposal: %d", status)
	}
	if status, _ := bra.call("POST", pos, map[string]string{"stance": "maybe"}, nil); status != 422 {
		t.Errorf("unknown stance: %d", status)
	}
	e.call("GET", path, nil, &list)
	var got []negotiation.Position
	for _, p := range list.Proposals {
		if p.ID == ids[0] {
			got = p.Positions
		}
	}
	if len(got) != 1 || got[0].Party != "BRA" || got[0].Stance != "support" {
		t.Errorf("current positions = %+v", got)
	}

	// Withdrawal: only by the proposer.
	if status, _ := bra.call("POST", fmt.Sprintf("/api/v1/proposals/%d/withdraw", ids[0]), nil, nil); status != 403 {
		t.Errorf("BRA withdrew EU's proposal: %d", status)
	}
	if status, raw := eu.call("POST", fmt.Sprintf("/api/v1/proposals/%d/withdraw", ids[0]), nil, nil); status != 200 {
		t.Errorf("EU withdraw: %d %s", status, raw)
	}
}

func TestTablingDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/DEAD/1", zeroDraft)
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	body := map[string]any{"base_version": 1, "kind": "delete", "key": key}
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/deadline", c.ID), map[string]any{"tabling_deadline": "2020-01-01T12:00:00Z"}, nil); status != 200 {
		t.Fatalf("deadline: %d %s", status, raw)
	}
	status, raw := fra.call("POST", path, body, nil)
	if _, msg := apiErr(t, raw); status != 403 || !strings.Contains(msg, "2020-01-01 12:00:00 UTC") {
		t.Errorf("after the deadline: %d %s", status, raw)
	}
	if status, raw := e.call("POST", path, map[string]any{"base_version": 1, "kind": "delete", "key": key, "on_behalf_of": "FRA"}, nil); status != 201 {
		t.Errorf("the secretariat may still act: %d %s", status, raw)
	}
	if status, _ := fra.call("PUT", fmt.Sprintf("/api/v1/documents/%d/deadline", c.ID), map[string]any{"tabling_deadline": nil}, nil); status != 403 {
		t.Errorf("a state moved the deadline: %d", status)
	}
}

func TestProvisionStatusAndCosponsors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/STAT/1", zeroDraft)
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	statusPath := fmt.Sprintf("/api/v1/documents/%d/provisions/%s/status", c.ID, key)
	if status, raw := e.call("PUT", statusPath, map[string]string{"status": "agreed"}, nil); status != 200 {
		t.Fatalf("green: %d %s", status, raw)
	}
	if status, _ := fra.call("PUT", statusPath, map[string]string{"status": "reopened"}, nil); status != 403 {
		t.Errorf("a state reopened a provision: %d", status)
	}
	if status, _ := e.call("PUT", statusPath, map[string]string{"status": "bracketed"}, nil); status != 422 {
		t.Errorf("bracketed is derived, not set: %d", status)
	}
	if status, _ := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/provisions/nope/status", c.ID), map[string]string{"status": "agreed"}, nil); status != 404 {
		t.Errorf("unknown key: %d", status)
	}
	// A reservation on a provision keeps it bracketed.
	decKey, _ := e.keyOf(c.ID, 1, "Decides")
	if status, raw := ken.call("POST", fmt.Sprintf("/api/v1/documents/%d/provisions/%s/positions", c.ID, decKey), map[string]string{"stance": "reservation"}, nil); status != 201 {
		t.Fatalf("reservation: %d %s", status, raw)
	}
	_, comp := e.get(fmt.Sprintf("/api/v1/documents/%d/compilation", c.ID))
	if !strings.Contains(comp, `"key":"`+decKey+`","number":"OP1","kind":"operative","status":"bracketed"`) {
		t.Errorf("reserved provision not bracketed: %s", comp)
	}
	if !strings.Contains(comp, `"key":"`+key+`","number":"OP3","kind":"operative","status":"agreed"`) {
		t.Errorf("greened provision not agreed: %s", comp)
	}
	var p struct{ ID int64 }
	fra.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), map[string]any{"base_version": 1, "kind": "delete", "key": key}, &p)
	cos := fmt.Sprintf("/api/v1/proposals/%d/cosponsor", p.ID)
	if status, raw := ken.call("POST", cos, map[string]any{}, nil); status != 201 {
		t.Fatalf("cosponsor: %d %s", status, raw)
	}
	if status, _ := ken.call("POST", cos, map[string]any{}, nil); status != 409 {
		t.Errorf("cosponsoring twice: %d", status)
	}
	if status, _ := fra.call("POST", cos, map[string]any{}, nil); status != 422 {
		t.Errorf("the proposer co-sponsored: %d", status)
	}
	var list proposalList
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), nil, &list)
	if got := list.Proposals[0].Cosponsors; len(got) != 1 || got[0] != "KEN" {
		t.Errorf("cosponsors = %v", got)
	}
}

func TestChairSteersTheDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/CHAIR/1", zeroDraft)
	chair := &testEnv{t: t, url: e.url, token: e.tokenFor("NOR", negotiation.PartyState, "chair@nor.example")}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	status := fmt.Sprintf("/api/v1/documents/%d/provisions/%s/status", c.ID, key)
	if got, _ := chair.call("PUT", status, map[string]string{"status": "agreed"}, nil); got != 403 {
		t.Fatalf("a delegate greened a provision before being made chair: %d", got)
	}
	roles := fmt.Sprintf("/api/v1/documents/%d/roles", c.ID)
	if got, _ := chair.call("PUT", roles, map[string]string{"email": "chair@nor.example", "role": "chair"}, nil); got != 403 {
		t.Errorf("a delegate made herself chair: %d", got)
	}
	if got, raw := e.call("PUT", roles, map[string]string{"email": "chair@nor.example", "role": "chair"}, nil); got != 200 {
		t.Fatalf("secretariat names the chair: %d %s", got, raw)
	}
	if got, raw := chair.call("PUT", status, map[string]string{"status": "agreed"}, nil); got != 200 {
		t.Errorf("the chair cannot green a provision: %d %s", got, raw)
	}
	if got, _ := chair.call("POST", "/api/v1/documents", map[string]string{"symbol": "X", "title": "T", "text": "1. A."}, nil); got != 403 {
		t.Errorf("chairing one document gave secretariat rights: %d", got)
	}
	e.call("PUT", roles, map[string]string{"email": "chair@nor.example", "role": ""}, nil)
	if got, _ := chair.call("PUT", status, map[string]string{"status": "reopened"}, nil); got != 403 {
		t.Errorf("a former chair still steers: %d", got)
	}
}

func TestDelegateActsForDesignatedGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/GRP/1", zeroDraft)
	e.tokenFor("G77", negotiation.PartyGroup, "chair@g77.example")
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	body := map[string]any{"base_version": 1, "kind": "delete", "key": key, "on_behalf_of": "G77"}
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	if status, _ := bra.call("POST", path, body, nil); status != 403 {
		t.Fatalf("acting for a group before designation: %d", status)
	}
	if status, _ := bra.call("PUT", "/api/v1/parties/G77/delegates", map[string]any{"email": "d@bra.example"}, nil); status != 403 {
		t.Errorf("a delegate designated herself: %d", status)
	}
	if status, raw := e.call("PUT", "/api/v1/parties/G77/delegates", map[string]any{"email": "d@bra.example"}, nil); status != 200 {
		t.Fatalf("designate: %d %s", status, raw)
	}
	var list proposalList
	if status, raw := bra.call("POST", path, body, nil); status != 201 {
		t.Fatalf("designated delegate acting for G77: %d %s", status, raw)
	}
	e.call("GET", path, nil, &list)
	if len(list.Proposals) != 1 || list.Proposals[0].Party != "G77" {
		t.Errorf("proposals = %+v, want one by G77", list.Proposals)
	}
	if status, _ := e.call("PUT", "/api/v1/parties/BRA/delegates", map[string]any{"email": "d@bra.example"}, nil); status != 422 {
		t.Errorf("designating for a state: %d", status)
	}
}
