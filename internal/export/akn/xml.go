package akn

import (
	"github.com/zerodraft/zerodraft/internal/export"
	"strings"
)

// writer builds indented XML. Element and attribute names are the
// package's own constants; every value and text passes through esc.
type writer struct {
	b     strings.Builder
	depth int
}

func (w *writer) indent() { w.b.WriteString(strings.Repeat("  ", w.depth)) }

// tag writes "<name a="v" …" without closing it.
func (w *writer) tag(name string, attrs []string) {
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue // an empty value means: leave the attribute out
		}
		w.b.WriteString(" " + attrs[i] + `="` + esc(attrs[i+1]) + `"`)
	}
}

func (w *writer) open(name string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.b.WriteString(">\n")
	w.depth++
}

func (w *writer) close(name string) {
	w.depth--
	w.indent()
	w.b.WriteString("</" + name + ">\n")
}

// empty writes a self-closing element.
func (w *writer) empty(name string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.b.WriteString("/>\n")
}

// line writes an element on one line whose content is inner, already
// markup (escape text with esc).
func (w *writer) line(name, inner string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.b.WriteString(">" + inner + "</" + name + ">\n")
}

// esc escapes s for XML text and attribute values.
func esc(s string) string { return export.XMLText(s) }

// inline wraps escaped text in an inline element with attributes.
func inline(name, text string, attrs ...string) string {
	var w writer
	w.tag(name, attrs)
	return w.b.String() + ">" + esc(text) + "</" + name + ">"
}

// idPart makes s usable inside an eId or a URI component: letters, digits,
// "-", "." and "_" are kept, anything else becomes "-".
func idPart(s string) string {
	out := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			return r
		}
		return '-'
	}, s)
	if out == "" {
		return "x"
	}
	return out
}
