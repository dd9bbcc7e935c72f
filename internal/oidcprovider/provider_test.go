package oidcprovider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) {
	pgtest.Main(m)
}

const (
	testEmail    = "ann@example.org"
	testName     = "Ann Example"
	testPassword = "correct horse battery staple"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a test server with the provider at /oidc, a redirect URI that
// records the codes it receives, and a post-logout page.
type env struct {
	t       *testing.T
	srv     *httptest.Server
	issuer  string
	store   *store.Store
	op      atomic.Pointer[Provider]
	rp      *oidc.Provider
	account int64

	mu    sync.Mutex
	codes []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.NewDatabase(t), discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st}
	mux := http.NewServeMux()
	mux.Handle("/oidc/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.op.Load().Handler().ServeHTTP(w, r)
	}))
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.codes = append(e.codes, r.URL.Query().Get("code"))
		e.mu.Unlock()
		io.WriteString(w, "callback")
	})
	mux.HandleFunc("/signed-out", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "signed out")
	})
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.issuer = e.srv.URL + "/oidc"
	e.start()
	if e.rp, err = oidc.NewProvider(ctx, e.issuer); err != nil {
		t.Fatal(err)
	}
	e.account, err = CreateAccount(ctx, st, negotiation.Actor{Name: "test"}, testEmail, testName, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// start builds a provider on the env's database and serves it, as a
// server (re)start does.
func (e *env) start() *Provider {
	e.t.Helper()
	p, err := New(context.Background(), Options{
		Issuer:                 e.issuer,
		Store:                  e.store,
		Logger:                 discard,
		RedirectURIs:           []string{e.srv.URL + "/callback"},
		PostLogoutRedirectURIs: []string{e.srv.URL + "/signed-out"},
		AllowInsecure:          true,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.op.Store(p)
	return p
}

func (e *env) lastCode() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.codes) == 0 {
		return ""
	}
	return e.codes[len(e.codes)-1]
}

// flow is one authorization code flow by one browser.
type flow struct {
	env      *env
	cfg      oauth2.Config
	browser  *http.Client
	verifier string
	state    string
	nonce    string
	landed   *url.URL   // where the authorization URL led
	login    *url.URL   // the login page, if it led there
	action   *url.URL   // where its form posts to
	form     url.Values // its hidden fields
}

// newFlow starts a flow: it builds the authorization URL (PKCE S256),
// follows it to the login page and reads the form's hidden fields.
func (e *env) newFlow(extra ...oauth2.AuthCodeOption) *flow {
	e.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	p := e.op.Load()
	f := &flow{
		env: e,
		cfg: oauth2.Config{
			ClientID:     p.ClientID(),
			ClientSecret: p.ClientSecret(),
			Endpoint:     e.rp.Endpoint(),
			RedirectURL:  e.srv.URL + "/callback",
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
		},
		browser:  &http.Client{Jar: jar},
		verifier: oauth2.GenerateVerifier(),
		state:    oauth2.GenerateVerifier(),
		nonce:    oauth2.GenerateVerifier(),
	}
	opts := append([]oauth2.AuthCodeOption{oidc.Nonce(f.nonce), oauth2.S256ChallengeOption(f.verifier)}, extra...)
	resp, body := f.get(f.cfg.AuthCodeURL(f.state, opts...))
	f.landed = resp.Request.URL
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/oidc/login" {
		return f // the caller looks at what happened instead
	}
	f.login = resp.Request.URL
	f.form = hiddenFields(e.t, body)
	m := formAction.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("login page without a form:\n%s", body)
	}
	f.action = f.login.ResolveReference(&url.URL{Path: m[1]})
	return f
}

func (f *flow) get(u string) (*http.Response, string) {
	f.env.t.Helper()
	resp, err := f.browser.Get(u)
	if err != nil {
		f.env.t.Fatal(err)
	}
	return resp, readBody(f.env.t, resp)
}

