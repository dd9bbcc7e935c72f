package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// prov builds a provision; the number doubles as the label-free display
// number.
func prov(key, number, text string) negotiation.Provision {
	return negotiation.Provision{Key: key, Number: number, Kind: negotiation.KindOperative, Text: text}
}

// outline renders a Versions result as "key change from>to" lines, which is
// what the ordering and classification tests care about.
func outline(ps []Provision) string {
	var lines []string
	for _, p := range ps {
		lines = append(lines, p.Key+" "+p.Change+" "+p.FromNumber+">"+p.ToNumber)
	}
	return strings.Join(lines, "\n")
}

func TestVersions(t *testing.T) {
	a, b, c, d := "alpha text", "bravo text", "charlie text", "delta text"
	tests := []struct {
		name     string
		from, to []negotiation.Provision
		want     string
	}{
		{"both empty", nil, nil, ""},
		{"identical",
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b)},
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b)},
			"A unchanged 1>1\nB unchanged 2>2"},
		{"renumbered after an insertion",
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b)},
			[]negotiation.Provision{prov("N", "1", "new"), prov("A", "2", a), prov("B", "3", b)},
			"N added >1\nA unchanged 1>2\nB unchanged 2>3"},
		{"modified",
			[]negotiation.Provision{prov("A", "1", a)},
			[]negotiation.Provision{prov("A", "1", "alpha changed text")},
			"A modified 1>1"},
		{"moved to the end",
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b), prov("C", "3", c), prov("D", "4", d)},
			[]negotiation.Provision{prov("B", "1", b), prov("C", "2", c), prov("D", "3", d), prov("A", "4", a)},
			"B unchanged 2>1\nC unchanged 3>2\nD unchanged 4>3\nA moved 1>4"},
		{"moved to the front with an edit",
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b), prov("C", "3", c)},
			[]negotiation.Provision{prov("C", "1", "charlie edited text"), prov("A", "2", a), prov("B", "3", b)},
			"C moved 3>1\nA unchanged 1>2\nB unchanged 2>3"},
		{"removed stays where it stood, before what replaced it",
			[]negotiation.Provision{prov("A", "1", a), prov("R", "2", "gone"), prov("B", "3", b)},
			[]negotiation.Provision{prov("A", "1", a), prov("N", "2", "new"), prov("B", "3", b)},
			"A unchanged 1>1\nR removed 2>\nN added >2\nB unchanged 3>3"},
		{"removed without a surviving predecessor comes first",
			[]negotiation.Provision{prov("R", "1", "gone"), prov("S", "2", "gone too"), prov("A", "3", a)},
			[]negotiation.Provision{prov("N", "1", "new"), prov("A", "2", a)},
			"R removed 1>\nS removed 2>\nN added >1\nA unchanged 3>2"},
		{"removed after a moved predecessor follows it",
			[]negotiation.Provision{prov("A", "1", a), prov("R", "2", "gone"), prov("B", "3", b), prov("C", "4", c)},
			[]negotiation.Provision{prov("B", "1", b), prov("C", "2", c), prov("A", "3", a)},
			"B unchanged 3>1\nC unchanged 4>2\nA moved 1>3\nR removed 2>"},
		{"everything removed",
			[]negotiation.Provision{prov("A", "1", a), prov("B", "2", b)},
			nil,
			"A removed 1>\nB removed 2>"},
		{"duplicate keys pair in order, extras are added or removed",
			[]negotiation.Provision{prov("A", "1", a), prov("A", "2", b), prov("A", "3", c)},
			[]negotiation.Provision{prov("A", "1", a), prov("A", "2", "bravo edited text")},
			"A unchanged 1>1\nA modified 2>2\nA removed 3>"},
		{"empty keys never match",
			[]negotiation.Provision{prov("", "1", a)},
			[]negotiation.Provision{prov("", "1", a)},
			" removed 1>\n added >1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Versions(tt.from, tt.to)
			if o := outline(got); o != tt.want {
				t.Errorf("Versions:\n%s\nwant:\n%s", o, tt.want)
			}
			checkVersions(t, tt.from, tt.to, got)
		})
	}
}

