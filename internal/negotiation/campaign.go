package negotiation

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeForCampaign reduces a comment's text to what campaign grouping
// compares: Unicode NFKC (full-width and compatibility forms folded),
// case-folded, punctuation and symbols taken as white space, runs of
// white space made one space ("single-use" and "single use" compare
// equal). Two submissions of a campaign that differ only in these respects
// normalise to the same string.
func NormalizeForCampaign(body string) string {
	s := cases.Fold().String(norm.NFKC.String(body))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CampaignKey groups top-level comments with the same anchor ("doc",
// "key:OP3", "proposal:12") and the same normalised text.
func CampaignKey(anchor, body string) string {
	sum := sha256.Sum256([]byte(anchor + "\x00" + NormalizeForCampaign(body)))
	return hex.EncodeToString(sum[:16])
}
