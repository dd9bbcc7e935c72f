package docx

import (
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Compilation writes a compilation text as a DOCX, line for line as
// compilation.Text lays it out (brackets, attributions in braces, stacked
// options, orphaned proposals, provenance): each line is a paragraph, the
// proposals' formulations are bold and the attributions italic, so that the
// document reads like the compilation page and its plain text matches the
// text export.
func Compilation(m export.Meta, c compilation.Compilation) ([]byte, error) {
	w := newBody(m)
	w.header(m.Label)
	for _, e := range c.Provisions {
		for _, p := range entryParas(e) {
			w.para(p)
		}
	}
	if len(c.Orphans) > 0 {
		w.para(para{runs: []run{{text: "Orphaned proposals", bold: true}}})
		for _, o := range c.Orphans {
			w.para(para{runs: orphanRuns(o)})
		}
	}
	if len(c.Provenance) > 0 {
		w.para(para{runs: []run{{text: "Provenance", bold: true}}})
		for _, s := range c.Provenance {
			number := s.Number
			if number == "" {
				number = "(" + s.Key + ")"
			}
			w.para(para{runs: []run{{text: number + " ← " + s.Party + ", proposal " + strconv.FormatInt(s.Proposal, 10) + " (" + string(s.Kind) + ")"}}})
		}
	}
	return pack(m, w.b.String(), false)
}

// entryParas gives the paragraphs of one entry: one, or one per option
// when proposals apply to the provision as a whole.
func entryParas(e compilation.Entry) []para {
	prefix := ""
	switch {
	case e.Number != "":
		prefix = e.Number + " "
	case e.Moved != nil:
		prefix = "(" + e.Moved.Key + ") "
	}
	style := ""
	if e.Kind == negotiation.KindHeading {
		style = "Heading1"
	}
	first := []run{{text: prefix}}
	switch {
	case e.Moved != nil:
		first = append(first, run{text: "[moved here]"}, run{text: "{" + compilation.Option{Proposal: e.Moved.Proposal, Parties: e.Moved.Parties}.Attribution() + ": move}", italic: true})
		return []para{{style: style, runs: first}}
	case len(e.Whole) > 0:
		first = append(first, run{text: "Option 1: ["})
		first = append(first, segmentRuns(e.Segments)...)
		first = append(first, run{text: "]"})
		out := []para{{style: style, runs: first}}
		for i, o := range e.Whole {
			out = append(out, para{runs: append([]run{{text: "Option " + strconv.Itoa(i+2) + ": "}}, optionRuns(o)...)})
		}
		return out
	default:
		return []para{{style: style, runs: append(first, segmentRuns(e.Segments)...)}}
	}
}

// segmentRuns writes plain runs as they are and brackets as
// "[base] [option]{attribution} …", leaving out an empty base.
func segmentRuns(segs []compilation.Segment) []run {
	var out []run
	for _, s := range segs {
		if len(s.Options) == 0 {
			out = append(out, run{text: s.Text})
			continue
		}
		if s.Text != "" {
			out = append(out, run{text: "[" + s.Text + "]"})
		}
		for i, o := range s.Options[1:] {
			if i > 0 || s.Text != "" {
				out = append(out, run{text: " "})
			}
			out = append(out, optionRuns(o)...)
		}
	}
	return out
}

// optionRuns writes "[text]{attribution}", the text in bold.
func optionRuns(o compilation.Option) []run {
	return []run{{text: "["}, {text: o.Text, bold: true}, {text: "]"}, attribution(o)}
}

// attribution writes "{#id PROPOSER, COSPONSOR…, suggested by X: tag}" in
// italics, as the compilation text does.
func attribution(o compilation.Option) run {
	return run{text: "{" + o.Attribution() + o.Tag() + "}", italic: true}
}

func orphanRuns(o compilation.Orphan) []run {
	s := "#" + strconv.FormatInt(o.Proposal, 10) + " " + strings.Join(o.Parties, ", ") + " " + string(o.Kind)
	if o.Key != "" {
		s += " (" + o.Key + ")"
	}
	if o.Quote != "" {
		s += " “" + o.Quote + "”"
	}
	if o.Text != "" {
		s += " [" + o.Text + "]"
	}
	return []run{{text: s + ", version " + strconv.Itoa(o.BaseVersion) + ": " + o.Reason}}
}