// checkVersions checks what every Versions result promises: each provision
// of both versions appears exactly once, the ops reconstruct its texts, and
// ops are never nil.
func checkVersions(t *testing.T, from, to []negotiation.Provision, got []Provision) {
	t.Helper()
	var olds, news []string
	for _, p := range got {
		if p.Ops == nil {
			t.Errorf("%s: ops are nil", p.Key)
		}
		var o, n strings.Builder
		for _, op := range p.Ops {
			if op.Op != OpInsert {
				o.WriteString(op.Text)
			}
			if op.Op != OpDelete {
				n.WriteString(op.Text)
			}
		}
		if p.Change != Added {
			olds = append(olds, o.String())
		}
		if p.Change != Removed {
			news = append(news, n.String())
		}
	}
	if want := texts(to); !slices.Equal(news, want) {
		t.Errorf("new texts in result order = %q, want %q", news, want)
	}
	slices.Sort(olds)
	if want := slices.Sorted(slices.Values(texts(from))); !slices.Equal(olds, want) {
		t.Errorf("old texts = %q, want %q", olds, want)
	}
}

// texts lists the texts of ps.
func texts(ps []negotiation.Provision) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text
	}
	return out
}

func TestVersionsKind(t *testing.T) {
	from := []negotiation.Provision{
		{Key: "A", Number: "1", Kind: negotiation.KindText, Text: "a"},
		{Key: "R", Number: "2", Kind: negotiation.KindSubparagraph, Text: "r"},
	}
	to := []negotiation.Provision{{Key: "A", Number: "1", Kind: negotiation.KindOperative, Text: "a"}}
	got := Versions(from, to)
	kinds := []string{got[0].Kind, got[1].Kind}
	want := []string{"operative", "subparagraph"}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds = %q, want %q", kinds, want)
	}
}

func TestVersionsGolden(t *testing.T) {
	from := readProvisions(t, "from.json")
	to := readProvisions(t, "to.json")
	got := Versions(from, to)
	checkVersions(t, from, to, got)
	out, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	golden := filepath.Join("testdata", "versions.golden.json")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("Versions differs from %s (run go test -update and review the change):\n%s", golden, out)
	}
}

// readProvisions loads a version from testdata.
func readProvisions(t *testing.T, name string) []negotiation.Provision {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ps []negotiation.Provision
	if err := json.Unmarshal(data, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestInOrder(t *testing.T) {
	tests := []struct {
		toFrom []int
		want   []bool
	}{
		{nil, []bool{}},
		{[]int{0, 1, 2}, []bool{true, true, true}},
		{[]int{-1, 0, -1, 1}, []bool{false, true, false, true}},
		{[]int{1, 2, 3, 0}, []bool{true, true, true, false}},
		{[]int{3, 0, 1, 2}, []bool{false, true, true, true}},
		{[]int{1, 0}, []bool{false, true}},
		{[]int{0, 4, 1, 2, 3}, []bool{true, false, true, true, true}},
	}
	for _, tt := range tests {
		if got := inOrder(tt.toFrom); !slices.Equal(got, tt.want) {
			t.Errorf("inOrder(%v) = %v, want %v", tt.toFrom, got, tt.want)
		}
	}
}

func TestStats(t *testing.T) {
	ps := []Provision{
		{Change: Added, ToNumber: "1"},
		{Change: Removed, FromNumber: "1"},
		{Change: Modified, FromNumber: "2", ToNumber: "2"},
		{Change: Moved, FromNumber: "3", ToNumber: "5"},
		{Change: Unchanged, FromNumber: "4", ToNumber: "4"},
		{Change: Unchanged, FromNumber: "5", ToNumber: "6"},
	}
	want := Summary{Added: 1, Removed: 1, Modified: 1, Moved: 1, Unchanged: 2, Renumbered: 1}
	if got := Stats(ps); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
}

func TestChanged(t *testing.T) {
	ps := []Provision{
		{Key: "same", Change: Unchanged, FromNumber: "1", ToNumber: "1"},
		{Key: "renumbered", Change: Unchanged, FromNumber: "2", ToNumber: "3"},
		{Key: "added", Change: Added, ToNumber: "2"},
		{Key: "edited", Change: Modified, FromNumber: "3", ToNumber: "4"},
	}
	var keys []string
	for _, p := range Changed(ps) {
		keys = append(keys, p.Key)
	}
	want := []string{"renumbered", "added", "edited"}
	if !slices.Equal(keys, want) {
		t.Errorf("Changed keys = %q, want %q", keys, want)
	}
}
