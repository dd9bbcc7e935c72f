package compilation

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// parse builds version number n from a plain text, keyed k1, k2, … in
// order, as the store would after an import.
func parse(n int, text string) negotiation.Version {
	ps, _ := plaintext.Parse(text)
	for i := range ps {
		ps[i].Key = "k" + strconv.Itoa(i+1)
	}
	return negotiation.Version{Number: n, Provisions: ps}
}

// fixture is the small resolution in testdata as version 2.
func fixture(t testing.TB) negotiation.Version {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "resolution.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return parse(2, string(b))
}

// prop is a tabled proposal by party against version 2; with a quote it
// is anchored to the first occurrence of the quote in the provision's
// text, which is looked up in v.
type prop struct {
	id      int64
	party   string
	kind    negotiation.ProposalKind
	key     string
	quote   string // span to change; "" = the whole provision
	text    string
	target  string
	cospons []string
	status  negotiation.ProposalStatus
}

// pointMark ending a quote makes the proposal an insertion point right
// after the quoted words.
const pointMark = "^"

func (p prop) in(t testing.TB, v negotiation.Version) negotiation.Proposal {
	t.Helper()
	out := negotiation.Proposal{
		ID: p.id, BaseVersion: v.Number, Kind: p.kind, Key: p.key, Text: p.text, Target: p.target,
		Party: p.party, Cosponsors: p.cospons, Status: p.status,
	}
	if out.Status == "" {
		out.Status = negotiation.Tabled
	}
	if p.quote == "" {
		return out
	}
	var text string
	for _, pr := range v.Provisions {
		if pr.Key == p.key {
			text = pr.Text
		}
	}
	quote, point := strings.CutSuffix(p.quote, pointMark)
	i := strings.Index(text, quote)
	if i < 0 {
		t.Fatalf("proposal %d: %q is not in provision %s: %q", p.id, quote, p.key, text)
	}
	start := utf8.RuneCountInString(text[:i])
	end := start + utf8.RuneCountInString(quote)
	if point {
		start = end
		quote = ""
	}
	out.Start, out.End, out.Quote = &start, &end, quote
	return out
}

// all anchors every prop in v.
func all(t testing.TB, v negotiation.Version, ps ...prop) []negotiation.Proposal {
	t.Helper()
	out := make([]negotiation.Proposal, len(ps))
	for i, p := range ps {
		out[i] = p.in(t, v)
	}
	return out
}

// reconstruct concatenates the base texts of an entry's segments.
func reconstruct(e Entry) string {
	var b strings.Builder
	for _, s := range e.Segments {
		b.WriteString(s.Text)
		if len(s.Options) > 0 && s.Options[0].Text != s.Text {
			b.WriteString("\x00option 0 differs\x00")
		}
	}
	return b.String()
}

// checkReconstruction checks that every provision of v comes back from
// its entry, in order.
func checkReconstruction(t testing.TB, v negotiation.Version, c Compilation) {
	t.Helper()
	var got []string
	for _, e := range c.Provisions {
		if e.Inserted == nil && e.Moved == nil {
			got = append(got, e.Key+"\x00"+reconstruct(e))
		}
	}
	if len(got) != len(v.Provisions) {
		t.Fatalf("%d provision entries for %d provisions", len(got), len(v.Provisions))
	}
	for i, p := range v.Provisions {
		if want := p.Key + "\x00" + p.Text; got[i] != want {
			t.Errorf("entry %d gives back %q, want %q", i, got[i], want)
		}
	}
}
