package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// tokenize splits s at Unicode word boundaries (UAX #29): a word, a run of
// spaces and each punctuation mark (so each bracket) are separate tokens.
// Tokens are substrings of s, so joining them gives s back byte for byte,
// invalid UTF-8 included.
func tokenize(s string) []string {
	return appendTokens(make([]string, 0, len(s)/3+1), s)
}

// appendTokens appends the tokens of s to toks.
//
// A text with a few non-ASCII characters (typographic quotes, a dash, an
// accented name) is cut into pieces at the certain word boundaries between
// a space and an ASCII character other than a space: no rule of UAX #29
// joins across them or looks past them. Each piece is segmented on its
// own, so only the pieces that hold non-ASCII characters pay for uniseg.
func appendTokens(toks []string, s string) []string {
	if isASCII(s) {
		return asciiTokens(toks, s)
	}
	for s != "" {
		n := pieceLen(s)
		if piece := s[:n]; isASCII(piece) {
			toks = asciiTokens(toks, piece)
		} else {
			toks = unicodeTokens(toks, piece)
		}
		s = s[n:]
	}
	return toks
}

// pieceLen is the length of the first piece of s: up to the first boundary
// between a space and an ASCII character other than a space, either way
// round, or all of s.
func pieceLen(s string) int {
	for i := 1; i < len(s); i++ {
		if isCut(s[i-1], s[i]) {
			return i
		}
	}
	return len(s)
}

// isCut reports whether there is a certain word boundary between the bytes
// a and b: one is a space, the other an ASCII character other than a space.
func isCut(a, b byte) bool {
	return (a == ' ') != (b == ' ') && a < utf8.RuneSelf && b < utf8.RuneSelf
}

// unicodeTokens appends the words of s to toks, using uniseg.
func unicodeTokens(toks []string, s string) []string {
	state := -1
	for s != "" {
		var w string
		w, s, state = uniseg.FirstWordInString(s, state)
		toks = appendToken(toks, w)
	}
	return toks
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// The word-break classes of ASCII characters in UAX #29.
const (
	wbOther     = iota
	wbCR        // carriage return
	wbNewline   // line feed, vertical tab, form feed
	wbSpace     // only U+0020; a tab is "other"
	wbLetter    // A-Z a-z
	wbDigit     // 0-9
	wbUnderline // joins letters and digits
	wbMidLetter // ':' joins two letters
	wbMidNum    // ',' ';' join two digits
	wbMidBoth   // '.' '\'' join two letters or two digits
)

// asciiClass holds the class of every ASCII byte.
var asciiClass = func() (c [utf8.RuneSelf]uint8) {
	for b := 'A'; b <= 'Z'; b++ {
		c[b], c[b+'a'-'A'] = wbLetter, wbLetter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = wbDigit
	}
	c['\r'] = wbCR
	c['\n'], c['\v'], c['\f'] = wbNewline, wbNewline, wbNewline
	c[' '], c['_'], c[':'] = wbSpace, wbUnderline, wbMidLetter
	c[','], c[';'] = wbMidNum, wbMidNum
	c['.'], c['\''] = wbMidBoth, wbMidBoth
	return c
}()

// asciiTokens appends the UAX #29 words of the ASCII string s to toks. It is
// a fast path giving the same tokens as uniseg (a fuzz test checks this):
// most negotiation paragraphs are plain ASCII, and for them it is about ten
// times faster, which matters when a whole version is compared.
func asciiTokens(toks []string, s string) []string {
	for s != "" {
		n := asciiTokenLen(s)
		toks = append(toks, s[:n])
		s = s[n:]
	}
	return toks
}

// asciiTokenLen is the byte length of the first word of the ASCII string s.
func asciiTokenLen(s string) int {
	switch asciiClass[s[0]] {
	case wbCR:
		if len(s) > 1 && s[1] == '\n' {
			return 2
		}
		return 1
	case wbSpace:
		n := 1
		for n < len(s) && s[n] == ' ' {
			n++
		}
		return n
	case wbLetter, wbDigit, wbUnderline:
		return asciiWordLen(s)
	}
	return 1
}

// asciiWordLen is the length of the word of letters, digits and underlines
// at the start of s, including the punctuation UAX #29 keeps inside words:
// "can't", "e.g", "3.14", "1,000".
func asciiWordLen(s string) int {
	prev := asciiClass[s[0]]
	n := 1
	for n < len(s) {
		c := asciiClass[s[n]]
		switch {
		case c == wbLetter || c == wbDigit || c == wbUnderline:
		case n+1 < len(s) && joinsAcross(prev, c, asciiClass[s[n+1]]):
			n++ // the punctuation mark; the next character follows
			c = asciiClass[s[n]]
		default:
			return n
		}
		prev = c
		n++
	}
	return n
}

// joinsAcross reports whether the punctuation class mid stays inside a word
// between a character of class before and one of class after.
func joinsAcross(before, mid, after uint8) bool {
	switch mid {
	case wbMidLetter:
		return before == wbLetter && after == wbLetter
	case wbMidNum:
		return before == wbDigit && after == wbDigit
	case wbMidBoth:
		return before == after && (before == wbLetter || before == wbDigit)
	}
	return false
}

// appendToken appends w, split into user-perceived characters when it holds
// Chinese or Japanese script. Those languages write no spaces, and UAX #29
// keeps a run of Katakana together as one word, so per-character tokens are
// what makes an edit inside such a run show as just the changed characters.
func appendToken(toks []string, w string) []string {
	if !hasCJK(w) {
		return append(toks, w)
	}
	state := -1
	for w != "" {
		var c string
		c, w, _, state = uniseg.FirstGraphemeClusterInString(w, state)
		toks = append(toks, c)
	}
	return toks
}

// hasCJK reports whether s contains a Han, Hiragana or Katakana character,
// or the prolonged sound mark that Unicode files under no script.
func hasCJK(s string) bool {
	for _, r := range s {
		if r < 0x2E80 {
			continue // fast path: nothing below the CJK radicals qualifies
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
			r == 'ー' || r == 'ｰ' {
			return true
		}
	}
	return false
}

// commonPrefix is the number of leading tokens a and b share.
func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// commonSuffix is the number of trailing tokens a and b share.
func commonSuffix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// byteLen is the length in bytes of the text of toks.
func byteLen(toks []string) int {
	n := 0
	for _, t := range toks {
		n += len(t)
	}
	return n
}

// join concatenates tokens.
func join(toks []string) string {
	return strings.Join(toks, "")
}

// isSpace reports whether the token t is whitespace. Tokens never mix
// whitespace with other characters, except for combining marks that UAX #29
// attaches to a preceding space.
func isSpace(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsSpace(r)
}
