package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

// browser is an HTTP client with cookies, following redirects, as a
// person's browser would; it sends Sec-Fetch-Site like one.
type browser struct {
	t      testing.TB
	client *http.Client
	base   string
}

func (e *testEnv) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, client: &http.Client{Jar: jar}, base: e.url}
}

func (b *browser) do(method, u string, form url.Values, site string) (*http.Response, string) {
	b.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = b.base + u
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (b *browser) get(u string) (*http.Response, string) { return b.do("GET", u, nil, "") }

// post submits a form the way a same-origin page does.
func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	return b.do("POST", u, form, "same-origin")
}

var hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
var formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)

// signIn goes through the whole authorization code flow with the built-in
// provider: zerodraft → provider login page → password → callback.
func (b *browser) signIn(email, password string) *http.Response {
	b.t.Helper()
	resp, page := b.get("/auth/login?next=/")
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no login form at %s (%d):\n%s", resp.Request.URL, resp.StatusCode, page)
	}
	form := url.Values{"email": {email}, "password": {password}}
	for _, h := range hidden.FindAllStringSubmatch(page, -1) {
		form.Set(h[1], htmlUnescape(h[2]))
	}
	action, err := resp.Request.URL.Parse(htmlUnescape(m[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	resp, _ = b.post(action.String(), form)
	return resp
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#61;", "=", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
}

// account creates a built-in account in a party and returns its email.
func (e *testEnv) account(code string, kind negotiation.PartyKind, email, password string) negotiation.User {
	e.t.Helper()
	ctx := context.Background()
	sys := negotiation.Actor{Name: "test"}
	p, err := e.store.PartyByCode(ctx, code)
	if err != nil {
		if p, err = e.store.CreateParty(ctx, sys, negotiation.Party{Code: code, Name: code, Kind: kind}); err != nil {
			e.t.Fatal(err)
		}
	}
	id, err := oidcprovider.CreateAccount(ctx, e.store, sys, email, email, password)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.store.CreateUser(ctx, sys, store.NewUser{Email: email, Name: email, PartyID: p.ID,
		Role: negotiation.DefaultRole(kind), Issuer: auth.BuiltinIssuer, Subject: fmt.Sprint(id)})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

const pw = "correct horse battery staple"

func TestSignInAndOutThroughBuiltinProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	b := e.browser()

	// Anonymous: pages that need an account send to sign-in, the API
	// refuses a write (reading lists only what is public).
	resp, page := b.get("/documents/new")
	if !strings.Contains(resp.Request.URL.Path, "/oidc/login") || !strings.Contains(page, "password") {
		t.Fatalf("anonymous page did not lead to the login form: %s", resp.Request.URL)
	}
	anonymous := &testEnv{t: t, url: e.url}
	if status, _ := anonymous.call("POST", "/api/v1/documents", map[string]any{"symbol": "X", "title": "X", "text": "OP1 x"}, nil); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("anonymous API write: %d, want 401 (or 403 from the CSRF check)", status)
	}
	if status, body := anonymous.call("GET", "/api/v1/documents", nil, nil); status != http.StatusOK || !strings.Contains(string(body), `"documents":[]`) {
		t.Errorf("anonymous listing with nothing public: %d %s, want 200 and no documents", status, body)
	}

	resp = b.signIn("chief@un.example", pw)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		t.Fatalf("after sign-in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	var session *http.Cookie
	for _, c := range b.client.Jar.Cookies(resp.Request.URL) {
		if c.Name == "zd_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie after sign-in")
	}
	if _, page = b.get("/documents/new"); !strings.Contains(page, `name="symbol"`) {
		t.Errorf("signed-in secretariat cannot open the new-document form")
	}

	// A second sign-in gets a new session id.
	b.signIn("chief@un.example", pw)
	for _, c := range b.client.Jar.Cookies(resp.Request.URL) {
		if c.Name == "zd_session" && c.Value == session.Value {
			t.Errorf("session id not renewed at sign-in")
		}
	}

	// Sign out needs a POST with CSRF protection; afterwards the old cookie is dead.
	_, page = b.get("/")
	tok := hidden.FindStringSubmatch(page[strings.Index(page, `action="/auth/logout"`):])
	resp, _ = b.post("/auth/logout", url.Values{"_csrf": {tok[2]}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-out ended at %d %s", resp.StatusCode, resp.Request.URL)
	}
	old := e.browser()
	old.client.Jar.SetCookies(resp.Request.URL, []*http.Cookie{{Name: "zd_session", Value: session.Value, Path: "/"}})
	if resp, _ := old.get("/documents/new"); !strings.Contains(resp.Request.URL.Path, "/oidc/login") {
		t.Errorf("a signed-out session still works")
	}
}

func TestSignInStateChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)

	// Capture the provider's redirect back instead of following it.
	b := e.browser()
	var callback *url.URL
	b.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/auth/callback" {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	b.signIn("chief@un.example", pw)
	if callback == nil {
		t.Fatal("the provider did not redirect to the callback")
	}
	q := callback.Query()
	cases := []struct {
		name  string
		query url.Values
		b     *browser
	}{
		{"missing state", url.Values{"code": {q.Get("code")}}, b},
		{"wrong state", url.Values{"code": {q.Get("code")}, "state": {"forged"}}, b},
		{"other browser", q, e.browser()},
	}
	for _, tc := range cases {
		b2 := tc.b
		b2.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, _ := b2.get("/auth/callback?" + tc.query.Encode())
		if resp.StatusCode < 400 {
			t.Errorf("%s: status %d, want an error", tc.name, resp.StatusCode)
		}
	}
	// The state was consumed by the "other browser" attempt: reusing it fails too.
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if resp, _ := b.get("/auth/callback?" + q.Encode()); resp.StatusCode < 400 {
		t.Errorf("reused state: status %d, want an error", resp.StatusCode)
	}
}

