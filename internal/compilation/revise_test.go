package compilation

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// keys returns a newKey that gives n1, n2, ….
func keys() func() string {
	n := 0
	return func() string {
		n++
		return "n" + strconv.Itoa(n)
	}
}

// outline renders provisions as "key number full text" lines.
func outline(ps []negotiation.Provision) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s %s %s\n", p.Key, p.Number, p.FullText())
	}
	return b.String()
}

func TestRevise(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		props      []prop
		want       string
		provenance map[string][]int64
	}{
		{"nothing to incorporate",
			small, nil,
			"k1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests a report;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{}},
		{"span edits of every kind in one provision",
			small,
			[]prop{
				{id: 1, kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
				{id: 2, kind: negotiation.Delete, key: "k1", quote: " each Party"},
				{id: 3, kind: negotiation.InsertWords, key: "k1", quote: "take " + pointMark, text: "urgent "},
				{id: 4, kind: negotiation.Alternative, key: "k1", quote: "measures", text: "action"},
			},
			"k1 OP1 1. Decides that should take urgent action;\nk2 OP2 2. Requests a report;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"k1": {1, 2, 3, 4}}},
		{"spacing left by a deletion is normalised",
			small,
			[]prop{{id: 1, kind: negotiation.Delete, key: "k2", quote: "a"}},
			"k1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests report;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"k2": {1}}},
		{"whole replacement keeps key and label",
			small,
			[]prop{{id: 1, kind: negotiation.Replace, key: "k2", text: "Requests two reports;"}},
			"k1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests two reports;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"k2": {1}}},
		{"adopting an alternative",
			small,
			[]prop{{id: 1, kind: negotiation.Alternative, key: "k2", text: "Requests a study;"}},
			"k1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests a study;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"k2": {1}}},
		{"delete and no text remove provisions",
			small,
			[]prop{
				{id: 1, kind: negotiation.Delete, key: "k1"},
				{id: 2, kind: negotiation.Alternative, key: "k3"},
			},
			"k2 OP2 2. Requests a report;\n",
			map[string][]int64{}},
		{"deleting every word removes the provision",
			small,
			[]prop{{id: 1, kind: negotiation.Delete, key: "k2", quote: "Requests a report;"}},
			"k1 OP1 1. Decides that each Party shall take measures;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{}},
		{"insertions get new keys and bis numbers in id order",
			small,
			[]prop{
				{id: 5, kind: negotiation.InsertProvision, key: "k1", text: "Further decides to act;"},
				{id: 4, kind: negotiation.InsertProvision, key: "k1", text: "Also decides to act;"},
				{id: 6, kind: negotiation.InsertProvision, text: "Recalling its resolution 70/1,"},
			},
			"n1 PP1 Recalling its resolution 70/1,\nk1 OP1 1. Decides that each Party shall take measures;\nn2 OP1bis Also decides to act;\nn3 OP1ter Further decides to act;\nk2 OP2 2. Requests a report;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"n1": {6}, "n2": {4}, "n3": {5}}},
		{"insertion in a text counted without labels",
			"Decides to act;\nRequests a report;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k1", text: "Also decides to act;"}},
			"k1 OP1 Decides to act;\nn1 OP2 Also decides to act;\nk2 OP3 Requests a report;\n",
			map[string][]int64{"n1": {1}}},
		{"insertion after a deleted provision takes its place",
			small,
			[]prop{
				{id: 1, kind: negotiation.Delete, key: "k2"},
				{id: 2, kind: negotiation.InsertProvision, key: "k2", text: "Requests a study;"},
			},
			"k1 OP1 1. Decides that each Party shall take measures;\nn1 OP1bis Requests a study;\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"n1": {2}}},
		{"moves, with an edit and to the top",
			small,
			[]prop{
				{id: 1, kind: negotiation.Move, key: "k1", target: "k3"},
				{id: 2, kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
				{id: 3, kind: negotiation.Move, key: "k3"},
			},
			"k3 OP3 3. Decides to remain seized of the matter.\nk1 OP1 1. Decides that each Party should take measures;\nk2 OP2 2. Requests a report;\n",
			map[string][]int64{"k1": {1, 2}, "k3": {3}}},
		{"a move after a moved provision follows it",
			small,
			[]prop{
				{id: 1, kind: negotiation.Move, key: "k2", target: "k1"},
				{id: 2, kind: negotiation.Move, key: "k1", target: "k3"},
			},
			"k3 OP3 3. Decides to remain seized of the matter.\nk1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests a report;\n",
			map[string][]int64{"k1": {2}, "k2": {1}}},
		{"edits at the edges of a span are no conflict",
			small,
			[]prop{
				{id: 1, kind: negotiation.Replace, key: "k2", quote: "a report", text: "reports"},
				{id: 2, kind: negotiation.InsertWords, key: "k2", quote: "Requests " + pointMark, text: "annual "},
				{id: 3, kind: negotiation.InsertWords, key: "k2", quote: "a report" + pointMark, text: " on progress"},
				{id: 4, kind: negotiation.Replace, key: "k2", quote: ";", text: "."},
			},
			"k1 OP1 1. Decides that each Party shall take measures;\nk2 OP2 2. Requests annual reports on progress.\nk3 OP3 3. Decides to remain seized of the matter.\n",
			map[string][]int64{"k2": {1, 2, 3, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := parse(1, tt.text)
			base := slices.Clone(v.Provisions)
			got, provenance, err := Revise(v.Provisions, all(t, v, tt.props...), keys())
			if err != nil {
				t.Fatal(err)
			}
			if g := outline(got); g != tt.want {
				t.Errorf("got\n%s\nwant\n%s", g, tt.want)
			}
			if !maps.EqualFunc(provenance, tt.provenance, slices.Equal) {
				t.Errorf("provenance %v, want %v", provenance, tt.provenance)
			}
			if !slices.Equal(v.Provisions, base) {
				t.Errorf("Revise changed its input")
			}
		})
	}
}

func TestReviseConflicts(t *testing.T) {
	long := "3. Urges Member States to contribute to the trust fund and shall report on their contributions;"
	tests := []struct {
		name  string
		text  string
		props []prop
		want  string
	}{
		{"overlapping spans",
			long,
			[]prop{
				{id: 12, party: "EU", kind: negotiation.Replace, key: "k1", quote: "Member States to contribute", text: "States to give"},
				{id: 15, party: "G77", kind: negotiation.Delete, key: "k1", quote: "contribute to the trust fund"},
			},
			"conflict: the proposals to incorporate conflict: proposals 12 (EU) and 15 (G77) both change OP3 characters 24–33"},
		{"every conflict listed",
			small,
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", text: "Decides;"},
				{id: 2, party: "US", kind: negotiation.Replace, key: "k1", text: "Decides again;"},
				{id: 3, party: "G77", kind: negotiation.Delete, key: "k2"},
				{id: 4, party: "AU", kind: negotiation.Replace, key: "k2", quote: "report", text: "study"},
				{id: 5, party: "EU", kind: negotiation.Move, key: "k3", target: "k1"},
				{id: 6, party: "US", kind: negotiation.Move, key: "k3"},
				{id: 7, party: "CAN", kind: negotiation.InsertWords, key: "k3", quote: "Decides " + pointMark, text: "also "},
				{id: 8, party: "NOR", kind: negotiation.InsertWords, key: "k3", quote: "Decides " + pointMark, text: "further "},
				{id: 9, party: "AU", kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
			},
			"conflict: the proposals to incorporate conflict: " +
				"proposals 1 (EU) and 2 (US) both replace OP1; " +
				"proposal 1 (EU) replaces OP1 as a whole, which proposal 9 (AU) changes in part; " +
				"proposal 2 (US) replaces OP1 as a whole, which proposal 9 (AU) changes in part; " +
				"proposal 3 (G77) deletes OP2, which proposal 4 (AU) changes; " +
				"proposals 5 (EU) and 6 (US) both move OP3; " +
				"proposals 7 (CAN) and 8 (NOR) both insert words in OP3 after character 8"},
		{"deleting what another moves, deleting twice",
			small,
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Move, key: "k1", target: "k2"},
				{id: 2, party: "US", kind: negotiation.Delete, key: "k1"},
				{id: 3, party: "G77", kind: negotiation.Alternative, key: "k1"},
			},
			"conflict: the proposals to incorporate conflict: " +
				"proposal 2 (US) deletes OP1, which proposal 1 (EU) moves; " +
				"proposal 3 (G77) deletes OP1, which proposal 1 (EU) moves; " +
				"proposals 2 (US) and 3 (G77) both delete OP1"},
		{"insertion inside a changed span",
			small,
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Replace, key: "k2", quote: "a report", text: "reports"},
				{id: 2, party: "US", kind: negotiation.InsertWords, key: "k2", quote: "a " + pointMark, text: "short "},
			},
			"conflict: the proposals to incorporate conflict: proposals 1 (EU) and 2 (US) both change OP2 characters 10–17"},
		{"moves after one another",
			small,
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Move, key: "k1", target: "k3"},
				{id: 2, party: "US", kind: negotiation.Move, key: "k3", target: "k2"},
				{id: 3, party: "G77", kind: negotiation.Move, key: "k2", target: "k1"},
			},
			"conflict: the proposals to incorporate conflict: proposals 1 (EU), 2 (US) and 3 (G77) move OP1, OP3 and OP2 after one another"},
		{"anchors that do not fit",
			small,
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Replace, key: "gone", text: "x"},
				{id: 2, party: "US", kind: negotiation.InsertProvision, key: "k1", text: " "},
			},
			"invalid: some proposals to incorporate do not fit the text: proposal 1 (EU): the text has no provision with key \"gone\"; proposal 2 (US): an inserted provision needs its text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := parse(1, tt.text)
			got, _, err := Revise(v.Provisions, all(t, v, tt.props...), keys())
			if err == nil {
				t.Fatalf("no error; got\n%s", outline(got))
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestReviseQuoteMismatch(t *testing.T) {
	v := parse(1, small)
	p := prop{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"}.in(t, v)
	p.Quote = "must"
	_, _, err := Revise(v.Provisions, []negotiation.Proposal{p}, keys())
	if got := negotiation.ErrorCode(err); got != negotiation.EInvalid {
		t.Errorf("code %q, want %q (%v)", got, negotiation.EInvalid, err)
	}
}
