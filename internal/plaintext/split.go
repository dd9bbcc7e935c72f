package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// bom is the byte order mark some editors put at the start of UTF-8 files.
const bom = "\uFEFF"

// paragraphs cuts text into whitespace-normalised paragraphs: one per
// non-empty line, or one per blank-line-separated block when the text is
// hard-wrapped (see blockMode).
func paragraphs(text string) []string {
	lines := splitLines(strings.TrimPrefix(text, bom))
	blocks := splitBlocks(lines)
	var out []string
	if blockMode(blocks) {
		out = make([]string, 0, len(blocks))
		for _, b := range blocks {
			out = appendNonEmpty(out, normalise(strings.Join(b, " ")))
		}
		return out
	}
	out = make([]string, 0, len(lines))
	for _, l := range lines {
		out = appendNonEmpty(out, normalise(l))
	}
	return out
}

// appendNonEmpty appends p unless it is empty.
func appendNonEmpty(ps []string, p string) []string {
	if p == "" {
		return ps
	}
	return append(ps, p)
}

// splitLines splits at "\r\n", "\r" and "\n", so files from any platform
// (and old Mac files) give the same lines.
func splitLines(text string) []string {
	lines := make([]string, 0, strings.Count(text, "\n")+1)
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, text[start:i])
			start = i + 1
		case '\r':
			lines = append(lines, text[start:i])
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	return append(lines, text[start:])
}

// splitBlocks groups consecutive non-blank lines; blank lines separate
// groups and are dropped.
func splitBlocks(lines []string) [][]string {
	var blocks [][]string
	var cur []string
	for _, l := range lines {
		if isBlank(l) {
			if cur != nil {
				blocks = append(blocks, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks
}

// blockMode decides whether blank lines separate paragraphs that are
// hard-wrapped over several lines. It looks at every line break inside a
// block: a break after terminal punctuation or before a paragraph marker is
// a "hard" break (one paragraph per line, blank lines only group them into
// sections); a break in mid-sentence is a "soft" one (a wrapped paragraph).
// Soft breaks in the majority mean block mode. A text without blank lines,
// or without multi-line blocks, is read line by line.
func blockMode(blocks [][]string) bool {
	if len(blocks) < 2 {
		return false
	}
	hard, soft := 0, 0
	for _, b := range blocks {
		for i := 1; i < len(b); i++ {
			if isHardBreak(b[i-1], b[i]) {
				hard++
			} else {
				soft++
			}
		}
	}
	return soft > hard
}

// isHardBreak reports whether the break between lines prev and next most
// likely ends a paragraph.
func isHardBreak(prev, next string) bool {
	if label, _ := SplitLabel(next); label != "" {
		return true
	}
	end := strings.TrimRightFunc(trimClosers(strings.TrimRightFunc(prev, unicode.IsSpace)), unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(end)
	return strings.ContainsRune(".;:,!?", r)
}

// isBlank reports whether l holds nothing but whitespace (including
// non-breaking and other Unicode spaces).
func isBlank(l string) bool {
	return strings.TrimFunc(l, unicode.IsSpace) == ""
}

// normalise trims s and turns every run of Unicode whitespace (tabs,
// non-breaking spaces, line breaks of joined blocks …) into one ASCII space.
// All other bytes are copied as they are, invalid UTF-8 included, so the
// text stays verbatim apart from its spacing.
func normalise(s string) string {
	if isNormal(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			space = true
			i += n
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// isNormal reports whether normalise would return s unchanged; most lines
// of a clean file are, and checking is cheaper than rebuilding them. It
// works on bytes and decodes a rune only at the few lead bytes that can
// start a non-ASCII space (U+0085, U+00A0, U+1680, U+2000…U+3000).
func isNormal(s string) bool {
	prevSpace := true // a leading space is not normal
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case asciiSpace(c):
			return false
		case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3:
			if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
				return false
			}
			prevSpace = false
		default:
			prevSpace = false
		}
	}
	return !prevSpace || s == ""
}

// asciiSpace reports whether c is an ASCII whitespace byte other than ' '.
func asciiSpace(c byte) bool {
	return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
