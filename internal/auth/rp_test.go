package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// idp is a stand-in for an organisation's identity provider, which is
// outside our control: it answers discovery, JWKS and the token endpoint
// with an ID token that each test shapes, including malicious ones.
type idp struct {
	srv    *httptest.Server
	issuer string // what discovery claims
	key    *rsa.PrivateKey
	token  func(nonce string) string
	nonce  string // the nonce of the last authorization request
}

func newIDP(t *testing.T) *idp {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.issuer, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"end_session_endpoint": p.srv.URL + "/logout",
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 60, "id_token": p.token(p.nonce)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL
	return p
}

func (p *idp) sign(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *idp) claims(nonce string) map[string]any {
	return map[string]any{"iss": p.srv.URL, "sub": "u-1", "aud": "zerodraft", "exp": time.Now().Add(time.Minute).Unix(),
		"iat": time.Now().Unix(), "nonce": nonce, "email": "a@org.example", "email_verified": true, "name": "A"}
}

func newStore(t *testing.T) *store.Store {
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.NewDatabase(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// signIn runs Begin and Finish in one browser against the stand-in IdP.
func signIn(t *testing.T, rp *auth.RP, p *idp) (auth.Identity, error) {
	ctx := context.Background()
	to, err := rp.Begin(ctx, "browser-secret", "/next")
	if err != nil {
		return auth.Identity{}, err
	}
	u, _ := url.Parse(to)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		t.Errorf("authorization URL lacks PKCE S256: %s", to)
	}
	p.nonce = q.Get("nonce")
	return rp.Finish(ctx, "browser-secret", q.Get("state"), "code")
}

func TestRelyingPartyRefusesBadIDTokens(t *testing.T) {
	st := newStore(t)
	p := newIDP(t)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	cases := []struct {
		name  string
		token func(nonce string) string
		ok    bool
	}{
		{"valid", func(n string) string { return p.sign(t, p.key, p.claims(n)) }, true},
		{"wrong nonce", func(n string) string { return p.sign(t, p.key, p.claims("other")) }, false},
		{"wrong audience", func(n string) string { c := p.claims(n); c["aud"] = "someone-else"; return p.sign(t, p.key, c) }, false},
		{"wrong issuer", func(n string) string { c := p.claims(n); c["iss"] = "https://evil.example"; return p.sign(t, p.key, c) }, false},
		{"expired", func(n string) string {
			c := p.claims(n)
			c["exp"] = time.Now().Add(-time.Hour).Unix()
			return p.sign(t, p.key, c)
		}, false},
		{"alg none", func(n string) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
			b, _ := json.Marshal(p.claims(n))
			return h + "." + base64.RawURLEncoding.EncodeToString(b) + "."
		}, false},
		{"foreign key", func(n string) string { return p.sign(t, other, p.claims(n)) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp := auth.NewRP(auth.RPOptions{Issuer: p.issuer, ClientID: "zerodraft", ClientSecret: "s", RedirectURL: "http://z.example/auth/callback", Store: st})
			p.token = tc.token
			id, err := signIn(t, rp, p)
			if tc.ok {
				if err != nil || id.Subject != "u-1" || id.Email != "a@org.example" || id.ReturnTo != "/next" {
					t.Fatalf("valid token refused or misread: %+v %v", id, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted a token with %s", tc.name)
			}
			if code := negotiation.ErrorCode(err); code != negotiation.EUnauthorized {
				t.Errorf("error code %q, want unauthorized: %v", code, err)
			}
		})
	}
}

func TestRelyingPartyStateIsSingleUseAndBound(t *testing.T) {
	st := newStore(t)
	p := newIDP(t)
	p.token = func(n string) string { return p.sign(t, p.key, p.claims(n)) }
	rp := auth.NewRP(auth.RPOptions{Issuer: p.issuer, ClientID: "zerodraft", ClientSecret: "s", RedirectURL: "http://z.example/cb", Store: st})
	ctx := context.Background()
	to, err := rp.Begin(ctx, "mine", "/")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	state := u.Query().Get("state")
	p.nonce = u.Query().Get("nonce")
	if _, err := rp.Finish(ctx, "another-browser", state, "code"); err == nil {
		t.Error("a state from another browser was accepted")
	}
	if _, err := rp.Finish(ctx, "mine", state, "code"); err == nil {
		t.Error("a state was accepted twice")
	}
	if _, err := rp.Finish(ctx, "mine", "", "code"); err == nil {
		t.Error("a missing state was accepted")
	}
}

func TestDiscoveryIssuerMustMatch(t *testing.T) {
	st := newStore(t)
	p := newIDP(t)
	p.issuer = p.srv.URL + "/" // differs by a slash
	rp := auth.NewRP(auth.RPOptions{Issuer: p.srv.URL, ClientID: "zerodraft", Store: st, RedirectURL: "http://z.example/cb"})
	if _, err := rp.Begin(context.Background(), "b", "/"); err == nil || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("a discovery document with another issuer was accepted: %v", err)
	}
}

func TestLogoutURLFollowsEndSession(t *testing.T) {
	st := newStore(t)
	p := newIDP(t)
	rp := auth.NewRP(auth.RPOptions{Issuer: p.issuer, ClientID: "zerodraft", Store: st, RedirectURL: "http://z.example/cb"})
	got := rp.LogoutURL(context.Background(), "idt", "http://z.example/")
	if !strings.HasPrefix(got, p.srv.URL+"/logout?") || !strings.Contains(got, "id_token_hint=idt") {
		t.Errorf("logout URL = %q", got)
	}
}
