package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/web"
)

// pages holds the parsed templates, one per page, each joined with the layout.
type pages struct {
	tmpl       map[string]*template.Template
	staticHash string
	languages  []locale.Language
}

func loadCatalog() (*locale.Catalog, error) { return locale.Load(web.FS, "i18n") }

func loadPages(cat *locale.Catalog) (*pages, error) {
	p := &pages{tmpl: map[string]*template.Template{}, languages: cat.Languages()}
	hash, err := hashStatic()
	if err != nil {
		return nil, err
	}
	p.staticHash = hash
	files, err := fs.Glob(web.FS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"utc": formatUTC, "add": func(a, b int) int { return a + b },
		"pdfAvailable": pdfAvailable, "compilationExport": compilationExport,
		"threads": threadArgs, "withc": withComment,
		"rtl": negotiation.RightToLeft, "join": strings.Join,
		"deref": func(t *time.Time) time.Time { return *t }}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		// partials_<area>.html files hold each area's shared pieces.
		if name == "layout" || strings.HasPrefix(name, "partials") {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(web.FS, "templates/layout.html", "templates/partials*.html", f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		p.tmpl[name] = t
	}
	return p, nil
}

// hashStatic fingerprints the static files so their URLs change when they
// do, and browsers may cache them for a year.
func hashStatic() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(web.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// view is what every page template receives.
type view struct {
	locale.Translator
	Title     string
	CSRF      string
	Languages []locale.Language
	Path      string
	Viewer    negotiation.Viewer
	static    string
	Data      any
	unread    func() int
}

// Unread counts the viewer's unread notifications, for the header; only
// pages that show it ask.
func (v view) Unread() int {
	if v.unread == nil {
		return 0
	}
	return v.unread()
}

// Static gives the fingerprinted address of a static file.
func (v view) Static(name string) string { return "/static/" + v.static + "/" + name }

func (s *Server) render(c echo.Context, status int, name, title string, data any) error {
	t, ok := s.pages.tmpl[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	csrf, _ := c.Get("csrf").(string)
	v := view{
		Translator: translator(c), Title: title, CSRF: csrf, Languages: s.pages.languages,
		Path: c.Request().URL.RequestURI(), Viewer: viewer(c), static: s.pages.staticHash, Data: data,
	}
	if v.Viewer.SignedIn() {
		v.unread = func() int {
			n, err := s.store.UnreadNotifications(c.Request().Context(), v.Viewer.UserID)
			if err != nil {
				s.log.Warn("count unread notifications", "err", err)
			}
			return n
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) renderError(c echo.Context, status int, msg string) {
	tr := translator(c)
	if err := s.render(c, status, "error", tr.T("error.title"), map[string]any{"Status": status, "Message": msg}); err != nil {
		s.log.Error("render error page", "err", err)
		_ = c.String(status, msg)
	}
}

func translator(c echo.Context) locale.Translator {
	if tr, ok := c.Get("tr").(locale.Translator); ok {
		return tr
	}
	return locale.Translator{}
}

// static serves embedded files; fingerprinted addresses are cached long.
func (s *Server) static(c echo.Context) error {
	name := path.Clean("static/" + c.Param("*"))
	if !strings.HasPrefix(name, "static/") {
		return echo.ErrNotFound
	}
	b, err := fs.ReadFile(web.FS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	if c.Param("hash") == s.pages.staticHash {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, b)
}
