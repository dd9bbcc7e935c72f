// Package akn writes Akoma Ntoso 3.0 (OASIS LegalDocML) XML following the
// United Nations' AKN4UN conventions: a resolution is a <statement
// name="resolution"> whose <meta> carries the FRBR work, expression and
// manifestation identifiers, with the heading and preambular paragraphs in
// the <preamble> and the operative paragraphs in the <mainBody>.
//
// Every element that stands for a provision has an eId derived from the
// provision's stable key ("para_p7"), not from its position or number, so
// references to a paragraph survive renumbering across versions.
//
// A compilation (Compilation) adds, after each provision, one alternative
// per proposal: the provision with that proposal applied, marked up with
// <ins> and <del>, linked to the provision by @alternativeTo and to the
// proposing parties by @refersTo; proposed new provisions are paragraphs
// whose whole text is an <ins>.
package akn

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Namespace is the Akoma Ntoso 3.0 namespace.
const Namespace = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

// Version writes version provs of the document m describes.
func Version(m export.Meta, provs []negotiation.Provision) []byte {
	d := newDoc(m, "")
	d.begin(nil)
	items := make([]item, len(provs))
	for i, p := range provs {
		items[i] = item{key: p.Key, kind: p.Kind, num: p.Label, inner: esc(p.Text)}
	}
	split := operativeStart(provs)
	d.body(items[:split], items[split:])
	return d.end()
}

// operativeStart is the index of the first provision of the main body: the
// first that is neither a preambular paragraph nor a heading standing
// before one ("The General Assembly,").
func operativeStart(provs []negotiation.Provision) int {
	last := -1
	for i, p := range provs {
		if p.Kind == negotiation.KindPreambular {
			last = i
		}
	}
	if last >= 0 {
		return last + 1
	}
	// No preambular paragraph: a leading heading is still the preamble's formula.
	if len(provs) > 0 && provs[0].Kind == negotiation.KindHeading && len(provs) > 1 && provs[1].Kind == negotiation.KindOperative {
		return 1
	}
	return 0
}

// doc is one AKN document being written.
type doc struct {
	w       writer
	m       export.Meta
	work    string // the FRBR work URI
	expr    string // the FRBR expression URI
	parties []string
}

// newDoc prepares the FRBR identifiers. variant distinguishes expressions
// of the same version ("compilation").
func newDoc(m export.Meta, variant string) *doc {
	created := m.Created
	if created.IsZero() {
		created = m.Date
	}
	work := "/akn/un/statement/resolution/" + day(created) + "/" + idPart(export.FileStem(m.Symbol))
	expr := work + "/" + lang3(m.Language) + "@" + day(m.Date) + "_v" + itoa(m.Version)
	if variant != "" {
		expr += "_" + variant
	}
	return &doc{m: m, work: work, expr: expr}
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// lang3 gives the ISO 639-2 code FRBRlanguage and AKN URIs use ("eng",
// "ara", "zho").
func lang3(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return "und"
	}
	base, _ := t.Base()
	if iso := base.ISO3(); iso != "" {
		return iso
	}
	return "und"
}

// begin writes the root, the meta block and the preface; parties are the
// codes of the parties that proposals refer to.
func (d *doc) begin(parties []string) {
	d.parties = parties
	w := &d.w
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("akomaNtoso", "xmlns", Namespace)
	w.open("statement", "name", "resolution")
	w.open("meta")
	w.open("identification", "source", "#zerodraft")
	d.frbr("FRBRWork", d.work, day(d.m.Created), "creation", func() {
		w.empty("FRBRcountry", "value", "un")
		w.empty("FRBRnumber", "value", d.m.Symbol)
		w.empty("FRBRname", "value", d.m.Title)
	})
	d.frbr("FRBRExpression", d.expr, day(d.m.Date), "version", func() {
		w.empty("FRBRversionNumber", "value", itoa(d.m.Version))
		w.empty("FRBRlanguage", "language", lang3(d.m.Language))
	})
	d.frbr("FRBRManifestation", d.expr+".akn", day(d.m.Date), "generation", nil)
	w.close("identification")
	w.open("references", "source", "#zerodraft")
	w.empty("TLCOrganization", "eId", "secretariat", "href", "/akn/ontology/organization/un/secretariat", "showAs", "Secretariat")
	w.empty("TLCOrganization", "eId", "zerodraft", "href", "/akn/ontology/organization/un/zerodraft", "showAs", "zerodraft")
	for _, p := range parties {
		w.empty("TLCOrganization", "eId", partyID(p), "href", "/akn/ontology/organization/un/"+idPart(p), "showAs", p)
	}
	w.close("references")
	w.close("meta")
	w.open("preface")
	w.line("p", inline("docNumber", d.m.Symbol), "class", "symbol")
	w.line("p", inline("docTitle", d.m.Title), "class", "title")
	if d.m.Label != "" {
		w.line("p", inline("docStage", d.m.Label), "class", "stage")
	}
	w.close("preface")
}

// frbr writes one FRBR level: this, uri, date and author, then its own
// properties.
func (d *doc) frbr(level, uri, date, dateName string, props func()) {
	w := &d.w
	w.open(level)
	this := uri + "/!main"
	if level == "FRBRManifestation" {
		this = strings.TrimSuffix(uri, ".akn") + "/!main.xml"
	}
	w.empty("FRBRthis", "value", this)
	w.empty("FRBRuri", "value", uri)
	w.empty("FRBRdate", "date", date, "name", dateName)
	author := "#secretariat"
	if level == "FRBRManifestation" {
		author = "#zerodraft"
	}
	w.empty("FRBRauthor", "href", author)
	if props != nil {
		props()
	}
	w.close(level)
}

func (d *doc) end() []byte {
	d.w.close("statement")
	d.w.close("akomaNtoso")
	return []byte(d.w.b.String())
}

// partyID is the eId of a party's TLCOrganization.
func partyID(code string) string { return "party_" + idPart(code) }

func itoa(n int) string { return strconv.Itoa(n) }
