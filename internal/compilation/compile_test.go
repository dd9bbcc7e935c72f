package compilation

import (
	"slices"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// small is a numbered three-paragraph text: OP1 (k1), OP2 (k2), OP3 (k3).
const small = "1. Decides that each Party shall take measures;\n2. Requests a report;\n3. Decides to remain seized of the matter."

// lines renders c without the provenance table.
func lines(c Compilation) string {
	text, _, _ := strings.Cut(Text(c), "\nProvenance\n")
	return text
}

func TestCompileKinds(t *testing.T) {
	tests := []struct {
		name  string
		props []prop
		want  string
	}{
		{"no proposal",
			nil,
			"OP1 Decides that each Party shall take measures;\nOP2 Requests a report;\nOP3 Decides to remain seized of the matter.\n"},
		{"replace a span",
			[]prop{{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"}},
			"OP1 Decides that each Party [shall] [should]{#1 EU} take measures;\n"},
		{"delete a span",
			[]prop{{id: 1, party: "US", kind: negotiation.Delete, key: "k1", quote: " each Party"}},
			"OP1 Decides that[ each Party] []{#1 US: delete} shall take measures;\n"},
		{"insert words at a point",
			[]prop{{id: 1, party: "EU", kind: negotiation.InsertWords, key: "k1", quote: "take " + pointMark, text: "urgent "}},
			"OP1 Decides that each Party shall take [urgent ]{#1 EU}measures;\n"},
		{"insert words at the start",
			[]prop{{id: 1, party: "EU", kind: negotiation.InsertWords, key: "k2", quote: pointMark, text: "Also "}},
			"OP2 [Also ]{#1 EU}Requests a report;\n"},
		{"alternatives and no text on a span",
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Alternative, key: "k1", quote: "shall", text: "should"},
				{id: 2, party: "US", kind: negotiation.Alternative, key: "k1", quote: "shall"},
			},
			"OP1 Decides that each Party [shall] [should]{#1 EU} []{#2 US: no text} take measures;\n"},
		{"replace the whole provision",
			[]prop{{id: 1, party: "G77", cospons: []string{"BRA"}, kind: negotiation.Replace, key: "k2", text: "Requests two reports;"}},
			"OP2 Option 1: [Requests a report;]\n    Option 2: [Requests two reports;]{#1 G77, BRA}\n"},
		{"delete the whole provision",
			[]prop{{id: 1, party: "US", kind: negotiation.Delete, key: "k3"}},
			"OP3 Option 1: [Decides to remain seized of the matter.]\n    Option 2: []{#1 US: delete}\n"},
		{"alternatives to the whole provision stack",
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Alternative, key: "k2", text: "Requests a short report;"},
				{id: 2, party: "US", kind: negotiation.Alternative, key: "k2"},
			},
			"OP2 Option 1: [Requests a report;]\n    Option 2: [Requests a short report;]{#1 EU}\n    Option 3: []{#2 US: no text}\n"},
		{"span brackets inside a whole-provision option",
			[]prop{
				{id: 1, party: "EU", kind: negotiation.Replace, key: "k2", quote: "a report", text: "two reports"},
				{id: 2, party: "US", kind: negotiation.Delete, key: "k2"},
			},
			"OP2 Option 1: [Requests [a report] [two reports]{#1 EU};]\n    Option 2: []{#2 US: delete}\n"},
		{"insert a provision",
			[]prop{{id: 1, party: "AOSIS", kind: negotiation.InsertProvision, key: "k1", text: "Also decides to establish a fund;"}},
			"OP1bis [Also decides to establish a fund;]{#1 AOSIS}\n"},
		{"insert a provision at the top",
			[]prop{{id: 1, party: "EU", kind: negotiation.InsertProvision, text: "Recalling its resolution 70/1,"}},
			"PP0bis [Recalling its resolution 70/1,]{#1 EU}\n"},
		{"move after another provision",
			[]prop{{id: 1, party: "EU", kind: negotiation.Move, key: "k1", target: "k2"}},
			"OP1 Option 1: [Decides that each Party shall take measures;]\n    Option 2: []{#1 EU: move after OP2}\nOP2 Requests a report;\nOP1 [moved here]{#1 EU: move}\n"},
		{"move to the top",
			[]prop{{id: 1, party: "EU", kind: negotiation.Move, key: "k3"}},
			"OP3 [moved here]{#1 EU: move}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := parse(1, small)
			c := Compile(v, all(t, v, tt.props...), nil, Filter{})
			checkReconstruction(t, v, c)
			got := lines(c)
			for _, line := range strings.SplitAfter(tt.want, "\n") {
				if !strings.Contains(got, line) {
					t.Errorf("missing %q in\n%s", line, got)
				}
			}
		})
	}
}

