package compilation

import (
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// CarryForward re-anchors a still-tabled proposal from its base version
// onto the next one, whose provisions are next and whose number is
// nextVersion. A span proposal needs its provision's key and its quote
// (found with negotiation.Reanchor: in place, else the nearest
// occurrence), and gets the new offsets; a proposal on a whole provision,
// an insertion and a move need their keys (and the move its target). When
// they are there, BaseVersion becomes nextVersion; when not, the status
// becomes orphaned and the anchor stays as it was in the base version, so
// the proposal is never silently dropped and still says what it was about.
//
// A point for inserting words quotes nothing, so it keeps its offset as
// long as the provision is that long; callers that can tell the provision
// changed before the point should have the delegation re-table it.
// Proposals in any other status than tabled come back unchanged: drafts
// are re-based by their delegation, decided ones belong to their version.
func CarryForward(p negotiation.Proposal, next []negotiation.Provision, nextVersion int) negotiation.Proposal {
	if p.Status != negotiation.Tabled {
		return p
	}
	if p.Kind == negotiation.InsertProvision && p.Key == "" {
		p.BaseVersion = nextVersion
		return p
	}
	prov, ok := find(next, p.Key)
	switch {
	case !ok:
	case p.Kind == negotiation.Move && p.Target != "":
		_, ok = find(next, p.Target)
	case p.Kind == negotiation.Move || p.Kind == negotiation.InsertProvision || !p.HasSpan():
		// the key is all the anchor there is
	case *p.Start == *p.End:
		ok = *p.Start >= 0 && *p.Start <= utf8.RuneCountInString(prov.Text)
	default:
		var start int
		if start, ok = negotiation.Reanchor(prov.Text, p.Quote, *p.Start); ok {
			// New pointers: the caller's proposal must not change under it.
			end := start + utf8.RuneCountInString(p.Quote)
			p.Start, p.End = &start, &end
		}
	}
	if !ok {
		p.Status = negotiation.Orphaned
		return p
	}
	p.BaseVersion = nextVersion
	return p
}

// find gives the provision with key in provs.
func find(provs []negotiation.Provision, key string) (negotiation.Provision, bool) {
	for _, p := range provs {
		if p.Key == key {
			return p, true
		}
	}
	return negotiation.Provision{}, false
}