// submit posts the login form with the credentials.
func (f *flow) submit(email, password string, header ...string) (*http.Response, string) {
	f.env.t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	for k, v := range f.form {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, f.action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		f.env.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.browser.Do(req)
	if err != nil {
		f.env.t.Fatal(err)
	}
	return resp, readBody(f.env.t, resp)
}

// signIn signs in with the right password and returns the code that
// arrived at the redirect URI.
func (f *flow) signIn() string {
	f.env.t.Helper()
	if f.login == nil {
		f.env.t.Fatal("the flow did not reach the login page")
	}
	resp, body := f.submit(testEmail, testPassword)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/callback" {
		f.env.t.Fatalf("sign-in ended at %s with %d: %s", resp.Request.URL, resp.StatusCode, body)
	}
	q := resp.Request.URL.Query()
	if q.Get("state") != f.state {
		f.env.t.Errorf("state = %q, want %q", q.Get("state"), f.state)
	}
	code := q.Get("code")
	if code == "" || f.env.lastCode() != code {
		f.env.t.Fatalf("code %q, recorded %q", code, f.env.lastCode())
	}
	return code
}

func (f *flow) exchange(code string) (*oauth2.Token, error) {
	return f.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(f.verifier))
}

// verify checks the ID token of tok as zerodraft's relying party does.
func (f *flow) verify(tok *oauth2.Token) *oidc.IDToken {
	f.env.t.Helper()
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		f.env.t.Fatal("no id_token in the token response")
	}
	idt, err := f.env.rp.Verifier(&oidc.Config{ClientID: f.cfg.ClientID}).Verify(context.Background(), raw)
	if err != nil {
		f.env.t.Fatal(err)
	}
	return idt
}

var (
	hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
)

func hiddenFields(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	if v.Get("csrf") == "" || v.Get("authRequestID") == "" {
		t.Fatalf("login page without CSRF token or request id:\n%s", body)
	}
	return v
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	tok, err := f.exchange(f.signIn())
	if err != nil {
		t.Fatal(err)
	}
	idt := f.verify(tok)
	if idt.Nonce != f.nonce {
		t.Errorf("nonce = %q, want %q", idt.Nonce, f.nonce)
	}
	if want := strconv.FormatInt(e.account, 10); idt.Subject != want {
		t.Errorf("sub = %q, want %q", idt.Subject, want)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.Email != testEmail || !claims.EmailVerified || claims.Name != testName {
		t.Errorf("claims = %+v", claims)
	}

	info, err := e.rp.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	if info.Email != testEmail || info.Subject != idt.Subject {
		t.Errorf("userinfo = %+v", info)
	}
}

func TestEmailIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	resp, body := f.submit("ANN@example.org", testPassword)
	if resp.Request.URL.Path != "/callback" {
		t.Errorf("sign-in with the email in capitals ended at %s: %s", resp.Request.URL, body)
	}
}

func TestWrongPasswordAndUnknownEmailLookAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	wrong, wrongBody := f.submit(testEmail, "not the password")
	unknown, unknownBody := f.submit("bob@example.org", testPassword)
	for _, c := range []struct {
		name string
		resp *http.Response
		body string
	}{{"wrong password", wrong, wrongBody}, {"unknown email", unknown, unknownBody}} {
		if c.resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want %d", c.name, c.resp.StatusCode, http.StatusUnauthorized)
		}
		if !strings.Contains(c.body, errSignIn.Message) {
			t.Errorf("%s: page without the sign-in error:\n%s", c.name, c.body)
		}
	}
	// Apart from the email echoed back, the two pages are the same.
	if strings.ReplaceAll(unknownBody, "bob@example.org", testEmail) != wrongBody {
		t.Errorf("the pages differ:\n%s\n---\n%s", wrongBody, unknownBody)
	}
	// The failed attempts leave the request usable.
	if resp, _ := f.submit(testEmail, testPassword); resp.Request.URL.Path != "/callback" {
		t.Errorf("right password after failures ended at %s", resp.Request.URL)
	}
}

func TestFailedAttemptsLockTheAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	for i := range 6 {
		resp, body := f.submit(testEmail, "guess "+strconv.Itoa(i))
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, errSignIn.Message) {
			t.Fatalf("attempt %d: status %d:\n%s", i+1, resp.StatusCode, body)
		}
	}
	a, err := e.store.LocalAccountByEmail(context.Background(), testEmail)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Locked {
		t.Errorf("account not locked after 6 failures: %+v", a)
	}
	resp, body := f.submit(testEmail, testPassword)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, errSignIn.Message) {
		t.Errorf("right password while locked: status %d at %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	events, err := e.store.AuditTrail(store.AsSystem(context.Background()), "local_account", strconv.FormatInt(e.account, 10))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(events, func(ev store.AuditEvent) bool { return ev.Action == "local_account.lock" }) {
		t.Errorf("no local_account.lock in the audit trail: %+v", events)
	}
}

func TestThrottlingUsesThePeerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	for i := range ipBurst {
		// Unknown addresses, so that no account lockout interferes.
		resp, _ := f.submit("nobody"+strconv.Itoa(i)+"@example.org", testPassword)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
		}
	}
	// A forged X-Forwarded-For does not make a new client.
	resp, body := f.submit(testEmail, testPassword, "X-Forwarded-For", "203.0.113.7")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, englishTexts["login.throttled"]) {
		t.Errorf("attempt over the limit: status %d at %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
}

func TestLoginNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	f.form.Set("csrf", "forged")
	if resp, _ := f.submit(testEmail, testPassword); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: status %d, want %d", resp.StatusCode, http.StatusForbidden)
	}

	// The right token from another browser (without the seed cookie).
	g := e.newFlow()
	g.form = f.form
	g.form.Set("csrf", hiddenFields(t, mustGet(t, f.browser, f.login.String())).Get("csrf"))
	g.login, g.action = f.login, f.action
	if resp, _ := g.submit(testEmail, testPassword); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token of another browser: status %d, want %d", resp.StatusCode, http.StatusForbidden)
	}
}

func mustGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return readBody(t, resp)
}

func TestCodeIsUsedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	code := f.signIn()
	tok, err := f.exchange(code)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.exchange(code)
	if got := oauthError(err); got != "invalid_grant" {
		t.Errorf("second exchange: error %q (%v), want invalid_grant", got, err)
	}
	// The replay revokes what the code gave.
	if _, err := e.rp.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("the access token still works after the code was replayed")
	}
}

func TestWrongVerifierIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	code := f.signIn()
	_, err := f.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	if got := oauthError(err); got != "invalid_grant" {
		t.Errorf("wrong verifier: error %q (%v), want invalid_grant", got, err)
	}
	_, err = f.cfg.Exchange(context.Background(), code)
	if got := oauthError(err); got == "" {
		t.Errorf("no verifier: error %q (%v)", got, err)
	}
}

func oauthError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func TestPromptNoneIsLoginRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow(oauth2.SetAuthURLParam("prompt", "none"))
	q := f.landed.Query()
	if f.landed.Path != "/callback" || q.Get("error") != "login_required" || q.Get("state") != f.state {
		t.Errorf("prompt=none led to %s, want the redirect URI with error=login_required", f.landed)
	}
	if got := e.lastCode(); got != "" {
		t.Errorf("prompt=none gave a code")
	}
}

func TestCallbackEndpointIsClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	resp, _ := f.get(e.issuer + "/authorize/callback?id=" + url.QueryEscape(f.form.Get("authRequestID")))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want %d", resp.StatusCode, http.StatusNotFound)
	}
}

func TestSigningKeySurvivesRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	tok, err := f.exchange(f.signIn())
	if err != nil {
		t.Fatal(err)
	}
	before := jwks(t, e.issuer)
	secret := e.op.Load().ClientSecret()

	e.start()
	after := jwks(t, e.issuer)
	if len(before.Keys) != 1 || before.Keys[0].Kid == "" {
		t.Fatalf("JWKS before restart = %+v", before)
	}
	if len(after.Keys) != 1 || after.Keys[0] != before.Keys[0] {
		t.Errorf("JWKS changed across a restart:\n%+v\n%+v", before, after)
	}
	if got := e.op.Load().ClientSecret(); got != secret {
		t.Error("client secret changed across a restart")
	}
	// A fresh relying party verifies a token signed before the restart,
	// and the access token (encrypted with the stored key) still works.
	rp, err := oidc.NewProvider(context.Background(), e.issuer)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if _, err := rp.Verifier(&oidc.Config{ClientID: ClientID}).Verify(context.Background(), raw); err != nil {
		t.Error(err)
	}
	if _, err := rp.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err != nil {
		t.Error(err)
	}
}

type jwk struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

