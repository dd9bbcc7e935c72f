// Package plaintext imports a negotiation text typed or pasted as plain
// text (a draft resolution, a treaty compilation) into provisions: it cuts
// paragraphs, separates their markers ("3.", "(a)", "OP5 bis"), guesses
// their kind by UN drafting conventions, computes display numbers and
// reports unbalanced brackets.
//
// Real texts are messy (PDF extractions with glued footnote digits, brackets
// spanning paragraphs, stray whitespace), so nothing here fails: every
// input gives a result, and no character other than whitespace is lost or
// changed, so the text can always be given back as it came.
package plaintext

import "github.com/zerodraft/zerodraft/internal/negotiation"

// Parse splits text into provisions and reports bracket warnings. A
// paragraph is a non-empty line, or, when the text is hard-wrapped with
// blank lines between paragraphs, a blank-line-separated block whose lines
// are joined by a space. Whitespace inside a paragraph becomes single
// spaces (CRLF, tabs, non-breaking spaces, a leading BOM are handled);
// everything else is kept verbatim. Label and Kind are set by Classify,
// Number by Number, warnings by Brackets; keys are left empty. Parse never
// fails; the slices are never nil, and empty input gives no provisions.
func Parse(text string) ([]negotiation.Provision, []negotiation.Warning) {
	paras := paragraphs(text)
	ps := make([]negotiation.Provision, len(paras))
	for i, p := range paras {
		ps[i].Text = p
	}
	Classify(ps)
	Number(ps)
	ws := Brackets(ps)
	if ws == nil {
		ws = []negotiation.Warning{}
	}
	return ps, ws
}
