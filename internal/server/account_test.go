package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// browserAs opens a browser session for an existing user directly in the
// store, without the provider's sign-in (for users made by tokenFor).
func (e *testEnv) browserAs(email string) *browser {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	sid := auth.Secret(32)
	if err := e.store.CreateSession(ctx, u.ID, auth.Hash(sid), time.Now().Add(time.Hour), ""); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	base, err := url.Parse(e.url)
	if err != nil {
		e.t.Fatal(err)
	}
	b.client.Jar.SetCookies(base, []*http.Cookie{{Name: "zd_session", Value: sid, Path: "/"}})
	return b
}

// apiStatus is the status of GET /api/v1/documents with token as Bearer.
func (e *testEnv) apiStatus(token string) int {
	e.t.Helper()
	status, _ := (&testEnv{t: e.t, url: e.url, token: token}).call("GET", "/api/v1/documents", nil, nil)
	return status
}

var tokenPattern = regexp.MustCompile(`zd_[A-Za-z0-9_-]{43}`)

func TestAccountShowsWhoAndMakesTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.account("FRA", negotiation.PartyState, "delegate@fra.example", pw)
	b := e.browser()
	b.signIn("delegate@fra.example", pw)

	resp, page := b.get("/account")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /account: %d", resp.StatusCode)
	}
	for _, want := range []string{"delegate@fra.example", "FRA", "Delegate", "State"} {
		if !strings.Contains(page, want) {
			t.Errorf("account page lacks %q", want)
		}
	}

	// A wrong validity re-shows the form with the name typed and a message.
	resp, page = b.post("/account/tokens", url.Values{"name": {"nightly sync"}, "days": {"400"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "from 1 to 365") || !strings.Contains(page, `value="nightly sync"`) {
		t.Errorf("400 days: %d, want 422 with the message and the name kept", resp.StatusCode)
	}

	resp, page = b.post("/account/tokens", url.Values{"name": {"nightly sync"}, "days": {"30"}})
	token := tokenPattern.FindString(page)
	if resp.StatusCode != http.StatusOK || token == "" {
		t.Fatalf("create token: %d, token %q", resp.StatusCode, token)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("token page Cache-Control = %q, want no-store", got)
	}
	if got := e.apiStatus(token); got != http.StatusOK {
		t.Errorf("new token on the API: %d, want 200", got)
	}

	// Shown once: the account page lists the token by name, never its value.
	_, page = b.get("/account")
	if strings.Contains(page, token) || !strings.Contains(page, "nightly sync") {
		t.Errorf("account page shows the token again, or not its name")
	}

	// A token cannot mint another token.
	req, _ := http.NewRequest("POST", e.url+"/account/tokens", strings.NewReader(url.Values{"name": {"x"}, "days": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusForbidden {
		t.Errorf("token made with a token: %d, want 403", r2.StatusCode)
	}

	tokens, err := e.store.APITokens(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 {
		t.Fatalf("%d tokens stored, want 1", len(tokens))
	}
	if days := tokens[0].ExpiresAt.Sub(tokens[0].CreatedAt).Hours() / 24; days < 29.9 || days > 30.1 {
		t.Errorf("token valid for %.1f days, want 30", days)
	}

	// Someone else's token is not found; one's own is revoked and dies.
	other := e.browserAs("officer@un.example")
	if resp, _ := other.post(fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoke another user's token: %d, want 404", resp.StatusCode)
	}
	resp, page = b.post(fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), url.Values{})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/account" || !strings.Contains(page, "revoked") {
		t.Errorf("revoke: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if got := e.apiStatus(token); got != http.StatusUnauthorized {
		t.Errorf("revoked token on the API: %d, want 401", got)
	}
}

func TestAccountFormsNeedCSRFProtection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.account("FRA", negotiation.PartyState, "delegate@fra.example", pw)
	b := e.browser()
	b.signIn("delegate@fra.example", pw)
	form := url.Values{"name": {"forged"}, "days": {"30"}}
	for _, site := range []string{"", "cross-site"} {
		if resp, _ := b.do("POST", "/account/tokens", form, site); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /account/tokens with Sec-Fetch-Site=%q and no token: %d, want 403", site, resp.StatusCode)
		}
	}
	if tokens, _ := e.store.APITokens(ctx, u.ID); len(tokens) != 0 {
		t.Fatalf("a forged form made %d token(s)", len(tokens))
	}

	// A browser without Sec-Fetch-Site echoes the form's hidden token.
	_, page := b.get("/account")
	i := strings.Index(page, `action="/account/tokens"`)
	if i < 0 {
		t.Fatal("no token form on the account page")
	}
	m := hidden.FindStringSubmatch(page[i:])
	if m == nil || m[1] != "_csrf" {
		t.Fatal("the token form has no _csrf field")
	}
	form.Set("_csrf", htmlUnescape(m[2]))
	if resp, page := b.do("POST", "/account/tokens", form, ""); resp.StatusCode != http.StatusOK || tokenPattern.FindString(page) == "" {
		t.Errorf("POST with the form's CSRF token: %d", resp.StatusCode)
	}
}

func TestAnonymousAccountGoesToSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/account", "/admin/users", "/admin/parties", "/admin/accreditations"} {
		resp, _ := b.get(path)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/auth/login?next=") {
			t.Errorf("anonymous GET %s: %d to %q, want 303 to sign-in", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := b.post("/account/tokens", url.Values{"name": {"x"}, "days": {"1"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous POST /account/tokens: %d, want 401", resp.StatusCode)
	}
}
