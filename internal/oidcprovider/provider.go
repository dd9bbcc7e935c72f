// Package oidcprovider is zerodraft's built-in OpenID Provider, for the
// default set-up and for tests: local accounts in PostgreSQL, a login page,
// and the OpenID Connect endpoints of github.com/zitadel/oidc/v3/pkg/op
// under the issuer <baseURL>/oidc.
//
// It serves one confidential client, zerodraft's own relying party, with
// the authorization code flow (PKCE S256 accepted, plain refused), ID
// tokens signed RS256, opaque access tokens for the userinfo endpoint, and
// RP-initiated logout. It keeps no browser session of its own: every
// authorization asks for the password, so prompt=none is answered with
// login_required and logout only revokes access tokens. There are no
// refresh tokens.
//
// The signing key, the client secret and the key that encrypts codes and
// access tokens are made on first start and kept in the database in clear:
// the database is the trust boundary (see migrations/00002_oidc_provider.sql).
//
// zitadel's op package logs through slog.Default, not Options.Logger.
package oidcprovider

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// ClientID is the client id of zerodraft's own relying party.
const ClientID = "zerodraft"

// Limits on account fields.
const (
	MaxEmailLen = 254 // RFC 5321's limit on a forward path
	MaxNameLen  = 200 // characters
)

// Paths of the provider's own pages, below the issuer.
const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
)

// Options configure a Provider.
type Options struct {
	// Issuer is baseURL + "/oidc", e.g. "https://zerodraft.example/oidc";
	// it must match, character for character, what relying parties use.
	Issuer string
	Store  *store.Store
	Logger *slog.Logger // slog.Default() when nil
	// RedirectURIs are the client's registered redirect URIs (exact match).
	RedirectURIs []string
	// PostLogoutRedirectURIs are where the end_session endpoint may send
	// the browser after logout (exact match).
	PostLogoutRedirectURIs []string
	// AllowInsecure allows an http issuer, for development and tests on
	// 127.0.0.1; production must use https.
	AllowInsecure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// is believed when throttling sign-in attempts by client address. When
	// empty, only the TCP peer address counts.
	TrustedProxies []netip.Prefix
	// Localize, when set, gives a request's language and the texts of the
	// login page in it (message ids "login.*"); English otherwise.
	Localize func(r *http.Request) (lang string, text func(id string) string)
	// Stylesheet is the address, on the same site, of a stylesheet for the
	// login page; none when empty.
	Stylesheet string
}

// Provider is the built-in OpenID Provider. It is safe for concurrent use.
type Provider struct {
	op       *op.Provider
	store    *store.Store
	log      *slog.Logger
	client   *client
	home     string // the site's base URL, for the logged-out page
	prefix   string // the issuer's path, stripped by Handler
	secure   bool   // the issuer is https, so cookies are Secure
	csrfKey  []byte
	throttle *throttle
	trusted  []netip.Prefix
	handler  http.Handler
	// The login page's language and look (Options.Localize, .Stylesheet).
	localize   func(r *http.Request) (string, func(string) string)
	stylesheet string
}

// New loads the provider's secrets from the store, making them on first
// start, and builds the provider. The store must be migrated.
func New(ctx context.Context, o Options) (*Provider, error) {
	issuer, err := o.validate()
	if err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	sec, err := o.Store.OIDCProviderSecrets(ctx, ClientID, generateSecrets)
	if err != nil {
		return nil, fmt.Errorf("oidc provider secrets: %w", err)
	}
	if len(sec.CryptoKey) != 32 {
		return nil, fmt.Errorf("oidc provider: crypto key has %d bytes, want 32", len(sec.CryptoKey))
	}
	keys, err := parseSigningKeys(sec.SigningKeys)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		store:      o.Store,
		log:        o.Logger,
		localize:   o.Localize,
		stylesheet: o.Stylesheet,
		client: &client{
			id:                     ClientID,
			secret:                 sec.ClientSecret,
			redirectURIs:           o.RedirectURIs,
			postLogoutRedirectURIs: o.PostLogoutRedirectURIs,
			loginURL:               o.Issuer + loginPath,
		},
		home:     siteHome(issuer),
		prefix:   issuer.Path,
		secure:   issuer.Scheme == "https",
		csrfKey:  deriveKey(sec.CryptoKey, "zerodraft oidcprovider login csrf"),
		throttle: newThrottle(),
		trusted:  o.TrustedProxies,
	}
	st := &storage{store: o.Store, client: p.client, keys: keys, healthy: o.Store.Ping}
	if p.op, err = newOP(o, st, [32]byte(sec.CryptoKey)); err != nil {
		return nil, err
	}
	p.handler = p.routes()
	dummyHash() // so that the first unknown email costs no more than the others
	return p, nil
}

// validate checks the options and returns the parsed issuer.
func (o Options) validate() (*url.URL, error) {
	if o.Store == nil {
		return nil, errors.New("oidc provider: no store")
	}
	if err := op.ValidateIssuer(o.Issuer, o.AllowInsecure); err != nil {
		return nil, fmt.Errorf("oidc provider: issuer %q: %w", o.Issuer, err)
	}
	issuer, err := url.Parse(o.Issuer)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(issuer.Path, "/") || issuer.RawPath != "" || issuer.User != nil {
		return nil, fmt.Errorf("oidc provider: issuer %q: want scheme://host[:port]/path without trailing slash", o.Issuer)
	}
	if len(o.RedirectURIs) == 0 {
		return nil, errors.New("oidc provider: no redirect URI")
	}
	for _, u := range append(append([]string{}, o.RedirectURIs...), o.PostLogoutRedirectURIs...) {
		if parsed, err := url.Parse(u); err != nil || !parsed.IsAbs() || parsed.Fragment != "" {
			return nil, fmt.Errorf("oidc provider: redirect URI %q is not an absolute URL", u)
		}
	}
	return issuer, nil
}

