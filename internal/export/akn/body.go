package akn

import "github.com/zerodraft/zerodraft/internal/negotiation"

// item is one provision-shaped element: a provision of the version, or in
// a compilation a proposed new provision or a move's target, with the
// alternatives proposals offer to it.
type item struct {
	key   string // the provision's key; "" for what is only proposed
	eID   string // set for proposed elements, derived from key otherwise
	kind  negotiation.ProvisionKind
	num   string // the label as typed ("1.", "(a)"), or a provisional number
	inner string // the text as inline markup (already escaped)
	// refersTo and alternativeTo link a proposed element to its proposers
	// and to the element it is an alternative of.
	refersTo, alternativeTo string
	class                   string // for a proposal: its kind (replace, insert, …)
	alts                    []item
}

// element gives the element name and eId prefix for a provision kind in
// the preamble or the main body.
func element(kind negotiation.ProvisionKind, inPreamble bool) (name, prefix string) {
	switch {
	case inPreamble && kind == negotiation.KindHeading:
		return "formula", "formula"
	case inPreamble && kind == negotiation.KindPreambular:
		return "container", "pp"
	case inPreamble:
		return "container", "text"
	case kind == negotiation.KindOperative:
		return "paragraph", "para"
	case kind == negotiation.KindSubparagraph:
		return "subparagraph", "subpara"
	case kind == negotiation.KindHeading:
		return "hcontainer", "heading"
	}
	return "container", "text"
}

func (it item) id(prefix string) string {
	if it.eID != "" {
		return it.eID
	}
	return prefix + "_" + idPart(it.key)
}

// body writes the preamble and the main body. The main body is never
// empty in AKN; a text without operative part gets an empty paragraph there.
func (d *doc) body(pre, main []item) {
	w := &d.w
	if len(pre) > 0 {
		w.open("preamble")
		for _, it := range pre {
			d.preambleItem(it)
		}
		w.close("preamble")
	}
	w.open("mainBody")
	if len(main) == 0 {
		w.line("p", "")
	}
	for i := 0; i < len(main); i++ {
		it := main[i]
		if it.kind != negotiation.KindOperative {
			d.mainItem(it, nil)
			continue
		}
		// An operative paragraph holds the sub-paragraphs that follow it.
		j := i + 1
		for j < len(main) && main[j].kind == negotiation.KindSubparagraph {
			j++
		}
		d.mainItem(it, main[i+1:j])
		i = j - 1
	}
	w.close("mainBody")
}

func (d *doc) preambleItem(it item) {
	name, prefix := element(it.kind, true)
	attrs := []string{"eId", it.id(prefix), "alternativeTo", it.alternativeTo, "refersTo", it.refersTo, "class", it.class}
	if name == "formula" {
		attrs = append(attrs, "name", "enactingFormula")
	} else {
		attrs = append(attrs, "name", map[string]string{"pp": "preambularParagraph", "text": "text"}[prefix])
	}
	w := &d.w
	w.open(name, attrs...)
	p := it.inner
	if it.num != "" {
		p = inline("span", it.num, "class", "num") + " " + p
	}
	w.line("p", p)
	w.close(name)
	for _, alt := range it.alts {
		d.preambleItem(alt)
	}
}

// mainItem writes a main-body element with its children (the
// sub-paragraphs of an operative paragraph), then its alternatives.
func (d *doc) mainItem(it item, children []item) {
	name, prefix := element(it.kind, false)
	w := &d.w
	attrs := []string{"eId", it.id(prefix), "alternativeTo", it.alternativeTo, "refersTo", it.refersTo, "class", it.class}
	switch name {
	case "container":
		w.open(name, append(attrs, "name", "text")...)
		w.line("p", it.inner)
		w.close(name)
	case "hcontainer":
		w.open(name, append(attrs, "name", "heading")...)
		w.line("heading", it.inner)
		w.open("content")
		w.line("p", "")
		w.close("content")
		w.close(name)
	default:
		w.open(name, attrs...)
		if it.num != "" {
			w.line("num", esc(it.num))
		}
		if len(children) == 0 {
			w.open("content")
			w.line("p", it.inner)
			w.close("content")
		} else {
			w.open("intro")
			w.line("p", it.inner)
			w.close("intro")
			for _, c := range children {
				d.mainItem(c, nil)
			}
		}
		w.close(name)
	}
	for _, alt := range it.alts {
		d.mainItem(alt, nil)
	}
}