func jwks(t *testing.T, issuer string) jwkSet {
	t.Helper()
	var set jwkSet
	getJSON(t, discovery(t, issuer).JWKSURI, &set)
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			t.Errorf("key %+v, want an RSA signing key for RS256", k)
		}
	}
	return set
}

type discoveryDoc struct {
	Issuer                 string   `json:"issuer"`
	JWKSURI                string   `json:"jwks_uri"`
	EndSessionEndpoint     string   `json:"end_session_endpoint"`
	IDTokenAlgs            []string `json:"id_token_signing_alg_values_supported"`
	CodeChallengeMethods   []string `json:"code_challenge_methods_supported"`
	ResponseTypesSupported []string `json:"response_types_supported"`
}

func discovery(t *testing.T, issuer string) discoveryDoc {
	t.Helper()
	var doc discoveryDoc
	getJSON(t, issuer+"/.well-known/openid-configuration", &doc)
	return doc
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc := discovery(t, e.issuer)
	if doc.Issuer != e.issuer {
		t.Errorf("issuer = %q, want %q", doc.Issuer, e.issuer)
	}
	if want := e.issuer + "/end_session"; doc.EndSessionEndpoint != want {
		t.Errorf("end_session_endpoint = %q, want %q", doc.EndSessionEndpoint, want)
	}
	if !slices.Equal(doc.IDTokenAlgs, []string{"RS256"}) {
		t.Errorf("id_token_signing_alg_values_supported = %v, want [RS256]", doc.IDTokenAlgs)
	}
	if !slices.Contains(doc.CodeChallengeMethods, "S256") {
		t.Errorf("code_challenge_methods_supported = %v, want S256", doc.CodeChallengeMethods)
	}
}

func TestEndSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.newFlow()
	tok, err := f.exchange(f.signIn())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	endSession := discovery(t, e.issuer).EndSessionEndpoint

	evil := endSession + "?" + url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {"https://evil.example/"}}.Encode()
	resp, err := noFollow.Get(evil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unregistered post_logout_redirect_uri: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	u := endSession + "?" + url.Values{
		"id_token_hint":            {raw},
		"post_logout_redirect_uri": {e.srv.URL + "/signed-out"},
		"state":                    {"s1"},
	}.Encode()
	resp, err = noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := e.srv.URL + "/signed-out?state=s1"; resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Errorf("end_session: status %d, Location %q, want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if _, err := e.rp.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("the access token still works after logout")
	}
}

func TestCreateAccountValidates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	actor := negotiation.Actor{Name: "test"}
	for _, c := range []struct{ email, name, password string }{
		{"not an address", "N", testPassword},
		{"Ann <ann2@example.org>", "N", testPassword},
		{"ann2@example.org", "", testPassword},
		{"ann2@example.org", "N", "short"},
	} {
		_, err := CreateAccount(ctx, e.store, actor, c.email, c.name, c.password)
		if got := negotiation.ErrorCode(err); got != negotiation.EInvalid {
			t.Errorf("CreateAccount(%q, %q, %q): code %q (%v), want %q", c.email, c.name, c.password, got, err, negotiation.EInvalid)
		}
	}
	_, err := CreateAccount(ctx, e.store, actor, "ANN@example.org", "Other", testPassword)
	if got := negotiation.ErrorCode(err); got != negotiation.EConflict {
		t.Errorf("duplicate email: code %q, want %q", got, negotiation.EConflict)
	}

	if err := SetPassword(ctx, e.store, actor, e.account, "a new long passphrase"); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.LocalAccount(ctx, e.account)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(a.PasswordHash, "a new long passphrase") || CheckPassword(a.PasswordHash, testPassword) {
		t.Error("SetPassword did not replace the password")
	}
}

func TestNewRefusesHTTPIssuerUnlessInsecure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := New(context.Background(), Options{Issuer: e.issuer, Store: e.store, RedirectURIs: []string{e.srv.URL + "/callback"}})
	if err == nil {
		t.Error("New accepted an http issuer without AllowInsecure")
	}
	_, err = New(context.Background(), Options{Issuer: e.issuer + "/", Store: e.store, RedirectURIs: []string{e.srv.URL + "/callback"}, AllowInsecure: true})
	if err == nil {
		t.Error("New accepted an issuer with a trailing slash")
	}
}
