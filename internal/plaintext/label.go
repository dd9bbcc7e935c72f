package plaintext

import (
	"strconv"
	"strings"
)

// labelClass says what kind of paragraph marker a label is.
type labelClass int

// The marker classes SplitLabel recognises.
const (
	noLabel         labelClass = iota
	numericLabel               // "3.", "3)", "(3)", "3bis", "4.1.", "3 alt."
	opLabel                    // "OP3", "OP 5 bis", "OP1 alt 2"
	ppLabel                    // "PP2", "PP3bis"
	structuralLabel            // "Article 5", "Part II", "Annex A"
	subLabel                   // "(a)", "a)", "a.", "(iv)", "d bis", "(a bis)"
)

// labelInfo is what a marker means, independent of how it was typed.
type labelInfo struct {
	class labelClass
	// parent is set on compound markers naming the paragraph a
	// sub-paragraph belongs to: "OP1" for "OP1.c." or "OP1b. bis.".
	parent string
	// base is the designator: "3", "4.1", "a", "iv", "A"; for structural
	// markers the whole marker in normal spacing ("Article 5").
	base string
	// latin is the index of the latin suffix (1 bis, 2 ter, …), 0 if none.
	latin int
	// variant is a number glued to the latin suffix ("bis1", "bis2": the
	// first and second proposed "bis" paragraph).
	variant string
	// alt is "alt" or "alt2" when the marker names an alternative.
	alt string
}

// suffix is the normal form of the marker's suffixes: the latin word in
// lower case followed by "alt" and its number, without spaces ("bis",
// "alt2", "bisalt").
func (l labelInfo) suffix() string {
	return latinName(l.latin) + l.variant + l.alt
}

// latinSuffixes are the ordinals used to number paragraphs inserted after
// an existing one (3bis, 3ter, …). Index i+1 is the i-th entry.
var latinSuffixes = []string{
	"bis", "ter", "quater", "quinquies", "sexies", "septies", "octies",
	"novies", "decies", "undecies", "duodecies", "terdecies",
	"quaterdecies", "quindecies", "sexdecies", "septdecies", "octodecies",
	"novodecies", "vicies",
}

// latinName gives the suffix for index i (1 → "bis"); "" for 0. Past the
// last latin word it falls back to "-i" so numbers stay unique.
func latinName(i int) string {
	switch {
	case i <= 0:
		return ""
	case i <= len(latinSuffixes):
		return latinSuffixes[i-1]
	}
	return "-" + strconv.Itoa(i)
}

// structuralWords start a heading when followed by a designator; each is
// recognised capitalised ("Article") or in capitals ("ARTICLE").
var structuralWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"Part", "Article", "Chapter", "Section", "Annex", "Appendix",
		"Preamble", "Title", "Schedule", "Rule",
	} {
		m[w], m[strings.ToUpper(w)] = true, true
	}
	return m
}()

// SplitLabel separates a leading paragraph marker ("3.", "(a)", "a)", "a.",
// "(iv)", "OP3bis", "OP 5 bis", "PP2", "OP1 alt", "3bis", "Article 5", …)
// from the body. Leading '[' (or fullwidth '［') characters before the
// marker stay in the body, so brackets are kept verbatim: "[4. Any new
// chemicals…]" gives label "4." and text "[Any new chemicals…]". Whitespace
// is normalised first. A marker must be followed by a space or end the
// paragraph, so "e.g. …" or a glued footnote number are no markers, and a
// bare number needs a terminator ("3." but not "5 The elements…", which is
// how footnotes look in extracted PDFs). Without a marker, label is "".
func SplitLabel(paragraph string) (label, text string) {
	label, text, _ = splitLabel(normalise(paragraph))
	return label, text
}

// splitLabel is SplitLabel on an already normalised paragraph, also giving
// the meaning of the marker.
func splitLabel(p string) (label, text string, info labelInfo) {
	i := leadingBrackets(p)
	n, info := parseMarker(p[i:])
	if n == 0 {
		return "", p, labelInfo{}
	}
	rest := strings.TrimPrefix(p[i+n:], " ")
	return p[i : i+n], p[:i] + rest, info
}

// leadingBrackets is the byte length of the run of opening square brackets
// at the start of p.
func leadingBrackets(p string) int {
	i := 0
	for {
		switch {
		case strings.HasPrefix(p[i:], "["):
			i++
		case strings.HasPrefix(p[i:], "［"):
			i += len("［")
		default:
			return i
		}
	}
}

// parseLabel gives the meaning of a stored label; labels that are no
// recognised marker (typed by hand, say "Para. 3") give noLabel.
func parseLabel(label string) labelInfo {
	label = normalise(label)
	n, info := parseMarker(label)
	if n != len(label) {
		return labelInfo{}
	}
	return info
}

// parseMarker recognises a marker at the start of s and returns its byte
// length (0 if there is none) and meaning. The order matters: "OP3" before
// the structural words, those before numbers, numbers before letters.
func parseMarker(s string) (int, labelInfo) {
	if s == "" || !isASCIILetter(s[0]) && !isDigit(s[0]) && s[0] != '(' {
		return 0, labelInfo{} // fast path: most paragraphs start otherwise
	}
	for k := range 4 {
		// A switch, not a slice of functions: calls through function
		// values would move every cursor to the heap.
		c := cursor{s: s}
		var info labelInfo
		var ok bool
		switch k {
		case 0:
			info, ok = scanPrefixed(&c)
		case 1:
			info, ok = scanStructural(&c)
		case 2:
			info, ok = scanNumeric(&c)
		default:
			info, ok = scanSub(&c)
		}
		if ok && c.atBoundary() {
			return c.i, info
		}
	}
	return 0, labelInfo{}
}

