package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/zerodraft/zerodraft/internal/docximport"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// Word import: POST /api/v1/documents and POST /api/v1/documents/:id/versions
// take a multipart form with the .docx in "file" (the pages' forms post the
// same way). The file is read by internal/docximport and its paragraphs go
// through the same plain-text import as a pasted text.

// wordBodyLimit is the body limit of a Word upload: the file and the form's
// other fields. Every other request keeps the 10 MB limit.
const wordBodyLimit = docximport.MaxFileSize + 1<<20

// wordUploadPath are the addresses that take a Word file.
var wordUploadPath = regexp.MustCompile(`^(/api/v1)?/documents(/[0-9]+/versions)?$`)

// isMultipart reports whether the request is a multipart form.
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// isWordUpload reports whether a request may carry a Word file.
func isWordUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && isMultipart(r) && wordUploadPath.MatchString(r.URL.Path)
}

// bodyLimit refuses bodies over 10 MB, and over the Word file limit on the
// routes that take a Word file, with a message that names the limit.
func (s *Server) bodyLimit() echo.MiddlewareFunc {
	normal := middleware.BodyLimit("10M")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := normal(next)
		return func(c echo.Context) error {
			r := c.Request()
			if !isWordUpload(r) {
				return limited(c)
			}
			if r.ContentLength > wordBodyLimit {
				return tooLargeWord()
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, wordBodyLimit)
			return next(c)
		}
	}
}

func tooLargeWord() error {
	return negotiation.Errorf(negotiation.ETooLarge, "the Word file is larger than the limit of %d MB", docximport.MaxFileSize>>20)
}

// hasWordFile reports whether a form came with a Word file.
func hasWordFile(c echo.Context) bool {
	if !isMultipart(c.Request()) {
		return false
	}
	fh, err := c.FormFile("file")
	return err == nil && fh.Size > 0 || errors.As(err, new(*http.MaxBytesError))
}

