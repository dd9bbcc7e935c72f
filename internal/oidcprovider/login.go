package oidcprovider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Form and query parameters of the login page; login.html uses the same
// names.
const (
	loginParamRequest = "authRequestID"
	loginParamCSRF    = "csrf"
)

// csrfCookie holds the browser's random CSRF seed; the form's token is an
// HMAC of the seed and the authorization request id, so a token is good for
// one browser and one request only.
const csrfCookie = "zd_oidc_csrf"

// maxLoginForm bounds the login form's body.
const maxLoginForm = 16 << 10

// lockout locks an account for 15 minutes after 5 consecutive failures,
// then for twice as long after each further 5, up to a day.
var lockout = store.LockoutPolicy{Threshold: 5, Duration: 15 * time.Minute, Max: 24 * time.Hour}

// errSignIn is the same whether the account does not exist, the password
// is wrong, or the account is locked or disabled, so that the page tells
// nobody which addresses have accounts.
var errSignIn = negotiation.Errorf(negotiation.EUnauthorized, "%s", englishTexts["login.wrong"])

// englishTexts are the login page's texts when the provider is given no
// Localize (the application gives its catalogs, web/i18n/signin.*.json,
// which hold the same English).
var englishTexts = map[string]string{
	"login.title":         "Sign in to zerodraft",
	"login.titleshort":    "Sign in",
	"login.email":         "Email address",
	"login.password":      "Password",
	"login.submit":        "Sign in",
	"login.back":          "Back to zerodraft",
	"login.wrong":         "The email address or the password is wrong, or the account is locked for a while after too many failed attempts.",
	"login.throttled":     "Too many sign-in attempts from your network. Wait a few minutes and try again.",
	"login.expired":       "The sign-in form has expired. Go back to zerodraft and sign in again.",
	"login.gone":          "This sign-in link has expired or was used already. Go back to zerodraft and sign in again.",
	"login.failed":        "Signing in failed on our side. Try again in a moment; if it keeps failing, tell the secretariat.",
	"login.signedout":     "Signed out",
	"login.signedouttext": "You have signed out of zerodraft.",
}

//go:embed login.html
var loginHTML string

var pageTemplate = template.Must(template.New("login").Parse(loginHTML))

// page is what login.html shows. Title and Message are message ids.
type page struct {
	Title     string
	Message   string
	Lang      string
	Style     string
	Text      func(id string) string
	Form      bool
	Action    string
	RequestID string
	CSRF      string
	Email     string
	Home      string
}

// loginPage shows the form for a pending authorization request.
func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get(loginParamRequest)
	if _, err := p.store.PendingOIDCAuthRequest(r.Context(), id); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, p.form(w, r, id, "", ""))
}

