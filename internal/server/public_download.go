package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// downloadLinks lists the files the public page offers for the text in
// lang (orig is the original language).
func (s *Server) downloadLinks(base, lang, orig string) []downloadLink {
	q := "?format="
	if lang != orig {
		q = "?lang=" + url.QueryEscape(lang) + "&format="
	}
	return []downloadLink{{Format: "txt", Label: "Text", Href: base + q + "txt"}}
}

// downloadFinal answers the final text in one language as a file.
func (s *Server) downloadFinal(c echo.Context, d negotiation.Document, a negotiation.Adoption, t finalText, format string) error {
	provs := make([]negotiation.Provision, len(t.Provisions))
	for i, p := range t.Provisions {
		provs[i] = negotiation.Provision{Kind: p.Kind, Label: p.Label, Text: p.Text}
	}
	name := fileName(d.Symbol, t.Language)
	switch format {
	case "txt":
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.txt"`)
		return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(negotiation.CanonicalText(provs)))
	}
	return negotiation.Errorf(negotiation.EInvalid, "format %q: use txt", format)
}

// fileName makes a download's name from the symbol and language:
// A/CONF.1/2026/L.1 in fr → A-CONF.1-2026-L.1.fr
func fileName(symbol, lang string) string {
	var b strings.Builder
	for _, r := range symbol {
		switch {
		case r == '/' || r == ' ' || r == '\\':
			b.WriteByte('-')
		case r < 0x20 || r == '"' || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String() + "." + lang
}
