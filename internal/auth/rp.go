package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// BuiltinIssuer is how users of the built-in provider are recorded, so that
// they stay the same users when the server's address changes.
const BuiltinIssuer = "builtin"

// loginTTL bounds how long a sign-in may take between leaving for the
// provider and coming back.
const loginTTL = 10 * time.Minute

// RPOptions configure the relying party.
type RPOptions struct {
	Issuer       string // exactly as the provider's discovery document says
	ClientID     string
	ClientSecret string
	RedirectURL  string // BaseURL + "/auth/callback"
	Builtin      bool   // the issuer is zerodraft's own provider
	Store        *store.Store
	HTTPClient   *http.Client // nil: http.DefaultClient
}

// RP is the relying party. Discovery happens at the first sign-in, not at
// start, because the built-in provider is served by this very process.
type RP struct {
	o  RPOptions
	mu sync.Mutex
	pr *oidc.Provider
}

// NewRP builds a relying party.
func NewRP(o RPOptions) *RP { return &RP{o: o} }

func (rp *RP) ctx(ctx context.Context) context.Context {
	if rp.o.HTTPClient != nil {
		return oidc.ClientContext(ctx, rp.o.HTTPClient)
	}
	return ctx
}

// provider discovers the issuer once; go-oidc refuses a discovery document
// whose issuer differs from the configured one.
func (rp *RP) provider(ctx context.Context) (*oidc.Provider, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.pr != nil {
		return rp.pr, nil
	}
	pr, err := oidc.NewProvider(rp.ctx(ctx), rp.o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OpenID provider %s: %w", rp.o.Issuer, err)
	}
	rp.pr = pr
	return pr, nil
}

func (rp *RP) config(pr *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: rp.o.ClientID, ClientSecret: rp.o.ClientSecret, RedirectURL: rp.o.RedirectURL,
		Endpoint: pr.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Begin starts a sign-in: it stores state, nonce and PKCE verifier bound to
// the browser (browserSecret is kept in a cookie by the caller) and returns
// the provider's authorization URL.
func (rp *RP) Begin(ctx context.Context, browserSecret, returnTo string) (string, error) {
	pr, err := rp.provider(ctx)
	if err != nil {
		return "", err
	}
	state, nonce, verifier := Secret(32), Secret(32), oauth2.GenerateVerifier()
	err = rp.o.Store.SaveLogin(ctx, Hash(state), store.Login{
		BrowserHash: Hash(browserSecret), Nonce: nonce, Verifier: verifier, ReturnTo: returnTo,
		ExpiresAt: time.Now().Add(loginTTL),
	})
	if err != nil {
		return "", err
	}
	return rp.config(pr).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Identity is what the provider vouched for.
type Identity struct {
	Issuer, Subject, Email, Name string
	EmailVerified                bool
	IDToken                      string
	ReturnTo                     string
}

// Finish completes a sign-in: the state must be known, unused, unexpired and
// started in this browser; the code is exchanged with the PKCE verifier; the
// ID token must be signed by the provider (RS256/ES256, never "none"), for
// this client, from this issuer, unexpired, and carry our nonce.
func (rp *RP) Finish(ctx context.Context, browserSecret, state, code string) (Identity, error) {
	var id Identity
	if state == "" || code == "" {
		return id, negotiation.Errorf(negotiation.EMalformed, "the provider's answer has no state or no code; start the sign-in again")
	}
	login, err := rp.o.Store.TakeLogin(ctx, Hash(state))
	if err != nil {
		return id, err
	}
	if time.Now().After(login.ExpiresAt) {
		return id, negotiation.Errorf(negotiation.EMalformed, "this sign-in took too long; start again")
	}
	if subtle.ConstantTimeCompare(login.BrowserHash, Hash(browserSecret)) != 1 {
		return id, negotiation.Errorf(negotiation.EMalformed, "this sign-in was started in another browser; start again here")
	}
	pr, err := rp.provider(ctx)
	if err != nil {
		return id, err
	}
	tok, err := rp.config(pr).Exchange(rp.ctx(ctx), code, oauth2.VerifierOption(login.Verifier))
	if err != nil {
		return id, negotiation.Errorf(negotiation.EUnauthorized, "the provider refused the sign-in code: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return id, negotiation.Errorf(negotiation.EUnauthorized, "the provider sent no ID token")
	}
	return rp.verify(ctx, pr, raw, login)
}

func (rp *RP) verify(ctx context.Context, pr *oidc.Provider, raw string, login store.Login) (Identity, error) {
	var id Identity
	idt, err := pr.Verifier(&oidc.Config{ClientID: rp.o.ClientID, SupportedSigningAlgs: []string{oidc.RS256, oidc.ES256}}).Verify(rp.ctx(ctx), raw)
	if err != nil {
		return id, negotiation.Errorf(negotiation.EUnauthorized, "the ID token is not valid: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(login.Nonce)) != 1 {
		return id, negotiation.Errorf(negotiation.EUnauthorized, "the ID token's nonce does not match this sign-in")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return id, negotiation.Errorf(negotiation.EUnauthorized, "the ID token's claims are unreadable")
	}
	issuer := idt.Issuer
	if rp.o.Builtin {
		issuer = BuiltinIssuer
	}
	return Identity{Issuer: issuer, Subject: idt.Subject, Email: claims.Email, EmailVerified: claims.EmailVerified,
		Name: claims.Name, IDToken: raw, ReturnTo: login.ReturnTo}, nil
}

// LogoutURL is the provider's end_session_endpoint with the hint and where
// to come back, or "" when the provider has none.
func (rp *RP) LogoutURL(ctx context.Context, idToken, postLogout string) string {
	pr, err := rp.provider(ctx)
	if err != nil {
		return ""
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := pr.Claims(&meta); err != nil || meta.EndSession == "" {
		return ""
	}
	req, err := http.NewRequest(http.MethodGet, meta.EndSession, nil)
	if err != nil {
		return ""
	}
	q := req.URL.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	q.Set("client_id", rp.o.ClientID)
	q.Set("post_logout_redirect_uri", postLogout)
	req.URL.RawQuery = q.Encode()
	return req.URL.String()
}

// ErrNoProvider is returned when sign-in is attempted with no provider.
var ErrNoProvider = errors.New("no OpenID provider is configured")
