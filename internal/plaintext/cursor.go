package plaintext

import "strings"

// cursor is a position in a string for the hand-written marker scanner;
// regular expressions would be clearer to some but several times slower on
// every paragraph of a long treaty.
type cursor struct {
	s string
	i int
}

// peek gives the byte at the cursor, 0 at the end.
func (c *cursor) peek() byte { return c.peekAt(0) }

// peekAt gives the byte k positions after the cursor, 0 past the end.
func (c *cursor) peekAt(k int) byte {
	if c.i+k < len(c.s) {
		return c.s[c.i+k]
	}
	return 0
}

// atBoundary reports whether a marker may end here: at the end of the
// string or before a space.
func (c *cursor) atBoundary() bool {
	return c.i == len(c.s) || c.s[c.i] == ' '
}

// eat advances past b if it is next.
func (c *cursor) eat(b byte) bool {
	if c.peek() == b && c.i < len(c.s) {
		c.i++
		return true
	}
	return false
}

// oneOf advances past the next byte if it is one of set.
func (c *cursor) oneOf(set string) bool {
	if c.i < len(c.s) && strings.IndexByte(set, c.s[c.i]) >= 0 {
		c.i++
		return true
	}
	return false
}

// optSpace advances past one space if there is one.
func (c *cursor) optSpace() { c.eat(' ') }

// lit advances past prefix if the string continues with it.
func (c *cursor) lit(prefix string) bool {
	if strings.HasPrefix(c.s[c.i:], prefix) {
		c.i += len(prefix)
		return true
	}
	return false
}

// letters reads a run of ASCII letters.
func (c *cursor) letters() string {
	start := c.i
	for isASCIILetter(c.peek()) {
		c.i++
	}
	return c.s[start:c.i]
}

// digits reads one to three digits; longer runs (years, amounts) are no
// paragraph numbers, so they give "" and leave the cursor where it was.
func (c *cursor) digits() string {
	start := c.i
	for isDigit(c.peek()) {
		c.i++
	}
	if c.i-start > 3 {
		c.i = start
	}
	return c.s[start:c.i]
}

// number reads "3" or "4.1" (dotted parts only when a digit follows the
// dot, so the dot of "4. Decides" is left as the terminator).
func (c *cursor) number() string {
	start := c.i
	if c.digits() == "" {
		return ""
	}
	for c.peek() == '.' && isDigit(c.peekAt(1)) {
		save := c.i
		c.i++
		if c.digits() == "" {
			c.i = save
			break
		}
	}
	return c.s[start:c.i]
}

// word advances past w (ASCII, any case) when it is followed by a
// non-letter.
func (c *cursor) word(w string) bool {
	end := c.i + len(w)
	if end > len(c.s) || !strings.EqualFold(c.s[c.i:end], w) || isASCIILetter(c.peekAt(len(w))) {
		return false
	}
	c.i = end
	return true
}

// latin reads a latin ordinal suffix ("bis", "Ter", …) and gives its index,
// or 0 without moving.
func (c *cursor) latin() int {
	for i, l := range latinSuffixes {
		if c.word(l) {
			return i + 1
		}
	}
	return 0
}

// suffixes reads the optional suffixes after a number, each optionally
// preceded by a space: a latin ordinal with an optional glued variant
// number ("bis1"), then "alt" with an optional number ("alt 2").
func (c *cursor) suffixes() (latin int, variant, alt string) {
	save := c.i
	c.optSpace()
	if latin = c.latin(); latin == 0 {
		c.i = save
	} else {
		variant = c.digits()
	}
	save = c.i
	c.optSpace()
	if !c.word("alt") {
		c.i = save
		return latin, variant, ""
	}
	alt = "alt"
	save = c.i
	c.optSpace()
	if d := c.digits(); d != "" {
		return latin, variant, alt + d
	}
	c.i = save
	return latin, variant, alt
}

// romanUpper reads an upper-case roman numeral followed by a non-letter.
func (c *cursor) romanUpper() bool {
	start := c.i
	for strings.IndexByte("IVXLC", c.peek()) >= 0 && c.i < len(c.s) {
		c.i++
	}
	if _, ok := romanValues[c.s[start:c.i]]; ok && !isASCIILetter(c.peek()) {
		return true
	}
	c.i = start
	return false
}

// upperLetter reads one upper-case letter followed by a non-letter.
func (c *cursor) upperLetter() bool {
	if b := c.peek(); b >= 'A' && b <= 'Z' && !isASCIILetter(c.peekAt(1)) {
		c.i++
		return true
	}
	return false
}

// isDigit reports whether b is an ASCII digit.
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isASCIILetter reports whether b is an ASCII letter.
func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
