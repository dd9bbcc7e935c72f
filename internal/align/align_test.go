package align

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// version builds provisions from texts; keys "k0", "k1", … when keyed.
func version(keyed bool, texts ...string) []negotiation.Provision {
	ps := make([]negotiation.Provision, len(texts))
	for i, t := range texts {
		ps[i].Text = t
		if keyed {
			ps[i].Key = fmt.Sprintf("k%d", i)
		}
	}
	return ps
}

var base = []string{
	"Recalling its resolution 76/300 on the human right to a clean, healthy and sustainable environment,",
	"Noting with concern the high and rapidly increasing levels of plastic pollution,",
	"Decides to convene an intergovernmental negotiating committee to develop an instrument;",
	"Requests the Executive Director to provide support to the committee and report on progress;",
	"Urges Member States to contribute to the trust fund established for the negotiations;",
	"Decides to remain seized of the matter.",
}

func TestAlign(t *testing.T) {
	edited := slices.Clone(base)
	edited[3] = "Requests the Executive Director to provide [technical] support to the committee and to report annually on progress;"
	rewritten := slices.Clone(base)
	rewritten[4] = "Invites observers from civil society to attend sessions as appropriate without voting rights;"
	tests := []struct {
		name string
		prev []string
		next []string
		want []string
	}{
		{"unchanged", base, base, []string{"k0", "k1", "k2", "k3", "k4", "k5"}},
		{"insertion at the top renumbers, keys stay",
			base, append([]string{"Mindful of the special circumstances of small island developing States,"}, base...),
			[]string{"", "k0", "k1", "k2", "k3", "k4", "k5"}},
		{"deleted paragraph's key disappears",
			base, []string{base[0], base[1], base[3], base[4], base[5]},
			[]string{"k0", "k1", "k3", "k4", "k5"}},
		{"moved paragraph keeps its key",
			base, []string{base[0], base[1], base[4], base[2], base[3], base[5]},
			[]string{"k0", "k1", "k4", "k2", "k3", "k5"}},
		{"edited paragraph keeps its key", base, edited, []string{"k0", "k1", "k2", "k3", "k4", "k5"}},
		{"rewritten paragraph is new", base, rewritten, []string{"k0", "k1", "k2", "k3", "", "k5"}},
		{"moved and edited",
			base, []string{base[0], base[1], edited[3], base[2], base[4], base[5]},
			[]string{"k0", "k1", "k3", "k2", "k4", "k5"}},
		{"whitespace does not matter",
			[]string{"Decides  to act;"}, []string{" Decides to\tact; "}, []string{"k0"}},
		{"duplicates map one to one in order",
			[]string{"Option 1", "A;", "Option 1", "B;", "Option 1"},
			[]string{"Option 1", "A;", "Option 1", "B;", "Option 1"},
			[]string{"k0", "k1", "k2", "k3", "k4"}},
		{"duplicates follow their neighbours after an insertion",
			[]string{"Option 1", "Decides that plastics shall be reduced;", "Option 1", "Requests a report on plastics;"},
			[]string{"Option 1", "Invites views on the matter of plastics;", "Option 1", "Decides that plastics shall be reduced;", "Option 1", "Requests a report on plastics;"},
			[]string{"", "", "k0", "k1", "k2", "k3"}},
		{"surplus duplicates are new",
			[]string{"No text."}, []string{"No text.", "No text."}, []string{"k0", ""}},
		{"empty prev", nil, base[:2], []string{"", ""}},
		{"empty next", base, nil, []string{}},
		{"unrelated texts", base, []string{"Article 1 Objective", "The Parties shall cooperate in good faith."}, []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Align(version(true, tt.prev...), version(false, tt.next...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Align = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAlignMatchesOnTextNotLabel(t *testing.T) {
	prev := []negotiation.Provision{
		{Key: "a", Label: "3.", Text: "Decides to act;"},
		{Key: "b", Label: "Part II", Text: ""},
	}
	next := []negotiation.Provision{
		{Label: "Part II"},
		{Label: "4.", Text: "Decides to act;"},
	}
	if got, want := Align(prev, next), []string{"b", "a"}; !slices.Equal(got, want) {
		t.Errorf("Align = %q, want %q", got, want)
	}
}

func TestAlignKeys(t *testing.T) {
	prev := []negotiation.Provision{{Key: "a", Text: "One;"}, {Key: "a", Text: "Two;"}, {Key: "", Text: "Three;"}, {Key: "d", Text: "Four;"}}
	next := []negotiation.Provision{
		{Key: "d", Text: "Completely different;"}, // key carried although text changed
		{Text: "One;"}, {Text: "Two;"}, {Text: "Three;"},
		{Key: "zz", Text: "Four;"}, // unknown key: matched like any other
	}
	// "Two;" has a key already used by "One;", "Three;" none: neither can
	// be matched; "Four;" lost its key "d" to the first provision.
	if got, want := Align(prev, next), []string{"d", "a", "", "", ""}; !slices.Equal(got, want) {
		t.Errorf("Align = %q, want %q", got, want)
	}
}

func TestIncreasingChain(t *testing.T) {
	ps := []pair{{5, 0}, {1, 1}, {2, 2}, {9, 3}, {3, 4}, {4, 5}}
	want := []pair{{1, 1}, {2, 2}, {3, 4}, {4, 5}}
	if got := increasingChain(ps); !slices.Equal(got, want) {
		t.Errorf("increasingChain = %v, want %v", got, want)
	}
}

func TestWordHashes(t *testing.T) {
	got := wordHashes("[Each PARTY]'s 5/14 Plastics—日本語", nil)
	want := wordHashes("each party s 5 14 plastics 日 本 語", nil)
	if !slices.Equal(got, want) || len(got) != 9 {
		t.Errorf("wordHashes = %v, want the 9 hashes %v", got, want)
	}
	if a, b := wordHashes("Élan", nil), wordHashes("élan", nil); !slices.Equal(a, b) {
		t.Errorf("hashes differ by case: %v, %v", a, b)
	}
}

func TestNormSpace(t *testing.T) {
	for in, want := range map[string]string{"a b": "a b", " a  b\t": "a b", "a\u00a0b": "a b", "": "", " ": ""} {
		if got := normSpace(in); got != want {
			t.Errorf("normSpace(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAlign(f *testing.F) {
	f.Add(strings.Join(base, "\n"), strings.Join(base[2:], "\n"))
	f.Add("a\na\nb", "b\na\na\na")
	f.Add("", "x")
	f.Add("Option 1\nOption 1", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		prev := version(true, strings.Split(a, "\n")...)
		next := version(false, strings.Split(b, "\n")...)
		got := Align(prev, next)
		if len(got) != len(next) {
			t.Fatalf("got %d keys for %d provisions", len(got), len(next))
		}
		used := map[string]bool{}
		for _, k := range got {
			if k != "" && used[k] {
				t.Errorf("key %q used twice: %q", k, got)
			}
			used[k] = true
		}
		same := version(false, strings.Split(a, "\n")...)
		for j, k := range Align(prev, same) {
			if k != prev[j].Key {
				t.Errorf("identical input: provision %d got key %q, want %q", j, k, prev[j].Key)
			}
		}
	})
}
