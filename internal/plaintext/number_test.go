package plaintext

import (
	"slices"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// kl is a provision given by kind and label only.
type kl struct {
	kind  negotiation.ProvisionKind
	label string
}

func TestNumber(t *testing.T) {
	tests := []struct {
		name string
		in   []kl
		want []string
	}{
		{"counted without labels",
			[]kl{{hd, ""}, {pp, ""}, {pp, ""}, {op, ""}, {op, ""}, {tx, ""}, {op, ""}},
			[]string{"", "PP1", "PP2", "OP1", "OP2", "", "OP3"}},
		{"labels give numbers and suffixes",
			[]kl{{op, "3."}, {op, "OP 5 bis"}, {op, "OP1 alt"}, {op, "OP1 alt 2"}, {op, "OP2 Alt 1."}, {op, "3bis"}, {op, "4.1."}, {op, "(7)"}, {op, "OP1 bis1."}},
			[]string{"OP3", "OP5bis", "OP1alt", "OP1alt2", "OP2alt1", "OP3bis", "OP4.1", "OP7", "OP1bis1"}},
		{"unlabelled after numbered gets bis, ter",
			[]kl{{op, "1."}, {op, ""}, {op, ""}, {op, "2."}, {op, "2bis."}, {op, ""}},
			[]string{"OP1", "OP1bis", "OP1ter", "OP2", "OP2bis", "OP2ter"}},
		{"unlabelled before the first number",
			[]kl{{op, ""}, {op, "1."}},
			[]string{"OP0bis", "OP1"}},
		{"preambular labels honoured",
			[]kl{{pp, "PP1"}, {pp, ""}, {pp, "PP3bis"}},
			[]string{"PP1", "PP1bis", "PP3bis"}},
		{"sub-paragraphs",
			[]kl{{op, "2."}, {sp, "(a)"}, {sp, "(a bis)"}, {sp, "(b)"}, {sp, "(i)"}, {sp, "(ii)"}, {sp, "(c)"}, {sp, "d bis"}},
			[]string{"OP2", "OP2(a)", "OP2(abis)", "OP2(b)", "OP2(b)(i)", "OP2(b)(ii)", "OP2(c)", "OP2(dbis)"}},
		{"letter i after h",
			[]kl{{op, "1."}, {sp, "(h)"}, {sp, "(i)"}, {sp, "(j)"}, {sp, "(u)"}, {sp, "(v)"}},
			[]string{"OP1", "OP1(h)", "OP1(i)", "OP1(j)", "OP1(u)", "OP1(v)"}},
		{"roman list first",
			[]kl{{op, "1."}, {sp, "(i)"}, {sp, "(ii)"}, {sp, "(iii)"}, {sp, "(iv)"}, {sp, "(v)"}},
			[]string{"OP1", "OP1(i)", "OP1(ii)", "OP1(iii)", "OP1(iv)", "OP1(v)"}},
		{"sub-paragraph without parent", []kl{{sp, "a."}, {sp, "b."}}, []string{"(a)", "(b)"}},
		{"heading resets the parent",
			[]kl{{op, "1."}, {hd, "Article 2"}, {sp, "(a)"}, {op, "1."}, {sp, "(a)"}},
			[]string{"OP1", "Article 2", "(a)", "OP1", "OP1(a)"}},
		{"heading numbers", []kl{{hd, "2."}, {hd, "Part IV.1"}, {hd, "8bis."}, {hd, ""}}, []string{"2", "Part IV.1", "8bis", ""}},
		{"compound marker names its parent",
			[]kl{{op, "1."}, {sp, "c."}, {sp, "OP1.c. Alt 1."}, {sp, "OP1b. bis."}},
			[]string{"OP1", "OP1(c)", "OP1(calt1)", "OP1(bbis)"}},
		{"preambular sub-paragraph", []kl{{pp, ""}, {sp, "(a)"}}, []string{"PP1", "PP1(a)"}},
		{"unlabelled sub-paragraphs",
			[]kl{{op, "1."}, {sp, ""}, {sp, ""}, {op, "2."}, {sp, "(a)"}, {sp, ""}},
			[]string{"OP1", "OP1(a)", "OP1(b)", "OP2", "OP2(a)", "OP2(abis)"}},
		{"text has no number", []kl{{tx, "3."}}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := make([]negotiation.Provision, len(tt.in))
			for i, p := range tt.in {
				ps[i] = negotiation.Provision{Kind: p.kind, Label: p.label, Text: "x"}
			}
			Number(ps)
			got := make([]string, len(ps))
			for i, p := range ps {
				got[i] = p.Number
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("numbers = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNumberAfterInsert is how the editor numbers a paragraph inserted in
// place: it has no label, so it becomes "bis" to the one before it, and
// nothing after it is renumbered.
func TestNumberAfterInsert(t *testing.T) {
	ps, _ := Parse("Recalling a,\n1. Decides b;\n2. Requests c;\n3. Urges d;")
	inserted := negotiation.Provision{Kind: negotiation.KindOperative, Text: "Also decides e;"}
	ps = slices.Insert(ps, 3, inserted)
	Number(ps)
	want := []string{"PP1", "OP1", "OP2", "OP2bis", "OP3"}
	for i, p := range ps {
		if p.Number != want[i] {
			t.Errorf("provision %d: number %q, want %q", i, p.Number, want[i])
		}
	}
}