// login checks the submitted credentials and, when they are right, answers
// the authorization request with a code at the client's redirect URI.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		p.render(w, r, http.StatusBadRequest, page{Title: "login.titleshort", Message: "login.expired", Home: p.home})
		return
	}
	id := r.PostForm.Get(loginParamRequest)
	client := clientKey(r, p.trusted)
	if !p.throttle.take(client) {
		p.log.Warn("sign-in throttled", "client", client)
		w.Header().Set("Retry-After", "60")
		p.render(w, r, http.StatusTooManyRequests, page{Title: "login.titleshort", Message: "login.throttled", Home: p.home})
		return
	}
	if !p.validCSRF(r, id) {
		p.render(w, r, http.StatusForbidden, page{Title: "login.titleshort", Message: "login.expired", Home: p.home})
		return
	}
	if _, err := p.store.PendingOIDCAuthRequest(r.Context(), id); err != nil {
		p.fail(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	accountID, err := p.authenticate(r.Context(), email, r.PostForm.Get("password"))
	if errors.Is(err, errSignIn) {
		p.log.Info("sign-in failed", "client", client)
		p.render(w, r, http.StatusUnauthorized, p.form(w, r, id, email, "login.wrong"))
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.throttle.give(client)
	p.log.Info("signed in", "account", accountID, "client", client)
	req, err := p.store.CompleteOIDCAuthRequest(r.Context(), id, accountID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	op.AuthResponse(&authRequest{req}, p.op, w, r)
}

// authenticate returns the id of the account with the email and password,
// or errSignIn. The password is hashed whether or not the account exists
// or may sign in, so that the time taken does not tell.
func (p *Provider) authenticate(ctx context.Context, email, password string) (int64, error) {
	a, err := p.store.LocalAccountByEmail(ctx, email)
	found := err == nil
	if !found && negotiation.ErrorCode(err) != negotiation.ENotFound {
		return 0, err
	}
	hash := dummyHash()
	if found {
		hash = a.PasswordHash
	}
	match := CheckPassword(hash, password)
	switch {
	case !found || a.Disabled || a.Locked:
		return 0, errSignIn
	case !match:
		locked, err := p.store.RecordLoginFailure(ctx, a.ID, lockout)
		if err != nil {
			return 0, err
		}
		if locked {
			p.log.Warn("account locked after failed sign-ins", "account", a.ID)
		}
		return 0, errSignIn
	}
	return a.ID, p.store.RecordLoginSuccess(ctx, a.ID)
}

// form returns the login form for request id, with a CSRF token for this
// browser; it sets the browser's CSRF seed cookie when there is none.
func (p *Provider) form(w http.ResponseWriter, r *http.Request, id, email, message string) page {
	seed := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 26 {
		seed = c.Value
	} else {
		seed = rand.Text()
		http.SetCookie(w, &http.Cookie{
			Name:     csrfCookie,
			Value:    seed,
			Path:     p.prefix + loginPath,
			HttpOnly: true,
			Secure:   p.secure,
			SameSite: http.SameSiteLaxMode,
		})
	}
	return page{
		Title:     "login.title",
		Message:   message,
		Form:      true,
		Action:    p.prefix + loginPath,
		RequestID: id,
		CSRF:      p.csrfToken(seed, id),
		Email:     email,
	}
}

// validCSRF checks the form's token against the browser's seed cookie.
func (p *Provider) validCSRF(r *http.Request, id string) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 26 {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get(loginParamCSRF)), []byte(p.csrfToken(c.Value, id)))
}

func (p *Provider) csrfToken(seed, id string) string {
	m := hmac.New(sha256.New, p.csrfKey)
	m.Write([]byte(seed))
	m.Write([]byte{0})
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// loggedOut is where end_session sends the browser when the client named
// no post-logout redirect URI.
func (p *Provider) loggedOut(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, page{Title: "login.signedout", Message: "login.signedouttext", Home: p.home})
}

// fail shows an error page: the message of a known error, a generic one
// (and a log entry) for an internal one.
func (p *Provider) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch negotiation.ErrorCode(err) {
	case negotiation.ENotFound:
		p.render(w, r, http.StatusNotFound, page{Title: "login.titleshort", Message: "login.gone", Home: p.home})
	default:
		p.log.Error("oidc provider login", "path", r.URL.Path, "err", err)
		p.render(w, r, http.StatusInternalServerError, page{Title: "login.titleshort", Message: "login.failed", Home: p.home})
	}
}

// render writes a page, in the request's language, with headers that keep
// it out of caches and frames, allow no script and no resource but the
// site's own stylesheet, and let the form post only to this site. They
// replace the site's own CSP, which is laxer.
func (p *Provider) render(w http.ResponseWriter, r *http.Request, status int, pg page) {
	pg.Lang, pg.Text = "en", func(id string) string { return englishTexts[id] }
	if p.localize != nil {
		lang, text := p.localize(r)
		pg.Lang, pg.Text = lang, func(id string) string {
			if t := text(id); t != "" && t != id {
				return t
			}
			return englishTexts[id]
		}
	}
	pg.Style = p.stylesheet
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, pg); err != nil {
		p.log.Error("oidc provider page", "err", err)
	}
}
