package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// apiSetConsultation opens or closes a document to accredited observers'
// reading and text suggestions.
func (s *Server) apiSetConsultation(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageConsultation, d.ID); err != nil {
		return err
	}
	var req struct {
		Open *bool `json:"open"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Open == nil {
		return negotiation.Errorf(negotiation.EInvalid, `send {"open": true} or {"open": false}`)
	}
	if err := s.store.SetObserversConsulted(c.Request().Context(), viewer(c).Actor(), d.ID, *req.Open); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"observers_consulted": *req.Open})
}

func (s *Server) apiCreateSuggestion(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.Suggest, d.ID); err != nil {
		return err
	}
	var req proposalRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v := viewer(c)
	sg := negotiation.Proposal{
		DocumentID: d.ID, BaseVersion: req.BaseVersion, Kind: negotiation.ProposalKind(req.Kind), Key: req.Key,
		Start: req.Start, End: req.End, Quote: req.Quote, Text: strings.TrimSpace(req.Text),
		Justification: strings.TrimSpace(req.Justification),
	}
	if sg.Kind == negotiation.Move {
		return negotiation.Errorf(negotiation.EInvalid, "observers suggest wording; moves are for delegations")
	}
	id, err := s.store.CreateSuggestion(c.Request().Context(), v.Actor(), sg, v.UserID, v.PartyID)
	if err != nil {
		return err
	}
	return created(c, map[string]any{"id": id})
}

// discloseSuggestions keeps the suggestions v may see under the document's
// rules (they are observers' contributions) and removes the attributions
// (the observer, the sponsoring party) v may not see.
func discloseSuggestions(dis negotiation.Disclosure, v negotiation.Viewer, now time.Time, list []store.Suggestion) []store.Suggestion {
	out := make([]store.Suggestion, 0, len(list))
	for _, sg := range list {
		own := v.OwnsCode(sg.Party)
		if !dis.CanSee(v, negotiation.ArtObserverComments, own, now) {
			continue
		}
		if dis.Sees(v, negotiation.ArtAttributions, own, now) != negotiation.Shown {
			sg.Party, sg.CreditedTo, sg.Cosponsors = "", "", []string{}
			if !v.OwnsCode(sg.SponsoredBy) {
				sg.SponsoredBy = ""
			}
		}
		sg.Positions = disclosePositions(dis, v, now, sg.Positions)
		out = append(out, sg)
	}
	return out
}

// apiListSuggestions shows suggestions apart from proposals, as the
// document's rules for observers' contributions allow.
func (s *Server) apiListSuggestions(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	list, err := s.store.Suggestions(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"suggestions": discloseSuggestions(d.Disclosure, v, s.now(), list)})
}

func (s *Server) apiSponsorSuggestion(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("sid"), 10, 64)
	if err != nil {
		return negotiation.Errorf(negotiation.ENotFound, "suggestion %q not found", c.Param("sid"))
	}
	var req struct {
		OnBehalfOf string `json:"on_behalf_of"`
	}
	if err := decodeJSON(c, &req); err != nil && negotiation.ErrorCode(err) != negotiation.EMalformed {
		return err
	}
	docID, err := s.store.SuggestionDocument(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := s.authorize(c, actionRead, docID); err != nil {
		return negotiation.Errorf(negotiation.ENotFound, "suggestion %d not found", id)
	}
	if err := s.authorize(c, negotiation.Sponsor, docID); err != nil {
		return err
	}
	v := viewer(c)
	party, err := s.actingParty(c, req.OnBehalfOf)
	if err != nil {
		return err
	}
	p, err := s.store.SponsorSuggestion(c.Request().Context(), v.Actor(), id, party.ID, v.UserID)
	if err != nil {
		return err
	}
	return created(c, map[string]any{"proposal": p.ID, "status": p.Status, "party": party.Code})
}