// readWord reads the form's Word file with the tracked-changes mode asked.
func readWord(c echo.Context) (docximport.Result, error) {
	mode, err := docximport.ParseMode(c.FormValue("tracked_changes"))
	if err != nil {
		return docximport.Result{}, err
	}
	fh, err := c.FormFile("file")
	switch {
	case errors.As(err, new(*http.MaxBytesError)):
		return docximport.Result{}, tooLargeWord()
	case err != nil:
		return docximport.Result{}, negotiation.Errorf(negotiation.EInvalid, "send the Word file (.docx) in the form field \"file\"")
	case fh.Size > docximport.MaxFileSize:
		return docximport.Result{}, tooLargeWord()
	}
	f, err := fh.Open()
	if err != nil {
		return docximport.Result{}, fmt.Errorf("open the uploaded file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, docximport.MaxFileSize+1))
	if err != nil {
		return docximport.Result{}, fmt.Errorf("read the uploaded file: %w", err)
	}
	return docximport.Read(data, mode)
}

// wordProvisions turns the file's paragraphs into provisions by the
// plain-text import; paragraphs in a Word heading style become headings.
func wordProvisions(res docximport.Result) ([]negotiation.Provision, []negotiation.Warning, error) {
	provs, warns, err := drafting.FromText(res.Text())
	if err != nil {
		return nil, nil, err
	}
	if len(provs) == len(res.Paragraphs) { // one provision a paragraph, as Text lays them out
		changed := false
		for i, p := range res.Paragraphs {
			if p.Heading && provs[i].Kind != negotiation.KindHeading {
				provs[i].Kind, changed = negotiation.KindHeading, true
			}
		}
		if changed {
			plaintext.Number(provs)
		}
	}
	return provs, warns, nil
}

// importDocument creates a document from the form's Word file.
func (s *Server) importDocument(c echo.Context, nd negotiation.NewDocument) (negotiation.Document, []negotiation.Warning, docximport.Report, error) {
	var none docximport.Report
	// Ask first, so that nobody else makes the server read a file.
	if err := s.authorize(c, actionCreateDocument, 0); err != nil {
		return negotiation.Document{}, nil, none, err
	}
	if err := nd.Normalize(); err != nil {
		return negotiation.Document{}, nil, none, err
	}
	res, err := readWord(c)
	if err != nil {
		return negotiation.Document{}, nil, none, err
	}
	provs, warns, err := wordProvisions(res)
	if err != nil {
		return negotiation.Document{}, nil, none, err
	}
	drafting.CarryKeys(nil, map[string]bool{}, provs)
	d, err := s.store.CreateDocument(c.Request().Context(), actor(c), nd, provs, warns)
	return d, warns, res.Report, err
}

// importVersion issues a new version of document docID from the form's
// Word file.
func (s *Server) importVersion(c echo.Context, docID int64, label string) (negotiation.Version, docximport.Report, error) {
	if err := s.authorize(c, actionCreateVersion, docID); err != nil {
		return negotiation.Version{}, docximport.Report{}, err
	}
	res, err := readWord(c)
	if err != nil {
		return negotiation.Version{}, docximport.Report{}, err
	}
	provs, warns, err := wordProvisions(res)
	if err != nil {
		return negotiation.Version{}, docximport.Report{}, err
	}
	v, err := s.addVersion(c, docID, label, provs, warns)
	return v, res.Report, err
}

// apiImportDocument serves POST /api/v1/documents as a multipart form.
func (s *Server) apiImportDocument(c echo.Context) error {
	d, warns, rep, err := s.importDocument(c, negotiation.NewDocument{
		Symbol: c.FormValue("symbol"), Title: c.FormValue("title"), Language: c.FormValue("language"),
		Process: c.FormValue("process"), Label: c.FormValue("label"),
	})
	if err != nil {
		return err
	}
	if warns == nil {
		warns = []negotiation.Warning{}
	}
	return created(c, map[string]any{"id": d.ID, "version": 1, "warnings": warns, "import": rep})
}

// apiImportVersion serves POST /api/v1/documents/:id/versions as a
// multipart form.
func (s *Server) apiImportVersion(c echo.Context) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	label := c.FormValue("label")
	if label != "" {
		if err := negotiation.CheckLabel(label); err != nil {
			return err
		}
	}
	v, rep, err := s.importVersion(c, id, label)
	if err != nil {
		return err
	}
	if v.Warnings == nil {
		v.Warnings = []negotiation.Warning{}
	}
	return created(c, map[string]any{"number": v.Number, "label": v.Label, "warnings": v.Warnings, "import": rep})
}

// importPage is what import_report.html receives.
type importPage struct {
	Doc      negotiation.Document
	Version  int
	Report   docximport.Report
	Authors  string
	Warnings []negotiation.Warning
}

// showImport tells the secretariat what a Word import did: how many
// paragraphs, what happened to the tracked changes, what was ignored.
func (s *Server) showImport(c echo.Context, docID int64, number int, rep docximport.Report, warns []negotiation.Warning) error {
	d, err := s.store.Document(c.Request().Context(), docID)
	if err != nil {
		return err
	}
	p := importPage{Doc: d, Version: number, Report: rep, Authors: strings.Join(rep.Authors, ", "), Warnings: warns}
	if p.Authors == "" {
		p.Authors = "?"
	}
	return s.render(c, http.StatusCreated, "import_report", translator(c).T("import.title"), p)
}

// postWordDocument is the new-document form with a Word file.
func (s *Server) postWordDocument(c echo.Context, f *documentForm) error {
	d, warns, rep, err := s.importDocument(c, negotiation.NewDocument{
		Symbol: f.Symbol, Title: f.Title, Language: f.Language, Process: f.Process, Label: f.Label,
	})
	if err != nil {
		return s.formError(c, err, "new_document", translator(c).T("newdoc.title"), &f.Error, f)
	}
	return s.showImport(c, d.ID, 1, rep, warns)
}

// postWordVersion is the new-version form with a Word file.
func (s *Server) postWordVersion(c echo.Context, f *versionForm) error {
	if f.Label != "" {
		if err := negotiation.CheckLabel(f.Label); err != nil {
			return s.formError(c, err, "new_version", translator(c).T("newversion.title"), &f.Error, f)
		}
	}
	v, rep, err := s.importVersion(c, f.Doc.ID, f.Label)
	if err != nil {
		return s.formError(c, err, "new_version", translator(c).T("newversion.title"), &f.Error, f)
	}
	return s.showImport(c, f.Doc.ID, v.Number, rep, v.Warnings)
}
