package drafting

import (
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func numbers(ps []negotiation.Provision) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Number)
	}
	return strings.Join(out, " ")
}

func TestRenumberAfterMoveInsertDelete(t *testing.T) {
	v1, _, err := FromText("Recalling its resolution 70/1,\n1. Decides to act;\n2. Requests a report;\n(a) on costs;\n3. Invites States to help.")
	if err != nil {
		t.Fatal(err)
	}
	if !Sequential(v1) {
		t.Fatal("a 1., 2., 3. text is not seen as sequential")
	}
	// Move OP3 before OP1, insert a paragraph after it, delete OP2's (a).
	drafts := []Draft{{Text: v1[0].FullText()}, {Text: v1[4].FullText()}, {Text: "Calls upon all parties;"}, {Text: v1[1].FullText()}, {Text: v1[2].FullText()}}
	v2, _, err := FromDrafts(drafts)
	if err != nil {
		t.Fatal(err)
	}
	Renumber(v2)
	if got, want := numbers(v2), "PP1 OP1 OP2 OP3 OP4"; got != want {
		t.Errorf("numbers = %q, want %q", got, want)
	}
	if v2[1].Text != "Invites States to help." || v2[1].Label != "1." {
		t.Errorf("moved paragraph = %+v", v2[1])
	}
}

func TestTreatyNumberingIsNotSequential(t *testing.T) {
	ps, _, err := FromText("Article 1\n1. Each Party shall act.\n2. Each Party shall report.\nArticle 2\n1. The Conference shall meet.")
	if err != nil {
		t.Fatal(err)
	}
	if Sequential(ps) {
		t.Error("numbers restarting per article were taken for a sequential text")
	}
}
