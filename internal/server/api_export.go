package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/akn"
	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/pdf"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Exports: the handlers only authorise, load and name the file; the
// formats are written by internal/export and its subpackages, which the
// public final-text page uses as well.

// secretariatAuthor is the author of tracked changes that no proposal
// accounts for: the secretariat issued the version.
const secretariatAuthor = "Secretariat"

// apiExportVersion serves GET /api/v1/documents/:id/versions/:n/export
// ?format=docx|pdf|akn|txt|json[&against=M]. The version is read under the
// same check as reading it, so an invisible one answers 404.
func (s *Server) apiExportVersion(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v, err := s.readVersion(c, c.Param("n"))
	if err != nil {
		return err
	}
	return s.exportVersion(c, d, v)
}

// exportVersion writes version v of d in the ?format asked for.
func (s *Server) exportVersion(c echo.Context, d negotiation.Document, v negotiation.Version) error {
	m := export.MetaOf(d, v)
	format := c.QueryParam("format")
	if against := c.QueryParam("against"); against != "" {
		if format != "docx" {
			return negotiation.Errorf(negotiation.EInvalid, "against= asks for a redline, which is a DOCX file: add format=docx")
		}
		return s.exportRedline(c, d, v, against)
	}
	switch format {
	case "docx":
		b, err := docx.Clean(m, v.Provisions)
		return sendFile(c, b, err, export.TypeDOCX, export.FileName(d.Symbol, v.Number, "", "docx"))
	case "pdf":
		b, err := pdfRenderer().Version(c.Request().Context(), m, v.Provisions)
		return sendFile(c, b, pdfError(err), export.TypePDF, export.FileName(d.Symbol, v.Number, "", "pdf"))
	case "akn":
		return sendFile(c, akn.Version(m, v.Provisions), nil, export.TypeAKN, export.FileName(d.Symbol, v.Number, "", "akn.xml"))
	case "txt":
		return sendFile(c, export.Text(m, v.Provisions), nil, export.TypeText, export.FileName(d.Symbol, v.Number, "", "txt"))
	case "json":
		b, err := export.JSON(m, v.Provisions)
		return sendFile(c, b, err, export.TypeJSON, export.FileName(d.Symbol, v.Number, "", "json"))
	}
	return badFormat(format, "docx, pdf, akn, txt or json")
}

// exportRedline writes version v compared with version ?against=M as a DOCX
// with tracked changes, credited to the parties whose incorporated
// proposals made them where the provenance knows them.
func (s *Server) exportRedline(c echo.Context, d negotiation.Document, v negotiation.Version, against string) error {
	m, err := versionNumber("against", against)
	if err != nil {
		return err
	}
	if m == v.Number {
		return negotiation.Errorf(negotiation.EInvalid, "against=%d is the version itself; compare it with another version", m)
	}
	ctx := c.Request().Context()
	old, err := s.store.Version(ctx, d.ID, m)
	if err != nil {
		return err
	}
	authors := map[string]string{}
	if m < v.Number {
		if authors, err = s.store.ChangeAuthors(ctx, d.ID, m, v.Number); err != nil {
			return err
		}
	}
	meta := export.MetaOf(d, v)
	meta.Label = v.Label + " compared with " + old.Label
	b, err := docx.Redline(meta, old.Provisions, v.Provisions, docx.Changes{Authors: authors, Fallback: secretariatAuthor})
	return sendFile(c, b, err, export.TypeDOCX, export.FileName(d.Symbol, v.Number, "redline-v"+strconv.Itoa(m), "docx"))
}

// apiExportCompilation serves GET /api/v1/documents/:id/compilation/export
// ?format=docx|akn with the compilation page's filters (?party=, ?status=).
func (s *Server) apiExportCompilation(c echo.Context) error {
	d, comp, err := s.compile(c)
	if err != nil {
		return err
	}
	m := export.Meta{Symbol: d.Symbol, Title: d.Title, Language: d.Language, Version: comp.Version}
	for _, v := range d.Versions {
		if v.Number == comp.Version {
			m = export.MetaOf(d, v)
		}
	}
	m.Label += " compilation"
	format := c.QueryParam("format")
	switch format {
	case "docx":
		b, err := docx.Compilation(m, comp)
		return sendFile(c, b, err, export.TypeDOCX, export.FileName(d.Symbol, comp.Version, "compilation", "docx"))
	case "pdf":
		b, err := pdfRenderer().Compilation(c.Request().Context(), m, comp)
		return sendFile(c, b, pdfError(err), export.TypePDF, export.FileName(d.Symbol, comp.Version, "compilation", "pdf"))
	case "akn":
		v, err := s.store.Version(c.Request().Context(), d.ID, comp.Version)
		if err != nil {
			return err
		}
		return sendFile(c, akn.Compilation(m, v.Provisions, comp), nil, export.TypeAKN, export.FileName(d.Symbol, comp.Version, "compilation", "akn.xml"))
	}
	return badFormat(format, "docx, akn or pdf")
}

// pdfRenderer is made once per process: it looks for Chromium on PATH.
var pdfRenderer = sync.OnceValue(pdf.New)

// pdfAvailable tells the pages whether to offer PDF links or say why not.
func pdfAvailable() bool { return pdfRenderer().Available() }

// pdfError turns a missing Chromium into 503 with a sentence that says so.
func pdfError(err error) error {
	if errors.Is(err, pdf.ErrUnavailable) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error()+".")
	}
	return err
}

// compilationExport gives the export address of the compilation page at
// page (its path and query), keeping its filters: the file holds what the
// page shows.
func compilationExport(page, format string) string {
	u, err := url.Parse(page)
	if err != nil {
		return ""
	}
	q := url.Values{}
	for _, name := range []string{"party", "status"} {
		if v := u.Query().Get(name); v != "" {
			q.Set(name, v)
		}
	}
	q.Set("format", format)
	return "/api/v1" + u.Path + "/export?" + q.Encode()
}

func badFormat(format, choices string) error {
	if format == "" {
		return negotiation.Errorf(negotiation.EInvalid, "say which format you want: format=%s", choices)
	}
	return negotiation.Errorf(negotiation.EInvalid, "format %q is not offered; choose %s", format, choices)
}

// sendFile answers with an exported file as a download named name.
func sendFile(c echo.Context, b []byte, err error, contentType, name string) error {
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", export.Disposition(name))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, contentType, b)
}
