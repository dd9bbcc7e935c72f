package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// TestPolicyAPI checks GET/PUT /api/v1/documents/{id}/policy: presets,
// full tables, bad input, who may set it, and the audit trail.
func TestPolicyAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/POL/1", zeroDraft)
	path := fmt.Sprintf("/api/v1/documents/%d/policy", c.ID)
	var got struct {
		Preset string
		Rules  map[string]map[string]negotiation.Rule
	}
	if status, raw := e.call("GET", path, nil, &got); status != http.StatusOK || got.Preset != "closed" {
		t.Fatalf("new document's policy: %d %s", status, raw)
	}
	if got.Rules["text"]["members"].When != negotiation.Now || got.Rules["text"]["public"].When != negotiation.Never {
		t.Errorf("closed preset: %+v", got.Rules["text"])
	}
	if status, raw := e.call("PUT", path, map[string]any{"preset": "chatham-house"}, &got); status != http.StatusOK ||
		got.Rules["attributions"]["public"].When != negotiation.Anonymised {
		t.Errorf("set chatham-house: %d %s", status, raw)
	}
	from := "2030-01-01T09:00:00Z"
	table := got.Rules
	table["text"]["public"] = negotiation.Rule{When: negotiation.From}
	for _, tc := range []struct {
		what string
		body any
		want string
	}{
		{"nothing", map[string]any{}, "preset"},
		{"an unknown preset", map[string]any{"preset": "open"}, "closed, observers, transparent, chatham-house"},
		{"an embargo without a date", map[string]any{"rules": table}, "an embargo needs"},
		{"a missing cell", map[string]any{"rules": map[string]any{"text": map[string]any{"members": map[string]any{"when": "now"}}}}, "has no rule for"},
		{"an unknown artefact", map[string]any{"rules": map[string]any{"drafts": map[string]any{}}}, "unknown artefact"},
		{"anonymised text", map[string]any{"rules": withCell(table, "text", "public", map[string]any{"when": "anonymised"})}, "only attributions"},
	} {
		status, raw := e.call("PUT", path, tc.body, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), tc.want) {
			t.Errorf("%s: %d %s, want 422 saying %q", tc.what, status, raw, tc.want)
		}
	}
	if status, raw := e.call("PUT", path, map[string]any{"rules": withCell(table, "text", "public", map[string]any{"when": "from", "from": from})}, &got); status != http.StatusOK ||
		got.Preset != "custom" || got.Rules["text"]["public"].From == nil {
		t.Errorf("custom table with an embargo: %d %s", status, raw)
	}
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	if status, _ := fra.call("PUT", path, map[string]any{"preset": "transparent"}, nil); status != http.StatusForbidden {
		t.Errorf("a state set the policy: %d, want 403", status)
	}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(time.Hour))
	// The document is public now (the custom table keeps Chatham House's
	// public text): the observer sees it, but not its rules' settings.
	if status, _ := ngo.call("GET", path, nil, nil); status != http.StatusForbidden {
		t.Errorf("an observer read the policy: %d, want 403", status)
	}
	trail, err := e.store.AuditTrail(store.AsSystem(context.Background()), "document", fmt.Sprint(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, ev := range trail {
		if ev.Action == "document.disclosure" {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("audited policy changes = %d, want 2", changes)
	}
}

// withCell copies a policy table with one cell replaced.
func withCell(table map[string]map[string]negotiation.Rule, art, aud string, cell any) map[string]any {
	out := map[string]any{}
	for a, row := range table {
		r := map[string]any{}
		for k, v := range row {
			r[k] = v
		}
		out[a] = r
	}
	out[art].(map[string]any)[aud] = cell
	return out
}

// TestPolicyChangeTakesEffectAtOnce: a token that read a document a moment
// ago gets 404 right after the rules close it, and an open live-update
// stream stops receiving its events, while a member's stream goes on.
func TestPolicyChangeTakesEffectAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/POL/2", zeroDraft)
	path := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	e.call("PUT", path+"/policy", map[string]any{"preset": "observers"}, nil)
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(time.Hour))
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	if status, _ := ngo.call("GET", path, nil, nil); status != http.StatusOK {
		t.Fatalf("observer under the observers preset: %d", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	observed, status := ngo.stream(ctx, c.ID)
	if status != http.StatusOK {
		t.Fatalf("observer stream: %d", status)
	}
	member, _ := bra.stream(ctx, c.ID)
	e.call("PUT", path+"/policy", map[string]any{"preset": "closed"}, nil)
	if status, _ := ngo.call("GET", path, nil, nil); status != http.StatusNotFound {
		t.Errorf("the same token right after the document closed: %d, want 404", status)
	}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	bra.call("POST", path+"/proposals", map[string]any{"base_version": 1, "kind": "delete", "key": key}, nil)
	gotMember := false
	deadline := time.After(3 * time.Second)
	for !gotMember {
		select {
		case ev := <-member:
			gotMember = strings.Contains(ev, "event: proposal")
		case ev := <-observed:
			if strings.Contains(ev, "event: proposal") {
				t.Errorf("the observer's open stream got %q after the document was closed to observers", ev)
			}
		case <-deadline:
			t.Fatal("the member's stream got no proposal event")
		}
	}
	select {
	case ev := <-observed:
		if strings.Contains(ev, "event: proposal") {
			t.Errorf("the observer's open stream got %q after the document was closed to observers", ev)
		}
	case <-time.After(500 * time.Millisecond):
	}
}

// TestEmbargoToTheSecond: text public from a release time is hidden from
// an anonymous visitor before it and shown after, without any change.
func TestEmbargoToTheSecond(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/POL/3", zeroDraft)
	release := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	var pol struct {
		Rules map[string]map[string]negotiation.Rule
	}
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/policy", c.ID), nil, &pol)
	table := withCell(pol.Rules, "text", "public", map[string]any{"when": "from", "from": release.Format(time.RFC3339)})
	if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/policy", c.ID), map[string]any{"rules": table}, nil); status != http.StatusOK {
		t.Fatalf("embargo: %d %s", status, raw)
	}
	anon := &testEnv{t: t, url: e.url}
	path := fmt.Sprintf("/api/v1/documents/%d/versions/1", c.ID)
	time.Sleep(time.Until(release.Add(-time.Second)))
	if status, raw := anon.call("GET", path, nil, nil); status != http.StatusUnauthorized || strings.Contains(string(raw), "Recalling") {
		t.Errorf("one second before the release: %d %s", status, raw)
	}
	time.Sleep(time.Until(release.Add(time.Second)))
	if status, raw := anon.call("GET", path, nil, nil); status != http.StatusOK || !strings.Contains(string(raw), "Recalling") {
		t.Errorf("one second after the release: %d %s", status, raw)
	}
}

// TestSwappedAndGuessedIDs: objects of a closed document are not reached
// through a public document's address, and an unknown id answers as a
// closed one does.
func TestSwappedAndGuessedIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	open := e.createDoc("A/POL/OPEN", zeroDraft)
	closed := e.createDoc("A/POL/CLOSED", zeroDraft)
	e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/policy", open.ID), map[string]any{"preset": "transparent"}, nil)
	var secret struct{ ID int64 }
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/comments", closed.ID), map[string]any{"body": "SECRET-REMARK"}, &secret); status != http.StatusCreated {
		t.Fatalf("comment: %d %s", status, raw)
	}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(time.Hour))
	for _, who := range []*testEnv{ngo, {t: t, url: e.url}} {
		for _, p := range []string{
			fmt.Sprintf("/documents/%d/comments/%d", open.ID, secret.ID),
			fmt.Sprintf("/api/v1/documents/%d/comments?parent=%d", open.ID, secret.ID),
			fmt.Sprintf("/api/v1/comments/%d/history", secret.ID),
		} {
			body, header := leakGet(t, e.url+p, who.token)
			status := statusOf(header)
			if status == http.StatusOK || strings.Contains(body, "SECRET-REMARK") {
				t.Errorf("GET %s (token %t): %d, shows the remark %t", p, who.token != "", status, strings.Contains(body, "SECRET-REMARK"))
			}
		}
		closedStatus, _ := who.get(fmt.Sprintf("/api/v1/documents/%d", closed.ID))
		unknownStatus, _ := who.get("/api/v1/documents/987654")
		if closedStatus != unknownStatus || closedStatus < 400 {
			t.Errorf("closed document answers %d, unknown one %d: they must not differ", closedStatus, unknownStatus)
		}
	}
}

// statusOf reads the status line leakGet puts first in its headers.
func statusOf(header string) int {
	var status int
	fmt.Sscanf(header, "Status: %d", &status)
	return status
}
