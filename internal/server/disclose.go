package server

import (
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Content-level disclosure: after the document-level read check, each
// proposal, attribution, position and comment goes through the document's
// policy (negotiation.Disclosure.Sees) before it is shown, on every path.

// disclosure returns the rules of a document the viewer may read.
func (s *Server) disclosure(c echo.Context, docID int64) (negotiation.Disclosure, error) {
	d, err := s.documentAccess(c, docID)
	return d.Disclosure, err
}

// proposals returns the proposals of document docID as the viewer may see
// them (see discloseProposals).
func (s *Server) proposals(c echo.Context, docID int64) ([]negotiation.Proposal, error) {
	dis, err := s.disclosure(c, docID)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.Proposals(c.Request().Context(), docID, viewer(c).PartyID)
	if err != nil {
		return nil, err
	}
	return discloseProposals(dis, viewer(c), s.now(), ps), nil
}

// discloseProposals keeps the proposals v may see and redacts in them what
// v may not: the proposer and co-sponsors (replaced by "Proposal A" where
// attributions are anonymised, removed where hidden), the observer credited,
// and positions. ps holds every tabled proposal of one document in id order
// (plus v's own drafts), which is what makes the labels stable: a proposal
// never goes back to draft, and later ones get higher ids.
func discloseProposals(dis negotiation.Disclosure, v negotiation.Viewer, now time.Time, ps []negotiation.Proposal) []negotiation.Proposal {
	out := make([]negotiation.Proposal, 0, len(ps))
	n := 0
	for _, p := range ps {
		if p.Status != negotiation.Draft {
			n++
		}
		own := v.Owns(p.PartyID)
		if !dis.CanSee(v, negotiation.ArtProposals, own, now) {
			continue
		}
		switch dis.Sees(v, negotiation.ArtAttributions, own, now) {
		case negotiation.Anonymous:
			p.Party, p.CreditedTo = negotiation.AnonymousLabel(n), ""
		case negotiation.Hidden:
			p.Party, p.CreditedTo = "", ""
		}
		// Co-sponsors are other parties' attributions, even on one's own
		// proposal.
		if dis.Sees(v, negotiation.ArtAttributions, false, now) != negotiation.Shown {
			p.Cosponsors = ownOnly(v, p.Cosponsors)
		}
		p.Positions = disclosePositions(dis, v, now, p.Positions)
		out = append(out, p)
	}
	return out
}

// ownOnly keeps, of a list of party codes, only v's own.
func ownOnly(v negotiation.Viewer, codes []string) []string {
	if slices.Contains(codes, v.PartyCode) && v.PartyCode != "" {
		return []string{v.PartyCode}
	}
	return []string{}
}

// disclosePositions keeps the positions v may see; where attributions are
// not shown, a position keeps its stance (it counts) but loses its party.
func disclosePositions(dis negotiation.Disclosure, v negotiation.Viewer, now time.Time, pos []negotiation.Position) []negotiation.Position {
	out := make([]negotiation.Position, 0, len(pos))
	for _, p := range pos {
		own := v.OwnsCode(p.Party)
		if !dis.CanSee(v, negotiation.ArtPositions, own, now) {
			continue
		}
		if dis.Sees(v, negotiation.ArtAttributions, own, now) != negotiation.Shown {
			p.Party = ""
		}
		out = append(out, p)
	}
	return out
}

// discloseSilence keeps the breaks of a silence procedure that v may see:
// a break is a party's position on the text (the "positions" artefact), and
// who broke is an attribution.
func discloseSilence(dis negotiation.Disclosure, v negotiation.Viewer, now time.Time, sl negotiation.Silence) negotiation.Silence {
	out := make([]negotiation.SilenceBreak, 0, len(sl.Breaks))
	for _, b := range sl.Breaks {
		own := v.OwnsCode(b.Party)
		if !dis.CanSee(v, negotiation.ArtPositions, own, now) {
			continue
		}
		if dis.Sees(v, negotiation.ArtAttributions, own, now) != negotiation.Shown {
			b.Party, b.PartyName = "", ""
		}
		out = append(out, b)
	}
	sl.Breaks = out
	return sl
}
