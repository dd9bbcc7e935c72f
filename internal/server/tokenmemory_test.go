package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// TestRememberedTokenIsCheckedInTheTransaction submits proposals with a
// token whose viewer the server remembers from its first use, while the
// database changes behind its back (as another server process would
// change it): a revoked token and a suspended user are refused at once
// and store nothing, and a user moved to another delegation proposes for
// the new one.
func TestRememberedTokenIsCheckedInTheTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/TOKEN/1", zeroDraft)
	key, text := e.keyOf(c.ID, 1, "Requests")
	start, end := span(text, "[provide/ensure]")
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	body := map[string]any{"base_version": 1, "kind": "replace", "key": key, "start": start, "end": end,
		"quote": "[provide/ensure]", "text": "ensure"}
	sys := store.AsSystem(t.Context())
	count := func() (n int) {
		if err := e.store.Pool().QueryRow(sys, `SELECT count(*) FROM proposals WHERE document_id = $1`, c.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	propose := func(who *testEnv) (int, int64, []byte) {
		var out struct{ ID int64 }
		status, raw := who.call("POST", path, body, &out)
		return status, out.ID, raw
	}
	exec := func(sql string, args ...any) {
		if _, err := e.store.Pool().Exec(sys, sql, args...); err != nil {
			t.Fatal(err)
		}
	}

	revoked := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "revoked@bra.example")}
	suspended := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "suspended@bra.example")}
	moved := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "moved@bra.example")}
	e.tokenFor("KEN", negotiation.PartyState, "someone@ken.example")
	for _, who := range []*testEnv{revoked, suspended, moved} {
		if status, _, raw := propose(who); status != http.StatusCreated {
			t.Fatalf("first proposal: %d %s", status, raw)
		}
	}
	before := count()
	exec(`UPDATE api_tokens SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE email = 'revoked@bra.example')`)
	exec(`UPDATE users SET suspended_at = now(), suspended_reason = 'test' WHERE email = 'suspended@bra.example'`)
	exec(`UPDATE users SET party_id = (SELECT id FROM parties WHERE code = 'KEN') WHERE email = 'moved@bra.example'`)

	for name, who := range map[string]*testEnv{"revoked token": revoked, "suspended user": suspended} {
		if status, _, raw := propose(who); status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, status, raw)
		}
	}
	if n := count(); n != before {
		t.Fatalf("refused submissions stored %d proposals", n-before)
	}
	status, id, raw := propose(moved)
	if status != http.StatusCreated {
		t.Fatalf("moved user: %d %s", status, raw)
	}
	var party string
	if err := e.store.Pool().QueryRow(sys, `SELECT pa.code FROM proposals p JOIN parties pa ON pa.id = p.party_id WHERE p.id = $1`, id).Scan(&party); err != nil || party != "KEN" {
		t.Errorf("the moved user's proposal is %q's (%v), want KEN's", party, err)
	}
}
