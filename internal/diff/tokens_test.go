package diff

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{}},
		{"words and spaces", "Parties  shall act", []string{"Parties", "  ", "shall", " ", "act"}},
		{"brackets and slash", "[shall/should]", []string{"[", "shall", "/", "should", "]"}},
		{"nested brackets", "[[a]]", []string{"[", "[", "a", "]", "]"}},
		{"punctuation kept inside words", "can't e.g. 3.14 1,000 OP3bis a_b",
			[]string{"can't", " ", "e.g", ".", " ", "3.14", " ", "1,000", " ", "OP3bis", " ", "a_b"}},
		{"line breaks", "a\r\nb\n\nc\td", []string{"a", "\r\n", "b", "\n", "\n", "c", "\t", "d"}},
		{"Han per character", "缔约方，措施。", []string{"缔", "约", "方", "，", "措", "施", "。"}},
		{"Katakana run split", "リサイクル", []string{"リ", "サ", "イ", "ク", "ル"}},
		{"Katakana with voiced mark", "カ\u3099ー", []string{"カ\u3099", "ー"}},
		{"halfwidth Katakana", "ﾃｽﾄｰ", []string{"ﾃ", "ｽ", "ﾄ", "ｰ"}},
		{"Hangul words stay whole", "당사국은 조치를", []string{"당사국은", " ", "조치를"}},
		{"accented words", "café crème", []string{"café", " ", "crème"}},
		{"combining mark stays", "cafe\u0301!", []string{"cafe\u0301", "!"}},
		{"emoji with modifier", "👍🏽 ok", []string{"👍🏽", " ", "ok"}},
		{"curly quotes", "“State’s rights”", []string{"“", "State’s", " ", "rights", "”"}},
		{"invalid bytes", "a\xffb\xe4\xb8", []string{"a", "\xff", "b", "\xe4", "\xb8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokenize(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzTokenizeASCII checks that the ASCII fast path splits exactly like
// uniseg, and that tokens always join back to the input.
func FuzzTokenizeASCII(f *testing.F) {
	for _, s := range []string{"", "can't e.g. 3.14 1,000", "a_1.b:c;d'e\"f", "  \r\n\r\v\f\t", "[x]/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := join(tokenize(s)); got != s {
			t.Errorf("join(tokenize(%q)) = %q", s, got)
		}
		b := []byte(s)
		for i := range b {
			b[i] &= 0x7f
		}
		ascii := string(b)
		got, want := asciiTokens(nil, ascii), unicodeTokens(nil, ascii)
		if !slices.Equal(got, want) {
			t.Errorf("asciiTokens(%q) = %q, uniseg gives %q", ascii, got, want)
		}
	})
}

// FuzzTokenizePieces checks that cutting a text into pieces at spaces
// splits it exactly like uniseg on the whole text.
func FuzzTokenizePieces(f *testing.F) {
	for _, s := range []string{"", "“Parties” shall – e.g. café’s 3.14", "a \u0301b", "x\u200d \U0001F600 y", "中文 テスト abc", "a \u3000 b", "\U0001F1E6 \U0001F1E8\U0001F1E6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := appendTokens(nil, s), unicodeTokens(nil, s)
		if !slices.Equal(got, want) {
			t.Errorf("appendTokens(%q) = %q, uniseg on the whole text gives %q", s, got, want)
		}
	})
}

func TestTokenRunes(t *testing.T) {
	for _, i := range []int{0, 1, surrogateLow - firstRune - 1, surrogateLow - firstRune, 0xFFFD, maxRunes - 1} {
		r := tokenRune(i)
		if !utf8.ValidRune(r) {
			t.Errorf("tokenRune(%d) = %U, not a valid rune", i, r)
		}
		if got := tokenIndex(r); got != i {
			t.Errorf("tokenIndex(tokenRune(%d)) = %d", i, got)
		}
	}
	if got := tokenRune(maxRunes - 1); got != utf8.MaxRune {
		t.Errorf("last token rune = %U, want %U", got, utf8.MaxRune)
	}
	for _, r := range []rune{0, 'a', firstRune - 1, surrogateLow, surrogateHigh} {
		if got := tokenIndex(r); got != -1 {
			t.Errorf("tokenIndex(%U) = %d, want -1", r, got)
		}
	}
}

func TestToRunesLimit(t *testing.T) {
	a, b := []string{"x", "y", "x"}, []string{"y", "z"}
	tests := []struct {
		limit int
		ok    bool
	}{{3, true}, {2, false}}
	for _, tt := range tests {
		ra, rb, table, ok := toRunes(a, b, tt.limit)
		if ok != tt.ok {
			t.Errorf("limit %d: ok = %v, want %v", tt.limit, ok, tt.ok)
		}
		if ok && (len(table) != 3 || ra[0] != ra[2] || ra[1] != rb[0]) {
			t.Errorf("limit %d: runes %U %U, table %q", tt.limit, ra, rb, table)
		}
	}
}

// FuzzSharedEnds checks what words relies on when it tokenises only the
// middle of two texts: the shared start and end tokenise alike in both, and
// the tokens of the three parts are those of the whole text.
func FuzzSharedEnds(f *testing.F) {
	f.Add("Each Party shall take measures", "Each Party should take measures")
	f.Add("a b", "a b c")
	f.Add("“x” can't e.g. 3.14", "“y” can't e.g. 3.14")
	f.Fuzz(func(t *testing.T, old, new string) {
		q, e := sharedEnds(old, new)
		if q+e > min(len(old), len(new)) {
			t.Fatalf("sharedEnds(%q, %q) = %d, %d: overlap", old, new, q, e)
		}
		for _, s := range []string{old, new} {
			parts := slices.Concat(tokenize(s[:q]), tokenize(s[q:len(s)-e]), tokenize(s[len(s)-e:]))
			if whole := tokenize(s); !slices.Equal(parts, whole) {
				t.Errorf("%q cut at %d and %d gives %q, whole %q", s, q, len(s)-e, parts, whole)
			}
		}
		if old[:q] != new[:q] || old[len(old)-e:] != new[len(new)-e:] {
			t.Errorf("sharedEnds(%q, %q) = %d, %d: not shared", old, new, q, e)
		}
	})
}
