package compilation

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// conflicts lists, for a person, every pair of proposals (in id order)
// that cannot both be incorporated, and every ring of moves. ps are in id
// order and fit base.
func conflicts(ps []*negotiation.Proposal, base []negotiation.Provision, index map[string]int) []string {
	touching := make([][]*negotiation.Proposal, len(base))
	for _, p := range ps {
		if p.Kind != negotiation.InsertProvision {
			i := index[p.Key]
			touching[i] = append(touching[i], p)
		}
	}
	var msgs []string
	for i, t := range touching {
		for a := range t {
			for b := a + 1; b < len(t); b++ {
				if m := conflict(t[a], t[b], where(base[i])); m != "" {
					msgs = append(msgs, m)
				}
			}
		}
	}
	return append(msgs, moveRings(ps, base, index)...)
}

// conflict describes why a and b (a first by id) cannot both change the
// provision named w, or gives "".
func conflict(a, b *negotiation.Proposal, w string) string {
	switch {
	case a.Kind == negotiation.Move && b.Kind == negotiation.Move:
		return fmt.Sprintf("proposals %s and %s both move %s", who(a), who(b), w)
	case deletesWhole(a) && deletesWhole(b):
		return fmt.Sprintf("proposals %s and %s both delete %s", who(a), who(b), w)
	case deletesWhole(a):
		return fmt.Sprintf("proposal %s deletes %s, which proposal %s %s", who(a), w, who(b), verb(b))
	case deletesWhole(b):
		return fmt.Sprintf("proposal %s deletes %s, which proposal %s %s", who(b), w, who(a), verb(a))
	case a.Kind == negotiation.Move || b.Kind == negotiation.Move:
		return "" // a provision can be moved and edited
	case !a.HasSpan() && !b.HasSpan():
		return fmt.Sprintf("proposals %s and %s both replace %s", who(a), who(b), w)
	case !a.HasSpan() || !b.HasSpan():
		whole, part := a, b
		if a.HasSpan() {
			whole, part = b, a
		}
		return fmt.Sprintf("proposal %s replaces %s as a whole, which proposal %s changes in part", who(whole), w, who(part))
	}
	return spanConflict(a, b, w)
}

// spanConflict describes the overlap of two spans of one provision: two
// spans sharing characters, an insertion inside a changed span, or two
// insertions at the same point (whose order nobody decided).
func spanConflict(a, b *negotiation.Proposal, w string) string {
	as, ae, bs, be := *a.Start, *a.End, *b.Start, *b.End
	lo, hi := max(as, bs), min(ae, be)
	switch {
	case as == ae && bs == be:
		if as != bs {
			return ""
		}
		at := "after character " + strconv.Itoa(as)
		if as == 0 {
			at = "at the start"
		}
		return fmt.Sprintf("proposals %s and %s both insert words in %s %s", who(a), who(b), w, at)
	case as == ae || bs == be:
		point, s, e := as, bs, be
		if bs == be {
			point, s, e = bs, as, ae
		}
		if point <= s || point >= e {
			return "" // at the edge: before or after the span, clearly
		}
		lo, hi = s, e
	case lo >= hi:
		return ""
	}
	return fmt.Sprintf("proposals %s and %s both change %s characters %d–%d", who(a), who(b), w, lo+1, hi)
}

// moveRings finds moves that put provisions after one another (OP2 after
// OP5 and OP5 after OP2), which leave no place to put either.
func moveRings(ps []*negotiation.Proposal, base []negotiation.Provision, index map[string]int) []string {
	moves := map[string]*negotiation.Proposal{} // moved key → first move of it
	for _, p := range ps {
		if _, seen := moves[p.Key]; p.Kind == negotiation.Move && !seen {
			moves[p.Key] = p
		}
	}
	reported := map[string]bool{}
	var msgs []string
	for _, p := range ps {
		if p.Kind != negotiation.Move || moves[p.Key] != p || reported[p.Key] {
			continue
		}
		ring := []*negotiation.Proposal{p}
		for t := p.Target; t != p.Key; t = moves[t].Target {
			if moves[t] == nil || len(ring) > len(moves) || slices.Contains(ring, moves[t]) {
				ring = nil // the chain ends at a provision that stays, or in a ring without p
				break
			}
			ring = append(ring, moves[t])
		}
		if ring == nil {
			continue
		}
		slices.SortFunc(ring, func(a, b *negotiation.Proposal) int { return cmp.Compare(a.ID, b.ID) })
		var whos, whats []string
		for _, m := range ring {
			reported[m.Key] = true
			whos = append(whos, who(m))
			whats = append(whats, where(base[index[m.Key]]))
		}
		msgs = append(msgs, fmt.Sprintf("proposals %s move %s after one another", enumerate(whos), enumerate(whats)))
	}
	return msgs
}

// verb says what a proposal does to a provision another one deletes.
func verb(p *negotiation.Proposal) string {
	if p.Kind == negotiation.Move {
		return "moves"
	}
	return "changes"
}

// who names a proposal as a person reads it: "12 (EU)".
func who(p *negotiation.Proposal) string {
	return strconv.FormatInt(p.ID, 10) + " (" + p.Party + ")"
}

// where names a provision: its number, or its key when it has none.
func where(p negotiation.Provision) string {
	if p.Number != "" {
		return p.Number
	}
	return "the provision with key " + strconv.Quote(p.Key)
}

// enumerate joins "a", "a and b", "a, b and c".
func enumerate(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