func TestCompileOverlapKeepsBoth(t *testing.T) {
	// Two delegations select overlapping words of the same paragraph at the
	// same moment: both stay, each shown over the union of the spans.
	v := parse(1, small)
	ps := all(t, v,
		prop{id: 7, party: "EU", kind: negotiation.Replace, key: "k1", quote: "each Party shall", text: "all Parties should"},
		prop{id: 3, party: "G77", kind: negotiation.Replace, key: "k1", quote: "shall take", text: "may take"},
		prop{id: 9, party: "US", kind: negotiation.InsertWords, key: "k1", quote: "each " + pointMark, text: "developed "},
	)
	c := Compile(v, ps, nil, Filter{})
	checkReconstruction(t, v, c)
	segs := c.Provisions[0].Segments
	if len(segs) != 3 {
		t.Fatalf("got %d segments, want plain, bracket, plain: %+v", len(segs), segs)
	}
	var got []string
	for _, o := range segs[1].Options {
		got = append(got, o.Text)
	}
	want := []string{"each Party shall take", "each Party may take", "all Parties should take", "each developed Party shall take"}
	if !slices.Equal(got, want) {
		t.Errorf("options %q, want %q", got, want)
	}
	if got, want := c.Provisions[0].Proposals, []int64{3, 7, 9}; !slices.Equal(got, want) {
		t.Errorf("proposals %v, want %v", got, want)
	}
	if c.Counts.Brackets != 1 || c.Counts.Proposals != 3 {
		t.Errorf("counts %+v, want 1 bracket and 3 proposals", c.Counts)
	}
}

