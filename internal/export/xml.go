package export

import (
	"encoding/xml"
	"strings"
)

// XMLText escapes s as XML character data (and for attribute values in
// double quotes), dropping the characters XML 1.0 cannot carry at all:
// control characters other than tab and newlines, U+FFFE and U+FFFF. Every
// XML format here (WordprocessingML, Akoma Ntoso) writes text through it.
func XMLText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)))
	return b.String()
}
