// Package export holds what every export format shares: the description of
// what is exported (Meta), file names derived from a document's symbol, and
// the plain-text and JSON writers. The format writers live in the
// subpackages docx, akn and pdf; each takes plain domain values (a document's
// metadata, a version's provisions, a compilation) and returns bytes, so the
// API, the pages and the public final-text page all export the same way.
package export

import (
	"encoding/json"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Meta describes the text being exported.
type Meta struct {
	Symbol   string    // the document's symbol, e.g. "A/RES/80/1"
	Title    string    // the document's title
	Language string    // BCP 47 tag of the text, e.g. "en", "ar", "zh-Hans"
	Version  int       // the version number (for a compilation: the compiled version)
	Label    string    // the version's label, e.g. "Rev.1"
	Date     time.Time // when the version was issued
	Created  time.Time // when the document was created (the work's date)
}

// MetaOf describes version v of document d.
func MetaOf(d negotiation.Document, v negotiation.Version) Meta {
	return Meta{Symbol: d.Symbol, Title: d.Title, Language: d.Language, Version: v.Number, Label: v.Label, Date: v.CreatedAt.UTC(), Created: d.CreatedAt.UTC()}
}

// RTL reports whether the text's language is written right to left.
func (m Meta) RTL() bool {
	base, _, _ := strings.Cut(strings.ToLower(m.Language), "-")
	switch base {
	case "ar", "fa", "he", "ur", "ps", "yi", "dv":
		return true
	}
	return false
}

// FileStem turns a symbol into a file-name stem usable on every system:
// "A/C.2/80/L.5" → "A-C.2-80-L.5". Letters of any script are kept;
// separators and anything else become "-".
func FileStem(symbol string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(symbol) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		return "document"
	}
	return s
}

// FileName names an export of version n of the document with this symbol:
// "A-RES-80-1_v3.docx"; suffix (e.g. "redline-v2", "compilation") is added
// before the extension when not empty.
func FileName(symbol string, n int, suffix, ext string) string {
	name := FileStem(symbol) + "_v" + strconv.Itoa(n)
	if suffix != "" {
		name += "_" + suffix
	}
	return name + "." + ext
}

// Disposition is the Content-Disposition value that offers name as a
// download (with the RFC 2231 form for names beyond ASCII).
func Disposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// The media types of the formats.
const (
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypePDF  = "application/pdf"
	TypeAKN  = "application/akn+xml"
	TypeText = "text/plain; charset=utf-8"
	TypeJSON = "application/json; charset=utf-8"
)

// Text gives a version as plain text: the symbol and title, a blank line,
// then one provision a line as it was typed (label, then text), with a blank
// line between provisions so that any reader keeps them apart.
func Text(m Meta, provs []negotiation.Provision) []byte {
	var b strings.Builder
	b.WriteString(m.Symbol + "\n" + m.Title + "\n")
	if m.Label != "" {
		b.WriteString(m.Label + "\n")
	}
	for _, p := range provs {
		b.WriteString("\n" + p.FullText() + "\n")
	}
	return []byte(b.String())
}

// Document is the JSON export of one version.
type Document struct {
	Symbol     string                  `json:"symbol"`
	Title      string                  `json:"title"`
	Language   string                  `json:"language"`
	Version    int                     `json:"version"`
	Label      string                  `json:"label"`
	Date       time.Time               `json:"date"`
	Provisions []negotiation.Provision `json:"provisions"`
}

// JSON gives a version as an indented JSON document (see Document).
func JSON(m Meta, provs []negotiation.Provision) ([]byte, error) {
	if provs == nil {
		provs = []negotiation.Provision{}
	}
	out, err := json.MarshalIndent(Document{Symbol: m.Symbol, Title: m.Title, Language: m.Language,
		Version: m.Version, Label: m.Label, Date: m.Date, Provisions: provs}, "", "  ")
	return append(out, '\n'), err
}
