package plaintext

import (
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Number recomputes the display numbers of a whole version in place. Call
// it after Parse and after any edit that inserts, deletes or moves a
// provision. Kind must be set; Label is respected. The normal forms:
//
//   - operative: "OP" + number + latin suffix + "alt" and its number, in
//     lower case without spaces: "3." → "OP3", "OP 5 bis" → "OP5bis",
//     "OP1 alt" → "OP1alt", "OP2 Alt 1." → "OP2alt1", "4.1." → "OP4.1".
//     When any operative paragraph of the version has a numeric label, an
//     unlabelled one right after OPn is "OPnbis", the next "OPnter", and so
//     on (before the first numbered one, n is 0); when none has, operative
//     paragraphs are counted OP1, OP2, ….
//   - preambular: the same with "PP" ("PP3bis"); usually counted PP1, PP2.
//   - subparagraph: the parent paragraph's number and the designator in
//     parentheses: "OP2(a)", "OP2(abis)", and a roman one below a letter
//     "OP2(a)(iv)". The parent is the last operative or preambular
//     paragraph since the last heading, or the one a compound marker names
//     ("OP1.c. bis" → "OP1(cbis)"); without one it is just "(a)".
//     "(i)" right after "(h)" is the letter i, otherwise a roman numeral.
//   - heading: its marker without final punctuation ("Article 5",
//     "Part II", "2" for "2. Objective"), "" when it has none.
//   - text: "".
//
// Numbers restart wherever labels restart (each article of a treaty has
// its "1."), so duplicates are allowed: keys, not numbers, identify
// provisions.
func Number(ps []negotiation.Provision) {
	n := numberer{
		op: series{prefix: "OP", explicit: hasNumbered(ps, negotiation.KindOperative)},
		pp: series{prefix: "PP", explicit: hasNumbered(ps, negotiation.KindPreambular)},
	}
	for i := range ps {
		ps[i].Number = n.next(ps[i].Kind, parseLabel(ps[i].Label), ps[i].Label)
	}
}

// hasNumbered reports whether some provision of kind k has a numeric label.
func hasNumbered(ps []negotiation.Provision, k negotiation.ProvisionKind) bool {
	for _, p := range ps {
		if p.Kind == k && p.Label != "" && isNumbered(parseLabel(p.Label)) {
			return true
		}
	}
	return false
}

// isNumbered reports whether a label carries a paragraph number.
func isNumbered(info labelInfo) bool {
	switch info.class {
	case numericLabel, opLabel, ppLabel:
		return true
	}
	return false
}

// numberer is the state of Number while it walks a version.
type numberer struct {
	op, pp series
	parent string // number of the paragraph sub-paragraphs belong to
	subs   subState
}

// next gives the number of the next provision.
func (n *numberer) next(k negotiation.ProvisionKind, info labelInfo, label string) string {
	switch k {
	case negotiation.KindOperative:
		return n.paragraph(&n.op, info)
	case negotiation.KindPreambular:
		return n.paragraph(&n.pp, info)
	case negotiation.KindSubparagraph:
		return n.subs.next(n.parent, info)
	case negotiation.KindHeading:
		n.parent, n.subs = "", subState{}
		return headingNumber(info, label)
	}
	return ""
}

// paragraph numbers a preambular or operative paragraph, which becomes the
// parent of the sub-paragraphs after it.
func (n *numberer) paragraph(s *series, info labelInfo) string {
	n.parent = s.next(info)
	n.subs = subState{}
	return n.parent
}

// headingNumber is the marker of a heading without final punctuation.
func headingNumber(info labelInfo, label string) string {
	switch info.class {
	case structuralLabel:
		return info.base
	case noLabel:
		return strings.TrimRight(label, ".:)")
	}
	return info.base + info.suffix()
}

// series numbers the paragraphs of one kind ("OP" or "PP").
type series struct {
	prefix   string
	explicit bool   // some paragraph of this kind has a numeric label
	base     string // number of the last labelled paragraph
	latin    int    // latin suffix index of the last paragraph
	count    int    // paragraphs counted when none is labelled
}

// next gives the number of the next paragraph with the given label.
func (s *series) next(info labelInfo) string {
	if isNumbered(info) {
		s.base, s.latin = info.base, info.latin
		return s.prefix + info.base + info.suffix()
	}
	if !s.explicit {
		s.count++
		return s.prefix + strconv.Itoa(s.count)
	}
	if s.base == "" {
		s.base = "0"
	}
	s.latin++
	return s.prefix + s.base + latinName(s.latin)
}

// subState numbers the sub-paragraphs of one parent paragraph.
type subState struct {
	letter       string // last letter-level designator ("b")
	letterNumber string // its display number ("OP2(b)")
	latin        int    // latin suffix index of the last designator
	roman        string // last roman designator below the letter ("iv")
	labelled     bool   // some sub-paragraph of this parent had a label
}

// next gives the number of the next sub-paragraph below parent.
func (s *subState) next(parent string, info labelInfo) string {
	if info.class != subLabel {
		return s.unlabelled(parent)
	}
	s.labelled = true
	if info.parent != "" {
		parent = info.parent // a compound marker names its parent: "OP1.c."
	}
	x := info.base + info.suffix()
	if info.parent == "" && s.isRomanLevel(info.base) {
		s.roman = info.base
		prefix := parent
		if s.letter != "" {
			prefix = s.letterNumber
		}
		return prefix + "(" + x + ")"
	}
	s.letter, s.latin, s.roman = info.base, info.latin, ""
	s.letterNumber = parent + "(" + x + ")"
	return s.letterNumber
}

// isRomanLevel decides whether designator d is a roman numeral below a
// letter or a letter itself: "i", "v", "x", "ii", "c" … can be both. A
// roman list continues its own sequence, a letter list its own; otherwise
// only what starts or plausibly sits in a roman list ("i", "v", "x" and
// numerals of two or more characters) is roman.
func (s *subState) isRomanLevel(d string) bool {
	switch {
	case !isRoman(d):
		return false
	case s.roman != "" && d == nextRoman(s.roman):
		return true
	case d == nextLetter(s.letter):
		return false
	}
	return len(d) > 1 || strings.ContainsAny(d, "ivxIVX")
}

// unlabelled numbers a sub-paragraph without designator: after labelled
// ones it is "bis" to the last, otherwise letters are counted.
func (s *subState) unlabelled(parent string) string {
	if s.labelled {
		s.latin++
	} else {
		s.letter = nextLetter(s.letter)
	}
	s.roman = ""
	s.letterNumber = parent + "(" + s.letter + latinName(s.latin) + ")"
	return s.letterNumber
}
