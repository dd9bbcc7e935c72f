package docx

import (
	"strconv"
	"strings"
	"time"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// change is a tracked change: who made it and when.
type change struct {
	author string
	date   time.Time
}

// run is a piece of text with one formatting; ins or del (not both) make
// it a tracked insertion or deletion.
type run struct {
	text     string
	bold     bool
	italic   bool
	ins, del *change
}

// para is one paragraph. mark, when set, tracks the paragraph mark itself
// as inserted (markIns) or deleted, which is how a whole paragraph is
// added or removed.
type para struct {
	style   string // "" for Normal, "Heading1"
	center  bool
	runs    []run
	mark    *change
	markIns bool
}

// body accumulates the paragraphs of w:body and numbers tracked changes.
type body struct {
	m      export.Meta
	b      strings.Builder
	nextID int
}

func newBody(m export.Meta) *body { return &body{m: m} }

// header writes the symbol (right) and the title (centred, bold).
func (w *body) header(label string) {
	sym := w.m.Symbol
	if label != "" {
		sym += " (" + label + ")"
	}
	w.para(para{runs: []run{{text: sym}}})
	w.para(para{center: true, runs: []run{{text: w.m.Title, bold: true}}})
}

func (w *body) para(p para) {
	b := &w.b
	b.WriteString("<w:p><w:pPr>")
	if p.style != "" {
		b.WriteString(`<w:pStyle w:val="` + p.style + `"/>`)
	}
	if w.m.RTL() {
		b.WriteString(`<w:bidi/>`)
	}
	if p.center {
		b.WriteString(`<w:jc w:val="center"/>`)
	}
	if p.mark != nil {
		tag := "w:del"
		if p.markIns {
			tag = "w:ins"
		}
		b.WriteString("<w:rPr><" + tag + w.changeAttrs(p.mark) + "/></w:rPr>")
	}
	b.WriteString("</w:pPr>")
	for _, r := range p.runs {
		w.run(r)
	}
	b.WriteString("</w:p>")
}

func (w *body) run(r run) {
	if r.text == "" {
		return
	}
	b := &w.b
	switch {
	case r.ins != nil:
		b.WriteString("<w:ins" + w.changeAttrs(r.ins) + ">")
	case r.del != nil:
		b.WriteString("<w:del" + w.changeAttrs(r.del) + ">")
	}
	b.WriteString("<w:r>")
	if r.bold || r.italic || w.m.RTL() {
		b.WriteString("<w:rPr>")
		if r.bold {
			b.WriteString("<w:b/>")
		}
		if r.italic {
			b.WriteString("<w:i/>")
		}
		if w.m.RTL() {
			b.WriteString("<w:rtl/>")
		}
		b.WriteString("</w:rPr>")
	}
	tag := "w:t"
	if r.del != nil {
		tag = "w:delText" // deleted text must be delText, or readers show it as kept
	}
	b.WriteString("<" + tag + ` xml:space="preserve">` + xmlText(r.text) + "</" + tag + ">")
	b.WriteString("</w:r>")
	switch {
	case r.ins != nil:
		b.WriteString("</w:ins>")
	case r.del != nil:
		b.WriteString("</w:del>")
	}
}

// changeAttrs gives the id, author and date attributes of a tracked change;
// ids are unique in the document, as the format requires.
func (w *body) changeAttrs(c *change) string {
	w.nextID++
	return ` w:id="` + strconv.Itoa(w.nextID) + `" w:author="` + xmlAttr(c.author) + `" w:date="` + c.date.UTC().Format(time.RFC3339) + `"`
}

// styleOf gives the paragraph style of a provision.
func styleOf(p negotiation.Provision) string {
	if p.Kind == negotiation.KindHeading {
		return "Heading1"
	}
	return ""
}

// Clean writes the provisions of a version as a DOCX: the symbol and title,
// then one paragraph per provision with its label as typed; headings in
// the Heading 1 style.
func Clean(m export.Meta, provs []negotiation.Provision) ([]byte, error) {
	w := newBody(m)
	w.header(m.Label)
	for _, p := range provs {
		w.para(para{style: styleOf(p), runs: []run{{text: p.FullText()}}})
	}
	return pack(m, w.b.String(), false)
}
