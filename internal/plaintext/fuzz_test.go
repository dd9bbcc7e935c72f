package plaintext

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		"", "\uFEFF", "[4. x", "[[4. [x", "OP3 bis.16 y", "(a bis)", "\r\r\n\n", "a\n\nb\nc",
		"1.\t\u00a0x", "\xff\xfe[", "［］]]][[", "(", "OP", "3 bis", "ee quinquies",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ps, ws := Parse(in)
		for i, p := range ps {
			if !p.Kind.Valid() {
				t.Errorf("provision %d has invalid kind %q", i, p.Kind)
			}
			if p.Text == "" && p.Label == "" {
				t.Errorf("provision %d is empty", i)
			}
		}
		for _, w := range ws {
			if w.Provision < 0 || w.Provision >= len(ps) || w.Offset < 0 || w.Offset >= len(ps[w.Provision].Text) {
				t.Errorf("warning %+v points outside the provisions", w)
			}
		}
		checkNothingLost(t, in, ps)
		again := slices.Clone(ps)
		Classify(again)
		Number(again)
		if !slices.Equal(again, ps) {
			t.Errorf("classifying the result again changes it:\n%+v\n%+v", ps, again)
		}
	})
}

// checkNothingLost checks that the non-space characters of the input come
// back, in order, from the provisions' labels and texts. Opening brackets
// before a marker move behind it ("[4. x" gives label "4." and text "[x"),
// so they are compared by count, everything else by sequence.
func checkNothingLost(t *testing.T, in string, ps []negotiation.Provision) {
	t.Helper()
	var out strings.Builder
	for _, p := range ps {
		out.WriteString(p.Label)
		out.WriteString("\n") // keeps bytes of label and text from merging
		out.WriteString(p.Text)
		out.WriteString("\n")
	}
	inRest, inOpen := visible(strings.TrimPrefix(in, bom))
	outRest, outOpen := visible(out.String())
	if !slices.Equal(inRest, outRest) || inOpen != outOpen {
		t.Errorf("characters lost or changed:\n in: %q\nout: %q", in, out.String())
	}
}

// visible gives the non-space runes of s except opening square brackets,
// and the number of those brackets.
func visible(s string) (rs []rune, open int) {
	for _, r := range s {
		switch {
		case r == '[' || r == '［':
			open++
		case !unicode.IsSpace(r):
			rs = append(rs, r)
		}
	}
	return rs, open
}
