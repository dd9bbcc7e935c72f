package docximport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// wNS is the WordprocessingML namespace.
const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// parser reads word/document.xml as a stream of tokens.
type parser struct {
	mode      Mode
	styles    map[string]style
	numbering *numbering
	out       []Paragraph
	report    Report
	drawings  int
	notes     int

	// The paragraph being read.
	text     strings.Builder
	styleID  string
	num      *numPr
	inPPr    bool
	markGone bool // its paragraph mark is removed by the chosen mode: it joins the next
	// carry is text of paragraphs whose mark was removed, waiting for the
	// paragraph they join.
	carry string

	// change is the tracked change being read, nil outside one; hidden
	// says whether its text is dropped in the chosen mode.
	change *Change
	hidden bool
}

func newParser(mode Mode, styles map[string]style, n *numbering) *parser {
	return &parser{mode: mode, styles: styles, numbering: n}
}

// skipped are elements whose content is never text of the negotiation:
// drawings and text boxes, field instructions (a HYPERLINK or INCLUDEPICTURE
// field's address is never followed), old properties of a tracked
// formatting change, section properties.
var skipped = map[string]bool{
	"drawing": true, "pict": true, "object": true, "instrText": true, "delInstrText": true,
	"pPrChange": true, "rPrChange": true, "sectPr": true, "tblPrChange": true, "trPrChange": true, "tcPrChange": true,
}

func (p *parser) parse(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return negotiation.Errorf(negotiation.EInvalid, "the Word file is damaged: its text (word/document.xml) is not well-formed XML (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.start(d, t); err != nil {
				return err
			}
		case xml.EndElement:
			p.end(t)
		case xml.CharData:
			// Text is only in w:t and w:delText, read by start.
		}
	}
	p.flushCarry()
	p.finishReport()
	return nil
}

func (p *parser) start(d *xml.Decoder, t xml.StartElement) error {
	if t.Name.Local == "AlternateContent" { // a drawing's alternatives; skip them all
		p.drawings++
		return d.Skip()
	}
	if t.Name.Space != wNS {
		return nil
	}
	name := t.Name.Local
	if skipped[name] {
		if name == "drawing" || name == "pict" || name == "object" {
			p.drawings++
		}
		return d.Skip()
	}
	switch name {
	case "p":
		p.text.Reset()
		p.styleID, p.num, p.markGone = "", nil, false
	case "pPr":
		p.inPPr = true
	case "pStyle":
		if p.inPPr {
			p.styleID = attr(t, "val")
		}
	case "numPr":
		if p.inPPr {
			p.num = &numPr{}
		}
	case "ilvl":
		if p.inPPr && p.num != nil {
			p.num.Ilvl = &val{attr(t, "val")}
		}
	case "numId":
		if p.inPPr && p.num != nil {
			p.num.NumID = &val{attr(t, "val")}
		}
	case "ins", "del", "moveTo", "moveFrom":
		p.tracked(t)
	case "t", "delText":
		var s string
		if err := d.DecodeElement(&s, &t); err != nil {
			return negotiation.Errorf(negotiation.EInvalid, "the Word file is damaged: %v", err)
		}
		p.addText(s)
	case "tab", "br", "cr":
		if !p.inPPr {
			p.addText(" ")
		}
	case "noBreakHyphen":
		p.addText("-")
	case "footnoteReference", "endnoteReference":
		p.notes++
	}
	return nil
}

// tracked starts a tracked change, or marks the paragraph mark as inserted
// or deleted when it sits in the paragraph properties.
func (p *parser) tracked(t xml.StartElement) {
	inserted := t.Name.Local == "ins" || t.Name.Local == "moveTo"
	c := &Change{Kind: "deletion", Author: attr(t, "author"), Date: attr(t, "date")}
	if inserted {
		c.Kind = "insertion"
	}
	gone := (p.mode == Accept) != inserted // accept drops deletions; reject drops insertions
	if p.inPPr {
		// <w:pPr><w:rPr><w:del/>: the paragraph mark itself was deleted
		// (or inserted): the paragraph joins the next one when that goes.
		p.count(c)
		p.markGone = gone
		return
	}
	p.count(c)
	p.change, p.hidden = c, gone
}

// count records a change in the report.
func (p *parser) count(c *Change) {
	if c.Kind == "insertion" {
		p.report.Insertions++
	} else {
		p.report.Deletions++
	}
	if c.Author != "" && !slices.Contains(p.report.Authors, c.Author) {
		p.report.Authors = append(p.report.Authors, c.Author)
	}
}

func (p *parser) addText(s string) {
	if p.change != nil {
		p.change.Text += s
		if p.hidden {
			return
		}
	}
	p.text.WriteString(s)
}

func (p *parser) end(t xml.EndElement) {
	if t.Name.Space != wNS {
		return
	}
	switch t.Name.Local {
	case "pPr":
		p.inPPr = false
	case "ins", "del", "moveTo", "moveFrom":
		if p.change != nil {
			if len(p.report.Changes) < MaxListed && strings.TrimSpace(p.change.Text) != "" {
				p.report.Changes = append(p.report.Changes, *p.change)
			}
			p.change, p.hidden = nil, false
		}
	case "p":
		p.endParagraph()
	}
}

// endParagraph adds the paragraph read, or keeps its text to join the next
// paragraph when its mark is gone.
func (p *parser) endParagraph() {
	text := p.carry + p.text.String()
	if p.markGone {
		p.carry = text
		return
	}
	p.carry = ""
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return // empty paragraphs space a Word document out; they are no provisions
	}
	para := Paragraph{Text: text, Heading: heading(p.styles, p.styleID)}
	num := p.num
	if num == nil {
		num = styleNum(p.styles, p.styleID)
	}
	if num != nil && num.NumID != nil {
		ilvl := 0
		if num.Ilvl != nil {
			ilvl, _ = strconv.Atoi(num.Ilvl.Val)
		}
		para.Label = p.numbering.next(num.NumID.Val, ilvl)
	}
	p.out = append(p.out, para)
}

// flushCarry keeps the text of a last paragraph whose mark was removed:
// there is no next paragraph to join.
func (p *parser) flushCarry() {
	if strings.TrimSpace(p.carry) != "" {
		p.markGone = false
		p.text.Reset()
		p.endParagraph()
	}
}

func (p *parser) finishReport() {
	if p.report.Insertions+p.report.Deletions == 0 {
		return
	}
	p.report.Handled = "accepted"
	if p.mode == Reject {
		p.report.Handled = "rejected"
	}
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