func TestCompileAdjacentSpans(t *testing.T) {
	// Spans that only touch, and a point at the edge of a span, stay
	// separate brackets: where each applies is clear.
	v := parse(1, small)
	ps := all(t, v,
		prop{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", quote: "each Party", text: "every Party"},
		prop{id: 2, party: "US", kind: negotiation.Replace, key: "k1", quote: " shall", text: " should"},
		prop{id: 3, party: "G77", kind: negotiation.InsertWords, key: "k1", quote: "each Party shall" + pointMark, text: " promptly"},
		prop{id: 4, party: "AU", kind: negotiation.InsertWords, key: "k1", quote: "each Party shall" + pointMark, text: " progressively"},
	)
	c := Compile(v, ps, nil, Filter{})
	checkReconstruction(t, v, c)
	want := "OP1 Decides that [each Party] [every Party]{#1 EU}[ shall] [ should]{#2 US}[ promptly]{#3 G77} [ progressively]{#4 AU} take measures;\n"
	if got := lines(c); !strings.HasPrefix(got, want) {
		t.Errorf("got\n%s\nwant first line\n%s", got, want)
	}
}

func TestCompileFilter(t *testing.T) {
	v := parse(1, small)
	ps := all(t, v,
		prop{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
		prop{id: 2, party: "G77", cospons: []string{"BRA"}, kind: negotiation.Delete, key: "k2"},
		prop{id: 3, party: "BRA", kind: negotiation.Delete, key: "k3", status: negotiation.Draft},
		prop{id: 4, party: "US", kind: negotiation.Delete, key: "k3", status: negotiation.Withdrawn},
		prop{id: 5, party: "US", kind: negotiation.Delete, key: "k1", status: negotiation.Incorporated},
		prop{id: 6, party: "BRA", kind: negotiation.Replace, key: "k2", quote: "report", text: "study", status: negotiation.Orphaned},
	)
	tests := []struct {
		name    string
		f       Filter
		shown   []int64
		orphans []int64
	}{
		{"default: tabled only", Filter{}, []int64{1, 2}, []int64{6}},
		{"by proposer", Filter{Parties: []string{"EU"}}, []int64{1}, nil},
		{"by co-sponsor", Filter{Parties: []string{"BRA"}}, []int64{2}, []int64{6}},
		{"several parties", Filter{Parties: []string{"EU", "G77"}}, []int64{1, 2}, nil},
		{"unknown party", Filter{Parties: []string{"XYZ"}}, nil, nil},
		{"other statuses on request", Filter{Statuses: []negotiation.ProposalStatus{negotiation.Withdrawn, negotiation.Incorporated}}, []int64{4, 5}, []int64{6}},
		{"drafts never", Filter{Statuses: []negotiation.ProposalStatus{negotiation.Draft, negotiation.Tabled}}, []int64{1, 2}, []int64{6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compile(v, ps, nil, tt.f)
			var shown, orphans []int64
			for _, s := range c.Provenance {
				shown = append(shown, s.Proposal)
			}
			slices.Sort(shown)
			for _, o := range c.Orphans {
				orphans = append(orphans, o.Proposal)
			}
			if !slices.Equal(shown, tt.shown) {
				t.Errorf("shown %v, want %v", shown, tt.shown)
			}
			if !slices.Equal(orphans, tt.orphans) {
				t.Errorf("orphans %v, want %v", orphans, tt.orphans)
			}
			if c.Counts.Proposals != len(tt.shown) || c.Counts.Orphans != len(tt.orphans) {
				t.Errorf("counts %+v", c.Counts)
			}
			// The status is a fact about the text, whatever the view.
			if got := c.Provisions[0].Status; got != negotiation.StatusBracketed {
				t.Errorf("OP1 is %s, want bracketed", got)
			}
		})
	}
}

func TestCompileStatus(t *testing.T) {
	v := parse(1, small+"\n4. Urges action.\n5. Notes progress.")
	ps := all(t, v,
		prop{id: 1, party: "EU", kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
		prop{id: 2, party: "EU", kind: negotiation.Replace, key: "k2", quote: "a report", text: "reports"},
		prop{id: 3, party: "EU", kind: negotiation.Delete, key: "k3", status: negotiation.Withdrawn},
		prop{id: 4, party: "EU", kind: negotiation.InsertProvision, key: "k4", text: "Also urges action."},
	)
	statuses := map[string]negotiation.ProvisionStatus{
		"k1": negotiation.StatusAgreed,    // the chair's decision wins
		"k2": negotiation.StatusReopened,  // so does reopening
		"k3": negotiation.StatusOpen,      // explicit open is the default
		"k5": negotiation.StatusBracketed, // a reservation on the provision
	}
	c := Compile(v, ps, statuses, Filter{})
	want := map[string]negotiation.ProvisionStatus{
		"k1": negotiation.StatusAgreed, "k2": negotiation.StatusReopened, "k3": negotiation.StatusOpen,
		"k4": negotiation.StatusOpen, "k5": negotiation.StatusBracketed,
	}
	for _, e := range c.Provisions {
		if e.Inserted != nil {
			if e.Status != negotiation.StatusBracketed {
				t.Errorf("inserted %s is %s, want bracketed", e.Number, e.Status)
			}
			continue
		}
		if e.Status != want[e.Key] {
			t.Errorf("%s is %s, want %s", e.Key, e.Status, want[e.Key])
		}
	}
	counts := map[negotiation.ProvisionStatus]int{
		negotiation.StatusOpen: 2, negotiation.StatusBracketed: 1, negotiation.StatusAdRef: 0,
		negotiation.StatusAgreed: 1, negotiation.StatusReopened: 1,
	}
	for s, n := range counts {
		if c.Counts.Provisions[s] != n {
			t.Errorf("%d provisions %s, want %d", c.Counts.Provisions[s], s, n)
		}
	}
}

func TestCompileInsertionNumbers(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		props []prop
		want  []string // numbers of the entries, in order
	}{
		{"after a numbered paragraph",
			small,
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k1", text: "Also decides to act;"}},
			[]string{"OP1", "OP1bis", "OP2", "OP3"}},
		{"two after the same paragraph, in id order",
			small,
			[]prop{
				{id: 2, kind: negotiation.InsertProvision, key: "k2", text: "Further requests a study;"},
				{id: 1, kind: negotiation.InsertProvision, key: "k2", text: "Also requests a review;"},
			},
			[]string{"OP1", "OP2", "OP2bis", "OP2ter", "OP3"}},
		{"after a bis paragraph",
			"1. Decides to act;\n1bis. Also decides to act;\n2. Requests a report;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k2", text: "Further decides to act;"}},
			[]string{"OP1", "OP1bis", "OP1ter", "OP2"}},
		{"before an existing bis skips its number",
			"1. Decides to act;\n1bis. Also decides to act;\n2. Requests a report;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k1", text: "Further decides to act;"}},
			[]string{"OP1", "OP1ter", "OP1bis", "OP2"}},
		{"a sub-paragraph",
			"2. Requests the Executive Director to:\n(a) Provide support;\n(b) Report;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k2", text: "(c) Consult observers;"}},
			[]string{"OP2", "OP2(a)", "OP2(abis)", "OP2(b)"}},
		{"an operative paragraph after the preamble",
			"Recalling its resolution 70/1,\n1. Decides to act;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k1", text: "Decides to begin;"}},
			[]string{"PP1", "OP0bis", "OP1"}},
		{"a preambular paragraph",
			"Recalling its resolution 70/1,\nNoting the report,\n1. Decides to act;",
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k1", text: "Welcoming the progress made,"}},
			[]string{"PP1", "PP1bis", "PP2", "OP1"}},
		{"text it cannot place takes the kind before it",
			small,
			[]prop{{id: 1, kind: negotiation.InsertProvision, key: "k3", text: "the matter remains open;"}},
			[]string{"OP1", "OP2", "OP3", "OP3bis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := parse(1, tt.text)
			c := Compile(v, all(t, v, tt.props...), nil, Filter{})
			var got []string
			for _, e := range c.Provisions {
				got = append(got, e.Number)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("numbers %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProvisional(t *testing.T) {
	tests := []struct {
		stem  string
		taken []string
		want  string
	}{
		{"OP3", nil, "OP3bis"},
		{"OP3", []string{"OP3bis"}, "OP3ter"},
		{"OP3bis", nil, "OP3ter"},
		{"OP3ter", nil, "OP3quater"},
		{"OP3quater", nil, "OP3quinquies"},
		{"OP3terdecies", nil, "OP3quaterdecies"},
		{"OP3vicies", nil, "OP3-20"},
		{"OP3-20", nil, "OP3-21"},
		{"OP2(a)", nil, "OP2(abis)"},
		{"OP2(abis)", nil, "OP2(ater)"},
		{"Article 5", nil, "Article 5bis"},
		{"OP6alt", nil, "OP6altbis"},
		{"", nil, ""},
	}
	for _, tt := range tests {
		taken := map[string]bool{}
		for _, n := range tt.taken {
			taken[n] = true
		}
		if got := provisional(tt.stem, taken); got != tt.want {
			t.Errorf("provisional(%q) = %q, want %q", tt.stem, got, tt.want)
		}
	}
}

func TestCompileProvenance(t *testing.T) {
	v := parse(1, small)
	ps := all(t, v,
		prop{id: 12, party: "EU", kind: negotiation.InsertProvision, key: "k3", text: "Also decides to act;"},
		prop{id: 5, party: "US", kind: negotiation.Delete, key: "k2"},
		prop{id: 4, party: "G77", kind: negotiation.Replace, key: "k2", quote: "a report", text: "reports"},
	)
	c := Compile(v, ps, nil, Filter{})
	want := []Source{
		{Key: "k2", Number: "OP2", Proposal: 4, Party: "G77", Kind: negotiation.Replace},
		{Key: "k2", Number: "OP2", Proposal: 5, Party: "US", Kind: negotiation.Delete},
		{Key: "k3", Number: "OP3bis", Proposal: 12, Party: "EU", Kind: negotiation.InsertProvision},
	}
	if !slices.Equal(c.Provenance, want) {
		t.Errorf("provenance\n%+v\nwant\n%+v", c.Provenance, want)
	}
	if got, want := Text(c)[strings.Index(Text(c), "Provenance"):], "Provenance\nOP2 ← G77, proposal 4 (replace)\nOP2 ← US, proposal 5 (delete)\nOP3bis ← EU, proposal 12 (insert)\n"; got != want {
		t.Errorf("provenance table\n%s\nwant\n%s", got, want)
	}
}

func TestCompileOrphans(t *testing.T) {
	v := parse(3, small)
	start, end := 40, 10
	ps := all(t, v,
		prop{id: 1, party: "EU", kind: negotiation.Replace, key: "gone", text: "x"},
		prop{id: 2, party: "EU", kind: negotiation.Move, key: "k1", target: "gone"},
		prop{id: 3, party: "EU", kind: negotiation.InsertProvision, key: "gone", text: "Decides;"},
		prop{id: 4, party: "EU", kind: negotiation.Replace, key: "k1", text: "x"},
		prop{id: 5, party: "EU", kind: "amend", key: "k1", text: "x"},
	)
	ps[3].Start, ps[3].End = &start, &end
	c := Compile(v, ps, nil, Filter{})
	want := []string{
		`the text has no provision with key "gone"`,
		`move target "gone" is not another provision of the text`,
		`the text has no provision with key "gone"`,
		"span [40, 10) is outside OP1, which has 44 characters",
		`kind "amend": use insert, insert_words, delete, replace, alternative or move`,
	}
	var got []string
	for _, o := range c.Orphans {
		got = append(got, o.Reason)
	}
	if !slices.Equal(got, want) {
		t.Errorf("reasons\n%q\nwant\n%q", got, want)
	}
	for _, e := range c.Provisions {
		if e.Status != negotiation.StatusOpen {
			t.Errorf("%s is %s: a proposal that does not fit brackets nothing", e.Number, e.Status)
		}
	}
}

func TestCompileKeepsMarkupRaw(t *testing.T) {
	v := parse(1, `1. Decides <b>that</b> each Party & "all" shall act;`)
	ps := all(t, v, prop{id: 1, party: "X", kind: negotiation.Replace, key: "k1", quote: "<b>that</b>", text: `<img src=x onerror="alert(1)">`})
	c := Compile(v, ps, nil, Filter{})
	got := lines(c)
	want := `OP1 Decides [<b>that</b>] [<img src=x onerror="alert(1)">]{#1 X} each Party & "all" shall act;` + "\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCompileInvalidUTF8(t *testing.T) {
	// Offsets count an invalid byte as one character, as RuneSlice does.
	v := negotiation.Version{Number: 1, Provisions: []negotiation.Provision{{Key: "k", Number: "OP1", Kind: negotiation.KindOperative, Text: "a\xffbé c"}}}
	ps := all(t, v, prop{id: 1, party: "X", kind: negotiation.Replace, key: "k", quote: "bé", text: "B"})
	c := Compile(v, ps, nil, Filter{})
	checkReconstruction(t, v, c)
	if len(c.Orphans) != 0 || c.Counts.Brackets != 1 {
		t.Errorf("orphans %+v, counts %+v", c.Orphans, c.Counts)
	}
}

func TestCompileMoveWithoutNumber(t *testing.T) {
	v := parse(1, "The General Assembly,\n1. Decides to act;")
	c := Compile(v, all(t, v, prop{id: 1, party: "EU", kind: negotiation.Move, key: "k1", target: "k2"}), nil, Filter{})
	want := "Option 1: [The General Assembly,]\n" +
		"Option 2: []{#1 EU: move after OP1}\n" +
		"OP1 Decides to act;\n" +
		"(k1) [moved here]{#1 EU: move}\n"
	if got := lines(c); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
