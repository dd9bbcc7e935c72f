package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

// setUpSignIn builds the relying party, and the built-in provider unless
// an external one is configured.
func (s *Server) setUpSignIn(ctx context.Context, o Options) error {
	rpo := auth.RPOptions{
		Issuer: o.OIDC.Issuer, ClientID: o.OIDC.ClientID, ClientSecret: o.OIDC.ClientSecret,
		RedirectURL: s.baseURL + "/auth/callback", Store: s.store, HTTPClient: o.HTTPClient,
	}
	if o.OIDC.Issuer == "" {
		p, err := oidcprovider.New(ctx, oidcprovider.Options{
			Issuer: s.baseURL + "/oidc", Store: s.store, Logger: s.log,
			RedirectURIs: []string{rpo.RedirectURL}, PostLogoutRedirectURIs: []string{s.baseURL + "/"},
			AllowInsecure: !s.secure,
			Localize:      s.loginLanguage,
			Stylesheet:    view{static: s.pages.staticHash}.Static("app.css"),
		})
		if err != nil {
			return err
		}
		s.provider = p
		rpo.Issuer, rpo.ClientID, rpo.ClientSecret, rpo.Builtin = s.baseURL+"/oidc", p.ClientID(), p.ClientSecret(), true
	}
	s.rp = auth.NewRP(rpo)
	return nil
}

// sessionPolicy bounds browser sessions.
type sessionPolicy struct{ idle, max time.Duration }

func newSessionPolicy(idle, max time.Duration) sessionPolicy {
	if idle <= 0 {
		idle = 2 * time.Hour
	}
	if max <= 0 {
		max = 12 * time.Hour
	}
	return sessionPolicy{idle: idle, max: max}
}

// Cookie names. Over HTTPS the session cookie is __Host- prefixed, which
// browsers accept only when Secure, host-only and Path=/.
func (s *Server) sessionCookie() string {
	if s.secure {
		return "__Host-zd_session"
	}
	return "zd_session"
}

func (s *Server) loginCookie() string {
	if s.secure {
		return "__Host-zd_login"
	}
	return "zd_login"
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// identify sets the request's viewer from an API token (Authorization:
// Bearer) or the session cookie. A token that is not valid is refused
// outright; a stale cookie just leaves the visitor anonymous.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := s.requestViewer(c, c.Request().Context())
		if err != nil {
			return err
		}
		s.setViewer(c, v)
		return next(c)
	}
}

// setViewer makes v the request's viewer, for the application's checks
// and the database's row-level rules alike.
func (s *Server) setViewer(c echo.Context, v negotiation.Viewer) {
	c.Set("viewer", v)
	c.SetRequest(c.Request().WithContext(store.WithViewer(c.Request().Context(), v, nil)))
}

// requestViewer reads who sent the request: the owner of its API token or
// of its session cookie; nobody (the public) without either.
func (s *Server) requestViewer(c echo.Context, ctx context.Context) (negotiation.Viewer, error) {
	if h := c.Request().Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return negotiation.Viewer{}, negotiation.Errorf(negotiation.EUnauthorized, "the Authorization header must be \"Bearer <token>\"")
		}
		return s.tokenViewer(c, ctx, auth.Hash(strings.TrimSpace(token)))
	}
	if ck, err := c.Cookie(s.sessionCookie()); err == nil && ck.Value != "" {
		v, err := s.store.ViewerBySession(ctx, auth.Hash(ck.Value), s.sessions.idle)
		if err == nil || negotiation.ErrorCode(err) != negotiation.EUnauthorized {
			return v, err
		}
	}
	return negotiation.Viewer{}, nil
}

// credential is what identifies the request's sender (its Authorization
// header or session cookie), hashed: the key under which live streams of
// the same sender share their checks.
func (s *Server) credential(c echo.Context) string {
	raw := c.Request().Header.Get("Authorization")
	if raw == "" {
		if ck, err := c.Cookie(s.sessionCookie()); err == nil {
			raw = "cookie " + ck.Value
		}
	}
	return string(auth.Hash(raw))
}

// loginLanguage gives the built-in provider's login page the language the
// site's pages use for the same browser (its language cookie, then its
// Accept-Language) and the texts in it.
func (s *Server) loginLanguage(r *http.Request) (string, func(string) string) {
	tag, tr := s.requestLanguage(r)
	return tag, func(id string) string { return tr.T(id) }
}

// requestLanguage is the UI language for a request: its language cookie,
// then its Accept-Language.
func (s *Server) requestLanguage(r *http.Request) (string, locale.Translator) {
	var pref string
	if ck, err := r.Cookie("lang"); err == nil {
		pref = ck.Value
	}
	tag := s.catalog.Match(pref, r.Header.Get("Accept-Language"))
	return tag, s.catalog.For(tag)
}

func viewer(c echo.Context) negotiation.Viewer {
	v, _ := c.Get("viewer").(negotiation.Viewer)
	return v
}

// signIn starts the authorization code flow.
func (s *Server) signIn(c echo.Context) error {
	browser := auth.Secret(32)
	to, err := s.rp.Begin(c.Request().Context(), browser, localPath(c.QueryParam("next")))
	if err != nil {
		return err
	}
	s.setCookie(c, s.loginCookie(), browser, 600)
	return c.Redirect(http.StatusSeeOther, to)
}

// callback finishes the flow and opens a new session (a new id at every
// sign-in, so a session id planted before sign-in is worth nothing).
func (s *Server) callback(c echo.Context) error {
	if e := c.QueryParam("error"); e != "" {
		return negotiation.Errorf(negotiation.EUnauthorized, "the sign-in was not completed (%s)", e)
	}
	var browser string
	if ck, err := c.Cookie(s.loginCookie()); err == nil {
		browser = ck.Value
	}
	s.setCookie(c, s.loginCookie(), "", -1)
	ctx := c.Request().Context()
	id, err := s.rp.Finish(ctx, browser, c.QueryParam("state"), c.QueryParam("code"))
	if err != nil {
		return err
	}
	u, err := s.store.SignIn(ctx, id.Issuer, id.Subject, id.Email, id.Name, id.EmailVerified)
	if err != nil {
		return err
	}
	// The browser's previous session, if any, ends here: one browser, one
	// live session, and a planted or stolen old id is worth nothing.
	if ck, err := c.Cookie(s.sessionCookie()); err == nil && ck.Value != "" {
		if _, err := s.store.EndSession(ctx, negotiation.Actor{UserID: u.ID, Name: u.Email}, auth.Hash(ck.Value)); err != nil {
			return err
		}
	}
	sid := auth.Secret(32)
	if err := s.store.CreateSession(ctx, u.ID, auth.Hash(sid), s.now().Add(s.sessions.max), id.IDToken); err != nil {
		return err
	}
	s.setCookie(c, s.sessionCookie(), sid, int(s.sessions.max.Seconds()))
	return c.Redirect(http.StatusSeeOther, localPath(id.ReturnTo))
}

// signOut ends the local session and, when the provider offers it, the
// provider's session too.
func (s *Server) signOut(c echo.Context) error {
	v := viewer(c)
	s.setCookie(c, s.sessionCookie(), "", -1)
	if v.SessionHash == nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	idToken, err := s.store.EndSession(c.Request().Context(), v.Actor(), v.SessionHash)
	if err != nil {
		return err
	}
	if to := s.rp.LogoutURL(c.Request().Context(), idToken, s.baseURL+"/"); to != "" {
		return c.Redirect(http.StatusSeeOther, to)
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// signInURL is where an anonymous page visitor is sent, coming back to
// where they were.
func signInURL(c echo.Context) string {
	return "/auth/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
}
