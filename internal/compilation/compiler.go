package compilation

import (
	"cmp"
	"slices"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// placed is a span proposal with its rune offsets; start == end at an
// insertion point.
type placed struct {
	p          *negotiation.Proposal
	start, end int
}

// top stands for "before the first provision" where a provision index is
// expected.
const top = -1

// compiler collects the selected proposals by place, then builds the
// entries in one pass over the version.
type compiler struct {
	v      negotiation.Version
	index  map[string]int            // key → provision index
	spans  [][]placed                // per provision: span proposals
	whole  [][]*negotiation.Proposal // per provision: whole-provision proposals and moves
	after  map[int][]*negotiation.Proposal
	active []bool // per provision: touched by a tabled proposal, shown or not
	shown  int
	orphan []Orphan
	offs   []int // scratch for runeOffsets, reused from provision to provision
}

func newCompiler(v negotiation.Version) *compiler {
	n := len(v.Provisions)
	c := &compiler{
		v:      v,
		index:  make(map[string]int, n),
		spans:  make([][]placed, n),
		whole:  make([][]*negotiation.Proposal, n),
		after:  map[int][]*negotiation.Proposal{},
		active: make([]bool, n),
		orphan: []Orphan{},
	}
	for i, p := range v.Provisions {
		if _, dup := c.index[p.Key]; !dup {
			c.index[p.Key] = i
		}
	}
	return c
}

// add files one proposal (in id order) under the place it shows.
func (c *compiler) add(p *negotiation.Proposal, f Filter) {
	if p.Status == negotiation.Draft {
		return
	}
	if p.Status == negotiation.Orphaned {
		if f.byParty(p) {
			c.orphan = append(c.orphan, orphan(p, "the text it refers to is gone from a later version"))
		}
		return
	}
	i, problem := anchor(p, c.v.Provisions, c.index)
	if problem == "" && p.Status.Active() && p.Kind != negotiation.InsertProvision {
		c.active[i] = true // status is a fact about the text, not about the view
	}
	if !f.shows(p) {
		return
	}
	if problem != "" {
		c.orphan = append(c.orphan, orphan(p, problem))
		return
	}
	c.shown++
	switch {
	case p.Kind == negotiation.InsertProvision:
		c.after[i] = append(c.after[i], p)
	case p.Kind == negotiation.Move:
		c.whole[i] = append(c.whole[i], p)
		t := top
		if p.Target != "" {
			t = c.index[p.Target]
		}
		c.after[t] = append(c.after[t], p)
	case p.HasSpan():
		c.spans[i] = append(c.spans[i], placed{p, *p.Start, *p.End})
	default:
		c.whole[i] = append(c.whole[i], p)
	}
}

// build walks the version once and lays out every entry.
func (c *compiler) build(statuses map[string]negotiation.ProvisionStatus) Compilation {
	out := Compilation{
		Version:    c.v.Number,
		Provisions: make([]Entry, 0, len(c.v.Provisions)+len(c.after)),
		Provenance: []Source{},
		Orphans:    c.orphan,
	}
	var taken map[string]bool // display numbers in use, built on the first insertion
	if len(c.after) > 0 {
		taken = make(map[string]bool, len(c.v.Provisions))
		for _, p := range c.v.Provisions {
			taken[p.Number] = true
		}
	}
	c.extras(&out, top, taken)
	for i := range c.v.Provisions {
		out.Provisions = append(out.Provisions, c.entry(i, statuses[c.v.Provisions[i].Key], &out.Provenance))
		c.extras(&out, i, taken)
	}
	out.Counts = c.count(out)
	return out
}

// entry lays out provision i with its brackets.
func (c *compiler) entry(i int, explicit negotiation.ProvisionStatus, prov *[]Source) Entry {
	p := c.v.Provisions[i]
	e := Entry{
		Key:      p.Key,
		Number:   p.Number,
		Kind:     p.Kind,
		Status:   status(explicit, c.active[i]),
		Segments: c.segments(p.Text, c.spans[i]),
	}
	touching := make([]*negotiation.Proposal, 0, len(c.spans[i])+len(c.whole[i]))
	for _, s := range c.spans[i] {
		touching = append(touching, s.p)
	}
	for _, w := range c.whole[i] {
		e.Whole = append(e.Whole, c.wholeOption(w))
		touching = append(touching, w)
	}
	slices.SortFunc(touching, func(a, b *negotiation.Proposal) int { return cmp.Compare(a.ID, b.ID) })
	for _, t := range touching {
		e.Proposals = append(e.Proposals, t.ID)
		*prov = append(*prov, source(t, p.Key, p.Number))
	}
	return e
}

// extras lays out what is proposed to come after provision a: insertions
// and moves, in id order.
func (c *compiler) extras(out *Compilation, a int, taken map[string]bool) {
	for _, p := range c.after[a] {
		if p.Kind == negotiation.Move {
			m := c.v.Provisions[c.index[p.Key]]
			out.Provisions = append(out.Provisions, Entry{
				Number:    m.Number,
				Kind:      m.Kind,
				Status:    negotiation.StatusBracketed,
				Segments:  []Segment{},
				Proposals: []int64{p.ID},
				Moved:     &Move{Key: m.Key, Number: m.Number, Proposal: p.ID, Parties: parties(p)},
			})
			continue
		}
		var anchorKind negotiation.ProvisionKind
		if a != top {
			anchorKind = c.v.Provisions[a].Kind
		}
		kind := insertedKind(p.Text, anchorKind)
		number := provisional(stem(c.v.Provisions, a, kind), taken)
		out.Provisions = append(out.Provisions, Entry{
			Number:    number,
			Kind:      kind,
			Status:    negotiation.StatusBracketed,
			Segments:  []Segment{{Options: []Option{{}, option(p, p.Text)}}},
			Proposals: []int64{p.ID},
			Inserted:  &Insertion{After: p.Key, Proposal: p.ID},
		})
		out.Provenance = append(out.Provenance, source(p, p.Key, number))
	}
}

// segments cuts text into plain runs and brackets. Spans that overlap
// (or insertion points at the same place, or inside a span) merge into one
// bracket over their union, in which each proposal's option is its effect
// on the whole union; so two delegations' proposals on the same words are
// both kept and both shown.
func (c *compiler) segments(text string, spans []placed) []Segment {
	if len(spans) == 0 {
		if text == "" {
			return []Segment{}
		}
		return []Segment{{Text: text}}
	}
	slices.SortStableFunc(spans, func(a, b placed) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	c.offs = runeOffsets(c.offs[:0], text)
	offs := c.offs
	var segs []Segment
	pos := 0
	for k := 0; k < len(spans); {
		lo, hi := spans[k].start, spans[k].end
		j := k + 1
		for ; j < len(spans) && joins(lo, hi, spans[j]); j++ {
			hi = max(hi, spans[j].end)
		}
		if lo > pos {
			segs = append(segs, Segment{Text: text[offs[pos]:offs[lo]]})
		}
		segs = append(segs, bracket(text, offs, lo, hi, spans[k:j]))
		pos, k = hi, j
	}
	if pos < len(offs)-1 {
		segs = append(segs, Segment{Text: text[offs[pos]:]})
	}
	return segs
}

// joins reports whether span s belongs to the bracket [lo, hi) built so
// far (s starts no earlier). A point at the edge of a span stays a bracket
// of its own, before or after it, as the place of the insertion is clear.
func joins(lo, hi int, s placed) bool {
	return s.start < hi || (lo == hi && s.start == lo && s.end == s.start)
}

// bracket builds the bracket over runes [lo, hi) of text from the spans
// inside it; options follow the base text in id order.
func bracket(text string, offs []int, lo, hi int, spans []placed) Segment {
	slices.SortFunc(spans, func(a, b placed) int { return cmp.Compare(a.p.ID, b.p.ID) })
	base := text[offs[lo]:offs[hi]]
	opts := make([]Option, 0, len(spans)+1)
	opts = append(opts, Option{Text: base})
	for _, s := range spans {
		effect := s.p.Text
		if s.p.Kind == negotiation.Delete {
			effect = ""
		}
		opts = append(opts, option(s.p, text[offs[lo]:offs[s.start]]+effect+text[offs[s.end]:offs[hi]]))
	}
	return Segment{Text: base, Options: opts}
}

// runeOffsets appends to offs the byte offset of every rune of s and,
// last, len(s). Invalid bytes count as one rune each, as in a []rune
// conversion.
func runeOffsets(offs []int, s string) []int {
	for b := range s {
		offs = append(offs, b)
	}
	return append(offs, len(s))
}

// wholeOption is the option a proposal on a provision as a whole offers.
func (c *compiler) wholeOption(p *negotiation.Proposal) Option {
	switch p.Kind {
	case negotiation.Delete:
		return option(p, "")
	case negotiation.Move:
		o := option(p, "")
		if p.Target != "" {
			o.Target, o.TargetNumber = p.Target, c.v.Provisions[c.index[p.Target]].Number
		}
		return o
	}
	return option(p, p.Text)
}

// option is proposal p's formulation text with its attribution and the
// positions taken on it.
func option(p *negotiation.Proposal, text string) Option {
	o := Option{Text: text, Proposal: p.ID, Kind: p.Kind, Parties: parties(p), CreditedTo: p.CreditedTo}
	for _, pos := range p.Positions {
		switch pos.Stance {
		case negotiation.Support:
			o.Support = append(o.Support, pos.Party)
		case negotiation.Oppose:
			o.Oppose = append(o.Oppose, pos.Party)
		case negotiation.Reservation:
			o.Reservation = append(o.Reservation, pos.Party)
		case negotiation.AdRef:
			o.AdRef = append(o.AdRef, pos.Party)
		}
	}
	slices.Sort(o.Support)
	slices.Sort(o.Oppose)
	slices.Sort(o.Reservation)
	slices.Sort(o.AdRef)
	return o
}

// parties is the attribution of p: the proposer, then its co-sponsors.
func parties(p *negotiation.Proposal) []string {
	out := make([]string, 0, 1+len(p.Cosponsors))
	out = append(out, p.Party)
	for _, c := range p.Cosponsors {
		if c != p.Party {
			out = append(out, c)
		}
	}
	return out
}

// orphan lists p apart with the reason it cannot be shown.
func orphan(p *negotiation.Proposal, reason string) Orphan {
	return Orphan{
		Option:      option(p, p.Text),
		Status:      p.Status,
		BaseVersion: p.BaseVersion,
		Key:         p.Key,
		Quote:       p.Quote,
		Reason:      reason,
	}
}

func source(p *negotiation.Proposal, key, number string) Source {
	return Source{Key: key, Number: number, Proposal: p.ID, Party: p.Party, Kind: p.Kind}
}

// status is a provision's status: the chair's when it is a decision
// (agreed, agreed ad ref, reopened), else derived from the brackets.
func status(explicit negotiation.ProvisionStatus, active bool) negotiation.ProvisionStatus {
	switch explicit {
	case negotiation.StatusAgreed, negotiation.StatusAdRef, negotiation.StatusReopened:
		return explicit
	}
	if active || explicit == negotiation.StatusBracketed {
		return negotiation.StatusBracketed
	}
	return negotiation.StatusOpen
}

// count fills the compilation's counts.
func (c *compiler) count(out Compilation) Counts {
	n := Counts{
		Provisions: map[negotiation.ProvisionStatus]int{
			negotiation.StatusOpen: 0, negotiation.StatusBracketed: 0, negotiation.StatusAdRef: 0,
			negotiation.StatusAgreed: 0, negotiation.StatusReopened: 0,
		},
		Proposals: c.shown,
		Orphans:   len(out.Orphans),
	}
	for _, e := range out.Provisions {
		if e.Inserted == nil && e.Moved == nil {
			n.Provisions[e.Status]++
		}
		if len(e.Whole) > 0 {
			n.Brackets++
		}
		for _, s := range e.Segments {
			if len(s.Options) > 0 {
				n.Brackets++
			}
		}
	}
	return n
}
