// Package server is zerodraft's HTTP face: the Echo router, middleware, the
// one error handler, JSON API handlers and server-rendered pages. Handlers
// are thin: they parse, ask the authorisation check, call the store or a
// pure package, and render.
package server

import (
	"golang.org/x/sync/singleflight"

	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/live"
	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = 10 << 20

// Server holds what handlers need; it is built once at start.
type Server struct {
	store    *store.Store
	log      *slog.Logger
	catalog  *locale.Catalog
	pages    *pages
	echo     *echo.Echo
	baseURL  string
	secure   bool // served over HTTPS: __Host- cookies, HSTS
	rp       *auth.RP
	provider *oidcprovider.Provider // nil when an external provider is configured
	sessions sessionPolicy
	now      func() time.Time
	hub      *live.Hub
	diffs    *diffCache
	// The live streams' shared checks (api_events.go): the comment an
	// event names, and each credential's right to the event's document.
	recentComments *recent[int64, negotiation.CommentAccess]
	streamChecks   *recent[streamKey, streamCheck]
	streamFlight   singleflight.Group
	// tokenViewers remembers API tokens' viewers for the routes that
	// check the token again in their transaction (tokenmemory.go).
	tokenViewers *recent[string, rememberedViewer]
	// silenceMin is the shortest silence procedure allowed.
	silenceMin time.Duration
}

// Options configure New.
type Options struct {
	Store   *store.Store
	Logger  *slog.Logger
	BaseURL string
	// OIDC names an external OpenID provider; when Issuer is empty the
	// built-in provider is served at /oidc and used.
	OIDC OIDC
	// SessionIdle and SessionMax bound a browser session (defaults 2 h
	// idle, 12 h in all).
	SessionIdle, SessionMax time.Duration
	// SilenceMin is the shortest silence procedure the installation
	// allows (default negotiation.DefaultSilenceMin, 72 hours).
	SilenceMin time.Duration
	// HTTPClient is how the relying party reaches the provider (nil:
	// the default client).
	HTTPClient *http.Client
}

// OIDC is an external OpenID provider's registration.
type OIDC struct{ Issuer, ClientID, ClientSecret string }

// New builds the server with its routes.
func New(ctx context.Context, o Options) (*Server, error) {
	catalog, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	pg, err := loadPages(catalog)
	if err != nil {
		return nil, err
	}
	s := &Server{store: o.Store, log: o.Logger, catalog: catalog, pages: pg, echo: echo.New(),
		baseURL: strings.TrimRight(o.BaseURL, "/"), secure: strings.HasPrefix(o.BaseURL, "https://"),
		sessions: newSessionPolicy(o.SessionIdle, o.SessionMax), now: time.Now, hub: live.NewHub(o.Logger), diffs: newDiffCache(4 << 20),
		recentComments: newRecent[int64, negotiation.CommentAccess](1024), streamChecks: newRecent[streamKey, streamCheck](4096),
		tokenViewers: newRecent[string, rememberedViewer](4096)}
	s.silenceMin = o.SilenceMin
	if s.silenceMin <= 0 {
		s.silenceMin = negotiation.DefaultSilenceMin
	}
	if err := s.setUpSignIn(ctx, o); err != nil {
		return nil, err
	}
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// Handler is the server as an http.Handler (for httptest and http.Server).
func (s *Server) Handler() http.Handler { return s.echo }

// Routes lists every route the server answers: the leak matrix test walks
// them all, so that a new route cannot escape the disclosure checks.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// Serve listens on addr until ctx is cancelled, then shuts down gracefully,
// letting requests in flight finish for up to 15 seconds.
func (s *Server) Serve(ctx context.Context, addr string) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	s.StartBackground(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
