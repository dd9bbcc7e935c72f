package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func (s *Server) healthz(c echo.Context) error {
	if err := s.store.Ping(c.Request().Context()); err != nil {
		s.log.Warn("health check: database does not answer", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) pageIndex(c echo.Context) error {
	if err := s.authorize(c, actionRead, 0); err != nil {
		return err
	}
	docs, err := s.store.ListDocuments(c.Request().Context())
	if err != nil {
		return err
	}
	docs = s.visibleDocuments(c, docs)
	if viewer(c).PartyID == 0 {
		// Anonymous visitors and users without rights yet see a welcome
		// that says what to do next, not an error, and the documents the
		// rules make public.
		return s.render(c, http.StatusOK, "welcome", translator(c).T("welcome.title"), docs)
	}
	return s.render(c, http.StatusOK, "index", translator(c).T("index.title"), docs)
}

// setLanguage stores the chosen UI language in a cookie and goes back.
func (s *Server) setLanguage(c echo.Context) error {
	tag := s.catalog.Match(c.FormValue("lang"))
	c.SetCookie(&http.Cookie{Name: "lang", Value: tag, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back")))
}

// localPath keeps redirects on this site: anything that is not a plain
// local path becomes "/".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// documentForm is the new-document form, kept to refill it after an error.
type documentForm struct {
	Symbol, Title, Language, Process, Label, Text string
	Error                                         string
}

func (s *Server) pageNewDocument(c echo.Context) error {
	if err := s.authorize(c, actionCreateDocument, 0); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "new_document", translator(c).T("newdoc.title"), documentForm{Language: "en", Label: "Zero draft"})
}

func (s *Server) postDocument(c echo.Context) error {
	f := documentForm{
		Symbol: c.FormValue("symbol"), Title: c.FormValue("title"), Language: c.FormValue("language"),
		Process: c.FormValue("process"), Label: c.FormValue("label"), Text: c.FormValue("text"),
	}
	if hasWordFile(c) {
		return s.postWordDocument(c, &f) // api_import.go
	}
	d, _, err := s.createDocument(c, negotiation.NewDocument{
		Symbol: f.Symbol, Title: f.Title, Language: f.Language, Process: f.Process, Label: f.Label,
	}, f.Text)
	if err != nil {
		return s.formError(c, err, "new_document", translator(c).T("newdoc.title"), &f.Error, &f)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d", d.ID))
}

// formError shows a form again with the user's input and the message, so
// nothing typed is lost; errors that are not about the input go to the
// one error handler.
func (s *Server) formError(c echo.Context, err error, page, title string, msg *string, data any) error {
	code := negotiation.ErrorCode(err)
	if code != negotiation.EInvalid && code != negotiation.EConflict && code != negotiation.ETooLarge {
		return err
	}
	*msg = negotiation.ErrorMessage(err)
	return s.render(c, statusOf[code], page, title, data)
}

type documentPage struct {
	Doc     negotiation.Document
	Latest  negotiation.Version
	Closing closingState  // silence procedure and adoption, shown as a banner
	Threads *threadsView  // the comment section (pages_consultation.go)
	Public  publicSummary // what the rules make public (pages_disclosure.go)
}

func (s *Server) pageDocument(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	latest, err := s.store.Version(c.Request().Context(), d.ID, d.Latest())
	if err != nil {
		return err
	}
	closing, err := s.closingOf(c, d)
	if err != nil {
		return err
	}
	threads, err := s.commentThreads(c, d, latest.Provisions)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "document", d.Symbol, documentPage{Doc: d, Latest: latest, Threads: threads, Closing: closing,
		Public: summarise(d.Disclosure, s.now())})
}

type versionPage struct {
	Doc     negotiation.Document
	Version negotiation.Version
}

func (s *Server) pageVersion(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v, err := s.readVersion(c, c.Param("n"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "version", d.Symbol+" — "+v.Label, versionPage{Doc: d, Version: v})
}

// versionForm serves both ways of issuing a version: a full text, or the
// latest version's provisions edited in place.
type versionForm struct {
	Doc        negotiation.Document
	Label      string
	Text       string
	Provisions []negotiation.Provision
	Error      string
}

func (s *Server) latestForm(c echo.Context) (versionForm, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return versionForm{}, err
	}
	if err := s.authorize(c, actionCreateVersion, d.ID); err != nil {
		return versionForm{}, err
	}
	latest, err := s.store.Version(c.Request().Context(), d.ID, d.Latest())
	if err != nil {
		return versionForm{}, err
	}
	f := versionForm{Doc: d, Label: "Rev." + strconv.Itoa(d.Latest()), Provisions: latest.Provisions}
	lines := make([]string, len(latest.Provisions))
	for i, p := range latest.Provisions {
		lines[i] = p.FullText()
	}
	f.Text = strings.Join(lines, "\n\n")
	return f, nil
}

func (s *Server) pageNewVersion(c echo.Context) error {
	f, err := s.latestForm(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "new_version", translator(c).T("newversion.title"), f)
}

func (s *Server) pageEditVersion(c echo.Context) error {
	f, err := s.latestForm(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "edit_version", translator(c).T("edit.title"), f)
}

// postVersion takes either form: "text" (full text) or the in-place
// editor's rows (key, text, delete, order, and an optional insertion after
// each row).
func (s *Server) postVersion(c echo.Context) error {
	f, err := s.latestForm(c)
	if err != nil {
		return err
	}
	f.Label = c.FormValue("label")
	page := "new_version"
	var v negotiation.Version
	if c.FormValue("mode") == "edit" {
		page = "edit_version"
		drafts, derr := editedDrafts(c)
		if derr != nil {
			return s.formError(c, derr, page, translator(c).T("edit.title"), &f.Error, &f)
		}
		v, err = s.versionFromEditor(c, f.Doc.ID, f.Label, drafts, drafting.Sequential(f.Provisions))
	} else {
		f.Text = c.FormValue("text")
		if hasWordFile(c) {
			return s.postWordVersion(c, &f) // api_import.go
		}
		v, err = s.versionFromText(c, f.Doc.ID, f.Label, f.Text)
	}
	if err != nil {
		return s.formError(c, err, page, translator(c).T("newversion.title"), &f.Error, &f)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", f.Doc.ID, v.Number-1, v.Number))
}

// versionFromEditor issues the editor's version; a resolution numbered
// 1., 2., 3. is renumbered after moves, insertions and deletions.
func (s *Server) versionFromEditor(c echo.Context, docID int64, label string, drafts []drafting.Draft, sequential bool) (negotiation.Version, error) {
	provs, warns, err := drafting.FromDrafts(drafts)
	if err != nil {
		return negotiation.Version{}, err
	}
	if sequential {
		drafting.Renumber(provs)
	}
	return s.addVersion(c, docID, label, provs, warns)
}

// editedDrafts reads the in-place editor. Each row i carries key[i],
// text[i], order[i] (its new position, to move it), delete[i], and
// insert[i] (a new provision to place right after it).
func editedDrafts(c echo.Context) ([]drafting.Draft, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, negotiation.Errorf(negotiation.EMalformed, "the form could not be read")
	}
	keys, texts, orders, inserts := form["key"], form["text"], form["order"], form["insert"]
	if len(texts) != len(keys) || len(orders) != len(keys) || len(inserts) != len(keys) {
		return nil, negotiation.Errorf(negotiation.EMalformed, "the editor form is incomplete; reload the page")
	}
	deleted := map[string]bool{}
	for _, k := range form["delete"] {
		deleted[k] = true
	}
	rows := make([]editRow, 0, len(keys))
	for i, k := range keys {
		order, err := strconv.ParseFloat(strings.TrimSpace(orders[i]), 64)
		if err != nil {
			return nil, negotiation.Errorf(negotiation.EInvalid, "the position of row %d must be a number", i+1)
		}
		rows = append(rows, editRow{order: order, index: i, key: k, text: texts[i], insert: inserts[i], deleted: deleted[k]})
	}
	return orderRows(rows), nil
}

type editRow struct {
	order     float64
	index     int
	key, text string
	insert    string
	deleted   bool
}

// orderRows sorts rows by their (possibly edited) position, drops deleted
// ones and places each insertion right after its row.
func orderRows(rows []editRow) []drafting.Draft {
	sortRows(rows)
	var out []drafting.Draft
	for _, r := range rows {
		if !r.deleted {
			out = append(out, drafting.Draft{Key: r.key, Text: r.text})
		}
		if t := strings.TrimSpace(r.insert); t != "" {
			out = append(out, drafting.Draft{Text: t})
		}
	}
	return out
}

func sortRows(rows []editRow) {
	// Stable on the original index so rows with equal positions keep their order.
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].order < rows[j].order })
}

type diffPage struct {
	Doc      negotiation.Document
	From, To int
	All      bool
	Rows     []diff.Provision
	Stats    diff.Summary
	Error    string
}

func (s *Server) pageDiff(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	p := diffPage{Doc: d, All: c.QueryParam("all") == "1"}
	if c.QueryParam("from") == "" && c.QueryParam("to") == "" && d.Latest() > 1 {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", d.ID, d.Latest()-1, d.Latest()))
	}
	res, err := s.diffVersions(c, d.ID)
	if err != nil {
		if negotiation.ErrorCode(err) != negotiation.EInvalid {
			return err
		}
		p.Error = negotiation.ErrorMessage(err)
		return s.render(c, http.StatusUnprocessableEntity, "diff", translator(c).T("diff.title"), p)
	}
	p.From, p.To = res.From, res.To
	p.Stats = diff.Stats(res.Provisions)
	p.Rows = res.Provisions
	if !p.All {
		p.Rows = diff.Changed(res.Provisions)
	}
	return s.render(c, http.StatusOK, "diff", translator(c).T("diff.title"), p)
}
