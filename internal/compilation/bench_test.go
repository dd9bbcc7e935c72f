package compilation

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/testtext"
)

// randomProposals makes n tabled proposals from 30 parties on v: spans of
// one to four words (most of them), whole provisions, insertions and
// moves, with co-sponsors and positions. spansOnly keeps to spans.
func randomProposals(v negotiation.Version, n int, spansOnly bool, rng *rand.Rand) []negotiation.Proposal {
	party := func() string { return fmt.Sprintf("P%02d", rng.IntN(30)) }
	words := make([][][2]int, len(v.Provisions)) // per provision: rune spans of its words
	for i, p := range v.Provisions {
		words[i] = wordSpans(p.Text)
	}
	ps := make([]negotiation.Proposal, 0, n)
	for id := int64(1); len(ps) < n; id++ {
		i := rng.IntN(len(v.Provisions))
		prov := v.Provisions[i]
		p := negotiation.Proposal{
			ID: id, BaseVersion: v.Number, Key: prov.Key, Party: party(),
			Status: negotiation.Tabled, Text: "alternative wording",
		}
		if rng.IntN(3) == 0 {
			p.Cosponsors = []string{party(), party()}
			p.Positions = []negotiation.Position{{Party: party(), Stance: negotiation.Support}, {Party: party(), Stance: negotiation.Oppose}}
		}
		roll := rng.IntN(20)
		switch {
		case !spansOnly && roll == 0:
			p.Kind = negotiation.InsertProvision
			p.Text = "Also decides to review the implementation of this resolution;"
		case !spansOnly && roll == 1:
			p.Kind, p.Target = negotiation.Move, v.Provisions[rng.IntN(len(v.Provisions))].Key
			if p.Target == p.Key {
				continue
			}
		case !spansOnly && roll == 2:
			p.Kind = []negotiation.ProposalKind{negotiation.Replace, negotiation.Delete, negotiation.Alternative}[rng.IntN(3)]
		default:
			ws := words[i]
			if len(ws) == 0 {
				continue
			}
			w := rng.IntN(len(ws))
			start, end := ws[w][0], ws[min(w+rng.IntN(4), len(ws)-1)][1]
			p.Kind = []negotiation.ProposalKind{negotiation.Replace, negotiation.Delete, negotiation.Alternative, negotiation.InsertWords}[rng.IntN(4)]
			if p.Kind == negotiation.InsertWords {
				end, p.Text = start, "urgently "
			}
			p.Start, p.End = &start, &end
			p.Quote = negotiation.RuneSlice(prov.Text, start, end)
		}
		ps = append(ps, p)
	}
	return ps
}

// wordSpans gives the rune offsets [start, end) of the words of s.
func wordSpans(s string) [][2]int {
	var out [][2]int
	start, i := -1, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		case !unicode.IsSpace(r) && start < 0:
			start = i
		}
		i++
	}
	if start >= 0 {
		out = append(out, [2]int{start, i})
	}
	return out
}

// BenchmarkCompile compiles a document of about 1,200 provisions with
// 2,000 proposals from 30 parties; with ZERODRAFT_REALTEXT naming a text
// file, also that text with 2,000 random span proposals.
func BenchmarkCompile(b *testing.B) {
	run := func(b *testing.B, v negotiation.Version, ps []negotiation.Proposal) {
		b.ReportAllocs()
		var c Compilation
		for b.Loop() {
			c = Compile(v, ps, nil, Filter{})
		}
		b.ReportMetric(float64(c.Counts.Brackets), "brackets")
		b.ReportMetric(float64(len(c.Orphans)), "orphans")
	}
	b.Run("synthetic-1200x2000", func(b *testing.B) {
		v := parse(1, testtext.Synthetic(1200))
		run(b, v, randomProposals(v, 2000, false, rand.New(rand.NewPCG(1, 2))))
	})
	b.Run("synthetic-1200x2000+text", func(b *testing.B) {
		v := parse(1, testtext.Synthetic(1200))
		ps := randomProposals(v, 2000, false, rand.New(rand.NewPCG(1, 2)))
		b.ReportAllocs()
		for b.Loop() {
			_ = Text(Compile(v, ps, nil, Filter{}))
		}
	})
	b.Run("real", func(b *testing.B) {
		v := parse(1, testtext.Real(b, "ZERODRAFT_REALTEXT"))
		b.Logf("%d provisions", len(v.Provisions))
		run(b, v, randomProposals(v, 2000, true, rand.New(rand.NewPCG(1, 2))))
	})
}

// BenchmarkCarryForward re-anchors 2,000 span proposals onto an edited
// version of the synthetic document.
func BenchmarkCarryForward(b *testing.B) {
	v := parse(1, testtext.Synthetic(1200))
	ps := randomProposals(v, 2000, true, rand.New(rand.NewPCG(1, 2)))
	next := parse(2, strings.ReplaceAll(testtext.Synthetic(1200), "Decides that", "Decides, after due consideration, that"))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range ps {
			CarryForward(p, next.Provisions, 2)
		}
	}
}
