package plaintext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Warning codes of Brackets.
const (
	// CodeBracketUnclosed marks a '[' that is never closed.
	CodeBracketUnclosed = "bracket_unclosed"
	// CodeBracketUnopened marks a ']' with no '[' open.
	CodeBracketUnopened = "bracket_unopened"
	// CodeBracketSpans marks a '[' closed only in a later provision; that
	// is legal in negotiation texts (a whole preamble can be bracketed) but
	// worth a look, since a paragraph edited alone then shows unbalanced.
	CodeBracketSpans = "bracket_spans"
)

// openBracket is a '[' not yet closed while scanning.
type openBracket struct {
	provision, offset int
}

// Brackets scans the texts of ps in order, across paragraph boundaries,
// and reports unbalanced square brackets ('[' ']' and the fullwidth '［'
// '］', which match each other): one bracket_unopened per ']' with nothing
// open, one bracket_spans per '[' closed in a later provision, one
// bracket_unclosed per '[' never closed. Each warning points at the
// bracket (provision index, its display number, byte offset in Text); the
// message counts characters from 1, as a person would. Labels are not
// scanned: they never hold brackets.
func Brackets(ps []negotiation.Provision) []negotiation.Warning {
	var ws []negotiation.Warning
	var open []openBracket
	for i, p := range ps {
		for off := 0; off < len(p.Text); off++ {
			switch bracketAt(p.Text, off) {
			case '[':
				open = append(open, openBracket{i, off})
			case ']':
				if len(open) == 0 {
					ws = append(ws, warning(ps, CodeBracketUnopened, i, off, "closing bracket at character %d has no opening bracket"))
					break
				}
				o := open[len(open)-1]
				open = open[:len(open)-1]
				if o.provision != i {
					ws = append(ws, warning(ps, CodeBracketSpans, o.provision, o.offset,
						"bracket opened at character %d is closed only in "+where(ps, i)))
				}
			}
		}
	}
	for _, o := range open {
		ws = append(ws, warning(ps, CodeBracketUnclosed, o.provision, o.offset, "bracket opened at character %d is never closed"))
	}
	return ws
}

// bracketAt gives '[' or ']' when s has an ASCII or fullwidth square
// bracket at byte offset off, else 0. Looking at bytes instead of decoding
// runes keeps the scan of a long treaty fast; UTF-8 guarantees the three
// bytes of '［' (EF BC BB) and '］' (EF BC BD) never occur inside another
// character.
func bracketAt(s string, off int) byte {
	switch c := s[off]; {
	case c == '[' || c == ']':
		return c
	case c == 0xEF && strings.HasPrefix(s[off:], "［"):
		return '['
	case c == 0xEF && strings.HasPrefix(s[off:], "］"):
		return ']'
	}
	return 0
}

// warning builds a warning about the bracket at byte offset off of
// provision i; format gets the 1-based character position.
func warning(ps []negotiation.Provision, code string, i, off int, format string) negotiation.Warning {
	char := utf8.RuneCountInString(ps[i].Text[:off]) + 1
	return negotiation.Warning{
		Code:      code,
		Message:   where(ps, i) + ": " + fmt.Sprintf(format, char),
		Provision: i,
		Number:    ps[i].Number,
		Offset:    off,
	}
}

// where names provision i for a person: its display number, or its
// position when it has none (headings, free text).
func where(ps []negotiation.Provision, i int) string {
	if ps[i].Number != "" && ps[i].Kind != negotiation.KindHeading {
		return ps[i].Number
	}
	return "paragraph " + strconv.Itoa(i+1)
}