func TestAPITokensAndSuspension(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.account("FRA", negotiation.PartyState, "delegate@fra.example", pw)
	token := auth.NewAPIToken()
	id, err := e.store.CreateAPIToken(ctx, negotiation.Actor{Name: "t"}, u.ID, "script", auth.Hash(token), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	as := func(tok string) int {
		status, _ := (&testEnv{t: t, url: e.url, token: tok}).call("GET", "/api/v1/documents", nil, nil)
		return status
	}
	if got := as(token); got != http.StatusOK {
		t.Fatalf("valid token: %d", got)
	}
	if got := as("zd_not-a-token"); got != http.StatusUnauthorized {
		t.Errorf("unknown token: %d, want 401", got)
	}
	b := e.browser()
	b.signIn("delegate@fra.example", pw)
	if resp, _ := b.get("/"); resp.Request.URL.Path != "/" {
		t.Fatalf("delegate not signed in")
	}
	if err := e.store.SuspendUser(ctx, negotiation.Actor{Name: "t"}, u.ID, "left the delegation"); err != nil {
		t.Fatal(err)
	}
	if got := as(token); got != http.StatusUnauthorized {
		t.Errorf("suspended user's token: %d, want 401", got)
	}
	if resp, _ := b.get("/documents/1"); !strings.Contains(resp.Request.URL.Path, "/oidc/login") {
		t.Errorf("suspended user's cookie still works: %s", resp.Request.URL)
	}
	if err := e.store.ReinstateUser(ctx, negotiation.Actor{Name: "t"}, u.ID); err != nil {
		t.Fatal(err)
	}
	if got := as(token); got != http.StatusUnauthorized {
		t.Errorf("a token revoked by suspension came back: %d", got)
	}
	_ = id

	expired := auth.NewAPIToken()
	if _, err := e.store.CreateAPIToken(ctx, negotiation.Actor{Name: "t"}, u.ID, "old", auth.Hash(expired), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := as(expired); got != http.StatusUnauthorized {
		t.Errorf("expired token: %d, want 401", got)
	}
}

func TestAuthorisation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/AUTH/1", zeroDraft)
	observer := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "ngo@ciel.example")}
	state := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	cases := []struct {
		who          *testEnv
		method, path string
		body         any
		status       int
	}{
		{observer, "POST", "/api/v1/documents", map[string]string{"symbol": "X/1", "title": "T", "text": "1. A."}, 403},
		{state, "POST", "/api/v1/documents", map[string]string{"symbol": "X/2", "title": "T", "text": "1. A."}, 403},
		{state, "POST", doc + "/versions", map[string]string{"text": "1. A."}, 403},
		{observer, "GET", doc, nil, 404},
		{observer, "GET", doc + "/versions/1", nil, 404},
		{observer, "GET", doc + "/diff?from=1&to=1", nil, 404},
		{state, "GET", doc, nil, 200},
	}
	for _, tc := range cases {
		status, raw := tc.who.call(tc.method, tc.path, tc.body, nil)
		if status != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, status, tc.status, raw)
		}
	}
	var list struct{ Documents []any }
	observer.call("GET", "/api/v1/documents", nil, &list)
	if len(list.Documents) != 0 {
		t.Errorf("observer lists %d closed documents", len(list.Documents))
	}
	events, err := e.store.AuditTrail(store.AsSystem(context.Background()), "site", "0")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || events[0].Action != "denied" {
		t.Errorf("denials are not audited: %+v", events)
	}
}

func TestCSRFAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	b := e.browser()
	b.signIn("chief@un.example", pw)
	form := url.Values{"symbol": {"A/CSRF/1"}, "title": {"T"}, "text": {"1. Decides."}}
	for _, site := range []string{"cross-site", ""} {
		resp, _ := b.do("POST", "/documents", form, site)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST with Sec-Fetch-Site=%q and no token: %d, want 403", site, resp.StatusCode)
		}
	}
	var list struct{ Documents []any }
	e.call("GET", "/api/v1/documents", nil, &list)
	if len(list.Documents) != 0 {
		t.Errorf("a forged form created a document")
	}
	for _, path := range []string{"/", "/api/v1/documents/999", "/nothing", "/healthz"} {
		resp, _ := b.get(path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", path)
		}
	}
}

// TestLoginPageSpeaksTheSiteLanguage checks the built-in provider's login
// page: in the language the site uses for the browser (its language
// cookie), with the site's stylesheet, which its CSP allows, and a wrong
// password answered in that language too.
func TestLoginPageSpeaksTheSiteLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.account("FRA", negotiation.PartyState, "fra@example.org", "correct horse battery staple")
	b := e.browser()
	site, _ := url.Parse(e.url)
	b.client.Jar.SetCookies(site, []*http.Cookie{{Name: "lang", Value: "zh-Hans", Path: "/"}})
	resp, page := b.get("/auth/login?next=/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Request.URL.Path, "/oidc/") {
		t.Fatalf("login page: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	for _, want := range []string{`<html lang="zh-Hans">`, "登录 zerodraft", "电子邮件地址", "密码", `<link rel="stylesheet" href="/static/`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %q:\n%s", want, page)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("login page CSP %q", csp)
	}
	m := regexp.MustCompile(`href="(/static/[^"]+)"`).FindStringSubmatch(page)
	if css, _ := b.get(m[1]); css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Errorf("the login page's stylesheet: %d %s", css.StatusCode, css.Header.Get("Content-Type"))
	}
	form := url.Values{"email": {"fra@example.org"}, "password": {"wrong password"}}
	for _, h := range hidden.FindAllStringSubmatch(page, -1) {
		form.Set(h[1], htmlUnescape(h[2]))
	}
	action, _ := resp.Request.URL.Parse(htmlUnescape(formAction.FindStringSubmatch(page)[1]))
	if resp, page := b.post(action.String(), form); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "电子邮件地址或密码有误") {
		t.Errorf("wrong password: %d\n%s", resp.StatusCode, page)
	}
}
