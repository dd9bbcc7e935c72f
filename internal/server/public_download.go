package server

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/akn"
	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The public page's downloads: the final text in one language as DOCX,
// PDF, Akoma Ntoso or plain text, written by internal/export as the other
// exports are. The text download is the canonical text whose SHA-256 the
// page publishes (for the original language).

// downloadLinks lists the files the public page offers for the text in
// lang (orig is the original language). Where this server cannot make
// PDFs the entry says so instead of linking.
func (s *Server) downloadLinks(base, lang, orig string) []downloadLink {
	q := "?format="
	if lang != orig {
		q = "?lang=" + url.QueryEscape(lang) + "&format="
	}
	links := []downloadLink{
		{Format: "docx", Label: "Word (DOCX)", Href: base + q + "docx"},
		{Format: "pdf", Label: "PDF", Href: base + q + "pdf"},
		{Format: "akn", Label: "Akoma Ntoso (XML)", Href: base + q + "akn"},
		{Format: "txt", Label: "Text", Href: base + q + "txt"},
	}
	if !pdfAvailable() {
		links[1].Href, links[1].Unavailable = "", true
	}
	return links
}

// downloadFinal answers the final text in one language as a file.
func (s *Server) downloadFinal(c echo.Context, d negotiation.Document, a negotiation.Adoption, t finalText, format string) error {
	provs := make([]negotiation.Provision, len(t.Provisions))
	for i, p := range t.Provisions {
		provs[i] = negotiation.Provision{Key: p.Key, Number: p.Number, Kind: p.Kind, Label: p.Label, Text: p.Text}
	}
	m := export.Meta{Symbol: d.Symbol, Title: t.Title, Language: t.Language, Version: a.Version, Label: a.VersionLabel,
		Date: a.AdoptedAt, Created: d.CreatedAt.UTC()}
	name := func(ext string) string { return export.FileName(d.Symbol, a.Version, "final-"+t.Language, ext) }
	switch format {
	case "docx":
		b, err := docx.Clean(m, provs)
		return sendFile(c, b, err, export.TypeDOCX, name("docx"))
	case "pdf":
		b, err := pdfRenderer().Version(c.Request().Context(), m, provs)
		return sendFile(c, b, pdfError(err), export.TypePDF, name("pdf"))
	case "akn":
		return sendFile(c, akn.Version(m, provs), nil, export.TypeAKN, name("akn.xml"))
	case "txt":
		return sendFile(c, []byte(negotiation.CanonicalText(provs)), nil, export.TypeText, name("txt"))
	}
	return badFormat(format, "docx, pdf, akn or txt")
}
