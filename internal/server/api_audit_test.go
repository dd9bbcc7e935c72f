package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestDocumentAuditTrail checks the secretariat's view of one document's
// audit trail: every kind of change to the document and its parts, in
// order, by pages that link to the next, and the whole as CSV; nobody
// else reads it.
func TestDocumentAuditTrail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/AUDIT/1", zeroDraft)
	other := e.createDoc("A/AUDIT/2", zeroDraft)
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("NGO", negotiation.PartyObserver, "n@ngo.example")}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	var p struct{ ID int64 }
	if status, raw := fra.call("POST", doc+"/proposals", map[string]any{"base_version": 1, "kind": "delete", "key": key}, &p); status != http.StatusCreated {
		t.Fatalf("propose: %d %s", status, raw)
	}
	fra.call("POST", fmt.Sprintf("/api/v1/proposals/%d/withdraw", p.ID), nil, nil)
	e.comment(doc, map[string]any{"body": "a comment"})
	e.call("PUT", doc+"/policy", map[string]string{"preset": "transparent"}, nil)
	// Work on the other document stays out of this one's trail.
	e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/policy", other.ID), map[string]string{"preset": "transparent"}, nil)

	type event struct {
		ID         int64
		Action     string
		ObjectType string `json:"object_type"`
		ObjectID   string `json:"object_id"`
	}
	var all []event
	next := doc + "/audit?limit=2"
	for pages := 0; next != ""; pages++ {
		var page struct {
			Events []event
			Next   *string
		}
		if status, raw := e.call("GET", next, nil, &page); status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, status, raw)
		}
		all = append(all, page.Events...)
		next = ""
		if page.Next != nil {
			next = *page.Next
		}
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	var actions []string
	for i, ev := range all {
		if i > 0 && ev.ID <= all[i-1].ID {
			t.Errorf("events out of order: %d after %d", ev.ID, all[i-1].ID)
		}
		if ev.ObjectType == "document" && ev.ObjectID != fmt.Sprint(c.ID) {
			t.Errorf("an event of another document: %+v", ev)
		}
		actions = append(actions, ev.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"document.create", "proposal.create", "proposal.withdraw", "comment.create", "document.disclosure"} {
		if !strings.Contains(got, want) {
			t.Errorf("the trail lacks %s: %s", want, got)
		}
	}

	resp := e.raw("GET", doc+"/audit?format=csv")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", resp.StatusCode, resp.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != len(all)+1 || rows[0][0] != "id" || rows[1][3] != all[0].Action {
		t.Errorf("CSV: %d rows (%v), want %d; first %v", len(rows), err, len(all)+1, rows[:min(2, len(rows))])
	}

	// The first document is public now: others read it, not its trail.
	anonymous := &testEnv{t: t, url: e.url}
	for name, who := range map[string]*testEnv{"a state": fra, "an observer": ngo, "a visitor": anonymous} {
		want := http.StatusForbidden
		if who == anonymous {
			want = http.StatusUnauthorized
		}
		if status, _ := who.call("GET", doc+"/audit?format=csv", nil, nil); status != want {
			t.Errorf("%s reads the audit trail: %d, want %d", name, status, want)
		}
	}
	if status, _ := e.call("GET", doc+"/audit?limit=0", nil, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("limit=0: %d", status)
	}
}
