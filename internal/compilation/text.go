package compilation

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Text renders a compilation as plain text with brackets and attributions,
// by the convention in the package comment: one line per entry (options
// on a whole provision stack on lines of their own), then the orphaned
// proposals and the provenance table. Nothing is escaped: the result is
// text, not HTML.
func Text(c Compilation) string {
	var b strings.Builder
	for _, e := range c.Provisions {
		writeEntry(&b, e)
	}
	if len(c.Orphans) > 0 {
		b.WriteString("\nOrphaned proposals\n")
		for _, o := range c.Orphans {
			writeOrphan(&b, o)
		}
	}
	if len(c.Provenance) > 0 {
		b.WriteString("\nProvenance\n")
		for _, s := range c.Provenance {
			number := s.Number
			if number == "" {
				number = "(" + s.Key + ")"
			}
			b.WriteString(number + " ← " + s.Party + ", proposal " + strconv.FormatInt(s.Proposal, 10) + " (" + string(s.Kind) + ")\n")
		}
	}
	return b.String()
}

// writeEntry writes one entry: "NUMBER text", or its stacked options.
func writeEntry(b *strings.Builder, e Entry) {
	prefix := ""
	switch {
	case e.Number != "":
		prefix = e.Number + " "
	case e.Moved != nil:
		prefix = "(" + e.Moved.Key + ") " // say which provision, even without number
	}
	b.WriteString(prefix)
	switch {
	case e.Moved != nil:
		b.WriteString("[moved here]{")
		b.WriteString(Option{Proposal: e.Moved.Proposal, Parties: e.Moved.Parties}.Attribution())
		b.WriteString(": move}\n")
	case len(e.Whole) > 0:
		indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
		b.WriteString("Option 1: [")
		writeSegments(b, e.Segments)
		b.WriteString("]\n")
		for i, o := range e.Whole {
			b.WriteString(indent + "Option " + strconv.Itoa(i+2) + ": ")
			writeOption(b, o)
			b.WriteString("\n")
		}
	default:
		writeSegments(b, e.Segments)
		b.WriteString("\n")
	}
}

// writeSegments writes plain runs as they are and brackets as
// "[base] [option]{attribution} …", leaving out an empty base.
func writeSegments(b *strings.Builder, segs []Segment) {
	for _, s := range segs {
		if len(s.Options) == 0 {
			b.WriteString(s.Text)
			continue
		}
		if s.Text != "" {
			b.WriteString("[" + s.Text + "]")
		}
		for i, o := range s.Options[1:] {
			if i > 0 || s.Text != "" {
				b.WriteString(" ")
			}
			writeOption(b, o)
		}
	}
}

// writeOption writes "[text]{attribution}".
func writeOption(b *strings.Builder, o Option) {
	b.WriteString("[" + o.Text + "]{")
	b.WriteString(o.Attribution() + o.Tag() + "}")
}

// Attribution is "#id PROPOSER, COSPONSOR…" and the observer credited, if
// any: what the compilation writes in braces after an option, in every
// format.
func (o Option) Attribution() string {
	s := "#" + strconv.FormatInt(o.Proposal, 10) + " " + strings.Join(o.Parties, ", ")
	if o.CreditedTo != "" {
		s += ", suggested by " + o.CreditedTo
	}
	return s
}

// Tag says what an empty option does, which the brackets alone cannot
// (": delete", ": no text", ": move after OP3"); "" for an option with text.
func (o Option) Tag() string {
	if o.Text != "" {
		return ""
	}
	switch o.Kind {
	case negotiation.Delete:
		return ": delete"
	case negotiation.Alternative:
		return ": no text"
	case negotiation.Move:
		if o.Target == "" {
			return ": move to the top"
		}
		after := o.TargetNumber
		if after == "" {
			after = "(" + o.Target + ")"
		}
		return ": move after " + after
	}
	return ""
}

// writeOrphan writes an orphaned proposal with what it was about and why
// it is not in the text.
func writeOrphan(b *strings.Builder, o Orphan) {
	b.WriteString("#" + strconv.FormatInt(o.Proposal, 10) + " " + strings.Join(o.Parties, ", ") + " " + string(o.Kind))
	if o.Key != "" {
		b.WriteString(" (" + o.Key + ")")
	}
	if o.Quote != "" {
		b.WriteString(" “" + o.Quote + "”")
	}
	if o.Text != "" {
		b.WriteString(" [" + o.Text + "]")
	}
	b.WriteString(", version " + strconv.Itoa(o.BaseVersion) + ": " + o.Reason + "\n")
}