// newOP configures zitadel's provider.
func newOP(o Options, st *storage, cryptoKey [32]byte) (*op.Provider, error) {
	cfg := &op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: o.Issuer + loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedScopes:          []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail},
		SupportedClaims: []string{"sub", "aud", "exp", "iat", "iss", "auth_time", "nonce", "amr",
			"at_hash", "c_hash", "azp", "name", "email", "email_verified"},
	}
	opts := []op.Option{
		// Only AES-GCM: zitadel's default also accepts legacy AES-CFB
		// values, which are not authenticated.
		op.WithCrypto(op.NewAES256GCMCrypto(cryptoKey, "1")),
		// The relying party talks to the provider server to server and
		// no endpoint uses cookies, so no origin needs CORS.
		op.WithCORSOptions(&cors.Options{AllowOriginFunc: func(string) bool { return false }}),
	}
	if o.AllowInsecure {
		opts = append(opts, op.WithAllowInsecure())
	}
	return op.NewProvider(cfg, st, op.StaticIssuer(o.Issuer), opts...)
}

// routes puts the login page next to zitadel's endpoints, below the
// issuer's path.
func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	issuer := op.NewIssuerInterceptor(p.op.IssuerFromRequest)
	mux.Handle("GET "+loginPath, issuer.HandlerFunc(p.loginPage))
	mux.Handle("POST "+loginPath, issuer.HandlerFunc(p.login))
	mux.HandleFunc("GET "+loggedOutPath, p.loggedOut)
	// The login page answers the authorization itself; zitadel's callback
	// would hand a code to anyone who knows a signed-in request's id.
	mux.Handle("/authorize/callback", http.NotFoundHandler())
	mux.Handle("/", p.op)
	return http.StripPrefix(p.prefix, mux)
}

// Handler serves the provider. It expects the full request path, with the
// issuer's path (e.g. /oidc) still in front, and strips that itself; mount
// it at the issuer's path and everything below. With Echo:
//
//	e.Any("/oidc/*", echo.WrapHandler(p.Handler()))
func (p *Provider) Handler() http.Handler { return p.handler }

// ClientID returns the client id of zerodraft's own relying party.
func (p *Provider) ClientID() string { return p.client.id }

// ClientSecret returns the client secret of zerodraft's own relying party.
func (p *Provider) ClientSecret() string { return p.client.secret }

// CreateAccount makes a local account after checking the email address,
// the name and the password, and returns its id. It is what the admin
// command calls; the actor is written to the audit trail.
func CreateAccount(ctx context.Context, st *store.Store, actor negotiation.Actor, email, name, password string) (int64, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	if err := validateEmail(email); err != nil {
		return 0, err
	}
	if name == "" || utf8.RuneCountInString(name) > MaxNameLen || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return 0, negotiation.Errorf(negotiation.EInvalid, "the name must have 1 to %d characters and no control characters", MaxNameLen)
	}
	hash, err := hashNewPassword(password)
	if err != nil {
		return 0, err
	}
	return st.CreateLocalAccount(ctx, actor, email, name, hash)
}

// SetPassword checks and sets a new password for the local account.
func SetPassword(ctx context.Context, st *store.Store, actor negotiation.Actor, id int64, password string) error {
	hash, err := hashNewPassword(password)
	if err != nil {
		return err
	}
	return st.SetLocalPassword(ctx, actor, id, hash)
}

func hashNewPassword(password string) (string, error) {
	if err := ValidatePassword(password); err != nil {
		return "", negotiation.Errorf(negotiation.EInvalid, "%s", err)
	}
	return HashPassword(password)
}

// validateEmail accepts a bare address (no display name, no angle brackets).
func validateEmail(email string) error {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > MaxEmailLen {
		return negotiation.Errorf(negotiation.EInvalid, "%q is not an email address", email)
	}
	return nil
}

// generateSecrets makes what a first start needs: an RSA 2048 signing key,
// the client secret and the 32-byte encryption key.
func generateSecrets() (store.OIDCSecrets, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return store.OIDCSecrets{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return store.OIDCSecrets{}, err
	}
	kid, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return store.OIDCSecrets{}, err
	}
	cryptoKey := make([]byte, 32)
	if _, err := rand.Read(cryptoKey); err != nil {
		return store.OIDCSecrets{}, err
	}
	return store.OIDCSecrets{
		CryptoKey:    cryptoKey,
		ClientSecret: rand.Text() + rand.Text(),
		SigningKeys: []store.OIDCSigningKey{{
			ID:         base64.RawURLEncoding.EncodeToString(kid),
			Algorithm:  string(jose.RS256),
			PrivateKey: der,
		}},
	}, nil
}

// siteHome returns the site's base URL: the issuer without its last path
// element ("https://h/zd/oidc" gives "https://h/zd/").
func siteHome(issuer *url.URL) string {
	u := *issuer
	u.Path = strings.TrimSuffix(path.Dir("/"+strings.TrimPrefix(u.Path, "/")), "/") + "/"
	return u.String()
}

// deriveKey derives a key for one purpose from the stored crypto key, so
// that no key serves two purposes.
func deriveKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
