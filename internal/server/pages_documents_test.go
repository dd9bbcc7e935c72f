package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// A form with bad input comes back with the message and everything typed.
func TestNewDocumentFormKeepsInputOnError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	b := e.browser()
	b.signIn("chief@un.example", pw)
	resp, page := b.post("/documents", url.Values{"symbol": {"A/FORM/1"}, "title": {"Oceans <b>and</b> seas"}, "text": {"   "}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{"the text is empty", `value="A/FORM/1"`, "Oceans &lt;b&gt;and&lt;/b&gt; seas"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	resp, page = b.post("/documents", url.Values{"symbol": {"A/FORM/1"}, "title": {"Oceans"}, "text": {"1. Decides to act."}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "OP1") {
		t.Fatalf("valid form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}

// Every page renders for the secretariat, with a document of two versions.
func TestPagesRender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/PAGES/1", zeroDraft)
	e.call("POST", "/api/v1/documents/1/versions", map[string]any{"text": strings.Replace(zeroDraft, "rapid", "alarming", 1)}, nil)
	_ = c
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	b := e.browser()
	b.signIn("chief@un.example", pw)
	for _, path := range []string{"/", "/documents/new", "/documents/1", "/documents/1/versions/1", "/documents/1/versions/new",
		"/documents/1/edit", "/documents/1/diff?from=1&to=2", "/documents/1/diff?from=1&to=2&all=1", "/documents/1/diff",
		"/account", "/admin/parties", "/admin/users", "/admin/accreditations"} {
		resp, page := b.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "</html>") {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}
