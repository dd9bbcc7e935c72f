package compilation

import (
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// latinSuffixes number the paragraphs inserted after an existing one
// (3bis, 3ter, …), as plaintext.Number does; index i+1 is the i-th entry.
var latinSuffixes = []string{
	"bis", "ter", "quater", "quinquies", "sexies", "septies", "octies",
	"novies", "decies", "undecies", "duodecies", "terdecies",
	"quaterdecies", "quindecies", "sexdecies", "septdecies", "octodecies",
	"novodecies", "vicies",
}

// latinName gives the suffix for index i ≥ 1; past the last latin word it
// falls back to "-i", as plaintext does, so numbers stay unique.
func latinName(i int) string {
	if i <= len(latinSuffixes) {
		return latinSuffixes[i-1]
	}
	return "-" + strconv.Itoa(i)
}

// trimLatin splits a number into its stem and the index of its latin
// suffix: "OP3ter" → "OP3", 2; "OP3" → "OP3", 0. The longest suffix wins,
// since "quater" ends in "ter" and "terdecies" in "decies".
func trimLatin(number string) (string, int) {
	best, index := 0, 0
	for i, s := range latinSuffixes {
		if len(s) > best && len(s) < len(number) && strings.HasSuffix(number, s) {
			best, index = len(s), i+1
		}
	}
	if index > 0 {
		return number[:len(number)-best], index
	}
	if dash := strings.LastIndexByte(number, '-'); dash > 0 {
		if n, err := strconv.Atoi(number[dash+1:]); err == nil && n > len(latinSuffixes) {
			return number[:dash], n
		}
	}
	return number, 0
}

// provisional gives a provision proposed for insertion the number after
// stem with the next latin suffix not yet taken, and takes it: "OP3" →
// "OP3bis" (or "OP3ter" when OP3bis exists), "OP3bis" → "OP3ter", a
// sub-paragraph "OP2(a)" → "OP2(abis)". Skipping taken numbers keeps the
// provisional numbers of a compilation unique even where two delegations
// propose new paragraphs after the same one. An empty stem (a heading or
// free text without number) gives "".
func provisional(stem string, taken map[string]bool) string {
	if stem == "" {
		return ""
	}
	head, tail := stem, ""
	if strings.HasSuffix(stem, ")") {
		head, tail = stem[:len(stem)-1], ")"
	}
	head, n := trimLatin(head)
	for {
		n++
		number := head + latinName(n) + tail
		if !taken[number] {
			taken[number] = true
			return number
		}
	}
}

// stem gives the number a provision of kind k inserted after provision a
// counts from: the nearest numbered provision of the same kind at or before
// a (a sub-paragraph does not look past its parent paragraph, giving
// "OP2(0)" right after OP2). Without one, paragraphs count from "PP0" or
// "OP0", as plaintext.Number numbers an unlabelled paragraph before the
// first numbered one, and other kinds get no number.
func stem(provs []negotiation.Provision, a int, k negotiation.ProvisionKind) string {
	for i := a; i >= 0; i-- {
		p := provs[i]
		if p.Kind == k && p.Number != "" {
			return p.Number
		}
		if k != negotiation.KindSubparagraph {
			continue
		}
		switch p.Kind {
		case negotiation.KindOperative, negotiation.KindPreambular:
			if p.Number == "" {
				return ""
			}
			return p.Number + "(0)"
		case negotiation.KindHeading:
			return ""
		}
	}
	switch k {
	case negotiation.KindPreambular:
		return "PP0"
	case negotiation.KindOperative:
		return "OP0"
	}
	return ""
}

// insertedKind guesses the kind of a proposed provision from its text as
// plaintext.Classify reads a lone paragraph ("Also decides …" is
// operative, "Recalling …" preambular, "(c) …" a sub-paragraph); text it
// cannot place takes the kind of the provision it follows, or operative at
// the top.
func insertedKind(text string, after negotiation.ProvisionKind) negotiation.ProvisionKind {
	ps := []negotiation.Provision{{Text: text}}
	plaintext.Classify(ps)
	switch k := ps[0].Kind; k {
	case negotiation.KindOperative, negotiation.KindPreambular, negotiation.KindSubparagraph, negotiation.KindHeading:
		return k
	}
	switch after {
	case negotiation.KindOperative, negotiation.KindPreambular, negotiation.KindSubparagraph:
		return after
	}
	return negotiation.KindOperative
}