// scanPrefixed reads "OP3", "OP 5 bis", "PP2.", "OP1 alt 2:", "OP1 bis1.",
// compound markers of a sub-paragraph ("OP1.c.", "OP1b. bis.", "OP 1.c.
// Alt 1.") and tolerates a footnote number glued after the terminator
// ("OP3 bis.16", "OP0:14"), as PDF extraction leaves them.
func scanPrefixed(c *cursor) (labelInfo, bool) {
	info := labelInfo{class: opLabel}
	switch {
	case c.lit("OP"):
	case c.lit("PP"):
		info.class = ppLabel
	default:
		return info, false
	}
	prefix := c.s[c.i-2 : c.i]
	c.optSpace()
	if info.base = c.number(); info.base == "" {
		return info, false
	}
	if sub, latin, ok := c.compoundSub(); ok {
		info = labelInfo{class: subLabel, parent: prefix + info.base, base: sub, latin: latin}
	}
	if info.latin == 0 {
		info.latin, info.variant, info.alt = c.suffixes()
	} else {
		_, _, info.alt = c.suffixes()
	}
	if c.oneOf(".:)") && !c.atBoundary() {
		save := c.i
		if c.digits() == "" || !c.atBoundary() {
			c.i = save
		}
	}
	return info, true
}

// compoundSub reads the sub-paragraph part of "OP1.c." or "OP1b": an
// optional dot, a lower-case designator glued to it, and an optional dot.
func (c *cursor) compoundSub() (base string, latin int, ok bool) {
	save := c.i
	c.eat('.')
	run := c.letters()
	base, latin, ok = splitSubRun(run)
	if !ok || strings.ToLower(run) != run || run == "alt" {
		c.i = save
		return "", 0, false
	}
	c.eat('.')
	return base, latin, true
}

// scanStructural reads "Article 5", "Part IV.1", "Annex A", "Article 5 bis:".
func scanStructural(c *cursor) (labelInfo, bool) {
	w := c.letters()
	if !isStructuralWord(w) || !c.eat(' ') {
		return labelInfo{}, false
	}
	start := c.i
	if c.number() == "" && !c.romanUpper() && !c.upperLetter() {
		return labelInfo{}, false
	}
	for c.peek() == '.' && isDigit(c.peekAt(1)) {
		c.i++
		c.number()
	}
	designator := c.s[start:c.i]
	latin, _, _ := c.suffixes()
	c.oneOf(".:")
	base := w + " " + designator
	if latin > 0 {
		base += latinName(latin)
	}
	return labelInfo{class: structuralLabel, base: base}, true
}

// isStructuralWord reports whether w is a structural word written with a
// capital ("Article") or in capitals ("ARTICLE").
func isStructuralWord(w string) bool {
	return structuralWords[w]
}

// scanNumeric reads "3.", "3)", "12.", "4.1.", "3bis", "3 bis.", "(3)",
// "3 alt 2.". A bare number needs a suffix or a terminator.
func scanNumeric(c *cursor) (labelInfo, bool) {
	paren := c.eat('(')
	info := labelInfo{class: numericLabel, base: c.number()}
	if info.base == "" {
		return info, false
	}
	info.latin, info.variant, info.alt = c.suffixes()
	if paren {
		return info, c.eat(')')
	}
	if c.oneOf(".)") {
		return info, true
	}
	return info, info.latin > 0 || info.alt != ""
}

// scanSub reads sub-paragraph markers: "(a)", "a)", "a.", "(iv)", "iv.",
// "aa.", "(A)", "II.", "(a bis)", "(abis)", "d bis", "d bis.".
func scanSub(c *cursor) (labelInfo, bool) {
	paren := c.eat('(')
	base, latin, ok := splitSubRun(c.letters())
	if !ok {
		return labelInfo{}, false
	}
	if latin == 0 {
		latin, _, _ = c.suffixes()
	}
	info := labelInfo{class: subLabel, base: base, latin: latin}
	if paren {
		return info, c.eat(')')
	}
	if c.oneOf(".)") {
		return info, true
	}
	return info, latin > 0
}

// splitSubRun splits a run of letters such as "abis" into a sub-paragraph
// designator and a latin suffix index.
func splitSubRun(run string) (base string, latin int, ok bool) {
	if isSubBase(run) {
		return run, 0, true
	}
	for i, l := range latinSuffixes {
		if len(run) > len(l) && strings.EqualFold(run[len(run)-len(l):], l) &&
			isSubBase(run[:len(run)-len(l)]) {
			return run[:len(run)-len(l)], i + 1, true
		}
	}
	return "", 0, false
}

// isSubBase reports whether s can designate a sub-paragraph: one letter,
// a doubled letter ("aa", as lists continue after "z") or a roman numeral.
func isSubBase(s string) bool {
	switch {
	case len(s) == 1:
		return true
	case len(s) == 2 && s[0] == s[1]:
		return true
	}
	_, ok := romanValues[s]
	return ok
}
