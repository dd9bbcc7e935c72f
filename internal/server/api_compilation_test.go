package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func TestCompilationAndRevision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COMP/1", zeroDraft)
	eu := &testEnv{t: t, url: e.url, token: e.tokenFor("EU", negotiation.PartyGroup, "d@eu.example")}
	g77 := &testEnv{t: t, url: e.url, token: e.tokenFor("G77", negotiation.PartyGroup, "d@g77.example")}
	us := &testEnv{t: t, url: e.url, token: e.tokenFor("USA", negotiation.PartyState, "d@us.example")}
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	propose := func(who *testEnv, body map[string]any) int64 {
		t.Helper()
		var out struct{ ID int64 }
		if status, raw := who.call("POST", path, body, &out); status != 201 {
			t.Fatalf("propose %v: %d %s", body, status, raw)
		}
		return out.ID
	}
	reqKey, reqText := e.keyOf(c.ID, 1, "Requests")
	s, en := span(reqText, "[provide/ensure]")
	euID := propose(eu, map[string]any{"base_version": 1, "kind": "replace", "key": reqKey, "start": s, "end": en, "quote": "[provide/ensure]", "text": "ensure"})
	g77ID := propose(g77, map[string]any{"base_version": 1, "kind": "replace", "key": reqKey, "start": s, "end": en, "quote": "[provide/ensure]", "text": "provide"})
	invKey, invText := e.keyOf(c.ID, 1, "Invites")
	s2, e2 := span(invText, "Member States")
	usID := propose(us, map[string]any{"base_version": 1, "kind": "replace", "key": invKey, "start": s2, "end": e2, "quote": "Member States", "text": "all States"})
	decKey, _ := e.keyOf(c.ID, 1, "Decides")
	insID := propose(us, map[string]any{"base_version": 1, "kind": "insert", "key": decKey, "text": "Decides further to review progress annually;"})
	propose(eu, map[string]any{"base_version": 1, "kind": "delete", "key": invKey, "draft": true})

	resp, text := e.get(fmt.Sprintf("/api/v1/documents/%d/compilation?format=text", c.ID))
	if resp != 200 {
		t.Fatalf("compilation: %d %s", resp, text)
	}
	for _, want := range []string{"EU", "G77", "USA", "all States", "Decides further to review progress annually;"} {
		if !strings.Contains(text, want) {
			t.Errorf("compilation text lacks %q:\n%s", want, text)
		}
	}
	// Another delegation's draft never shows; the proposer's own does, in its own view only.
	_, other := g77.get(fmt.Sprintf("/api/v1/documents/%d/compilation?status=draft,tabled", c.ID))
	if strings.Contains(other, `"kind":"delete"`) {
		t.Errorf("G77 sees EU's draft")
	}

	// Two conflicting proposals cannot both be incorporated.
	rev := fmt.Sprintf("/api/v1/documents/%d/revisions", c.ID)
	status, raw := e.call("POST", rev, map[string]any{"incorporate": []int64{euID, g77ID}}, nil)
	if _, msg := apiErr(t, raw); status != 409 || !strings.Contains(msg, fmt.Sprint(euID)) || !strings.Contains(msg, fmt.Sprint(g77ID)) {
		t.Errorf("conflicting revision: %d %s", status, raw)
	}
	if status, _ := eu.call("POST", rev, map[string]any{"incorporate": []int64{euID}}, nil); status != 403 {
		t.Errorf("a group issued a revision: %d", status)
	}
	var out struct{ Number int }
	if status, raw := e.call("POST", rev, map[string]any{"label": "Rev.1", "incorporate": []int64{euID, insID}, "not_retained": []int64{g77ID}}, &out); status != 201 || out.Number != 2 {
		t.Fatalf("revision: %d %s", status, raw)
	}
	v2 := e.version(c.ID, 2)
	var joined []string
	for _, p := range v2.Provisions {
		joined = append(joined, p.Number+" "+p.Text)
	}
	all := strings.Join(joined, "\n")
	if !strings.Contains(all, "Requests the Secretary-General to ensure support;") || !strings.Contains(all, "Decides further to review progress annually;") {
		t.Errorf("revision text:\n%s", all)
	}
	var list proposalList
	e.call("GET", path, nil, &list)
	want := map[int64]negotiation.ProposalStatus{euID: "incorporated", g77ID: "not_retained", insID: "incorporated", usID: "tabled"}
	for _, p := range list.Proposals {
		if w, ok := want[p.ID]; ok && p.Status != w {
			t.Errorf("proposal %d: %s, want %s", p.ID, p.Status, w)
		}
		if p.ID == usID && p.BaseVersion != 2 {
			t.Errorf("the untouched proposal was not carried forward: base %d", p.BaseVersion)
		}
	}
}

// get sends a GET with the env's token and returns status and body.
func (e *testEnv) get(path string) (int, string) {
	e.t.Helper()
	status, raw := e.call("GET", path, nil, nil)
	return status, string(raw)
}
