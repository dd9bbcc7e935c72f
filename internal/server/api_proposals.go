package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// MaxJustification bounds a proposal's justification, in characters.
const MaxJustification = 5000

type proposalRequest struct {
	BaseVersion   int    `json:"base_version"`
	Kind          string `json:"kind"`
	Key           string `json:"key"`
	Start         *int   `json:"start"`
	End           *int   `json:"end"`
	Quote         string `json:"quote"`
	Text          string `json:"text"`
	Target        string `json:"target"`
	Justification string `json:"justification"`
	OnBehalfOf    string `json:"on_behalf_of"`
	Draft         bool   `json:"draft"`
}

func (s *Server) apiCreateProposal(c echo.Context) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	if !viewer(c).SignedIn() {
		return negotiation.Errorf(negotiation.EUnauthorized, "sign in to continue")
	}
	var req proposalRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.createProposal(c, id, req)
	if err != nil && rememberedToken(c) != nil && (errors.Is(err, store.ErrViewerChanged) || negotiation.ErrorCode(err) != negotiation.EInternal) {
		// Refused as a viewer remembered from the token (nothing was
		// written): ask the database who the token names now, and if
		// that is someone else, or the transaction found the owner
		// changed, try once more as them (or refuse a dead token).
		remembered := viewer(c)
		if err := s.reidentify(c); err != nil {
			return err
		}
		if errors.Is(err, store.ErrViewerChanged) || !viewer(c).Same(remembered) {
			p, err = s.createProposal(c, id, req)
		}
	}
	if err != nil {
		return err
	}
	return created(c, map[string]any{"id": p.ID, "status": p.Status})
}

// createProposal checks who acts for which party and hands the proposal to
// the store, which checks base version, deadline and anchor atomically.
// This is the busiest write of a negotiating session, so the document's
// access facts are read in the store's transaction, and the authorisation
// asked there, rather than in a query of their own.
func (s *Server) createProposal(c echo.Context, docID int64, req proposalRequest) (negotiation.Proposal, error) {
	v := viewer(c)
	if err := negotiation.Authorize(v, negotiation.Propose, s.now()); err != nil {
		// Refused whatever the document; but a document the viewer may
		// not read is "not found", as on every path: the full check
		// says which answer is due.
		if derr := s.authorize(c, negotiation.Propose, docID); derr != nil {
			return negotiation.Proposal{}, derr
		}
		return negotiation.Proposal{}, s.refused(c, negotiation.Propose, docID, err)
	}
	if req.OnBehalfOf == "" {
		req.OnBehalfOf = v.PartyCode
	}
	party, err := s.actingParty(c, req.OnBehalfOf)
	if err != nil && v.PartyKind == negotiation.PartySecretariat {
		party, err = s.store.PartyByCode(c.Request().Context(), req.OnBehalfOf)
	}
	if err != nil {
		return negotiation.Proposal{}, err
	}
	if party.Kind != negotiation.PartyState && party.Kind != negotiation.PartyGroup {
		return negotiation.Proposal{}, negotiation.Errorf(negotiation.EForbidden, "proposals are made on behalf of a state or a group, not of %s", party.Code)
	}
	if n := utf8.RuneCountInString(req.Justification); n > MaxJustification {
		return negotiation.Proposal{}, negotiation.Errorf(negotiation.EInvalid, "the justification is %d characters long; the limit is %d", n, MaxJustification)
	}
	if req.BaseVersion == 0 {
		return negotiation.Proposal{}, negotiation.Errorf(negotiation.EInvalid, "base_version is required: the version number the proposal is made on")
	}
	p := negotiation.Proposal{
		DocumentID: docID, BaseVersion: req.BaseVersion, Kind: negotiation.ProposalKind(req.Kind), Key: req.Key,
		Start: req.Start, End: req.End, Quote: req.Quote, Text: proposedText(req), Target: req.Target,
		Justification: strings.TrimSpace(req.Justification), Status: negotiation.Tabled,
	}
	if req.Draft {
		p.Status = negotiation.Draft
	}
	var refusal error
	p, err = s.store.CreateProposal(c.Request().Context(), v.Actor(), store.NewProposal{
		Proposal: p, UserID: v.UserID, PartyID: party.ID, Privileged: v.PartyKind == negotiation.PartySecretariat,
		Authorize: func(d negotiation.DocumentAccess) error {
			refusal = negotiation.AuthorizeDocument(v, negotiation.Propose, d, s.now())
			return refusal
		},
		// A viewer remembered from the token is checked in the transaction.
		Token: rememberedToken(c), Viewer: v,
	})
	if refusal != nil || negotiation.ErrorCode(err) == negotiation.ENotFound {
		return p, s.refused(c, negotiation.Propose, docID, err)
	}
	return p, err
}

// actingParty resolves on whose behalf the viewer acts: the named party
// (their own by default) if they may act for it.
func (s *Server) actingParty(c echo.Context, code string) (negotiation.Party, error) {
	v := viewer(c)
	if code == "" || (v.PartyID != 0 && strings.EqualFold(code, v.PartyCode)) {
		// One's own party needs no lookup: the viewer was read with it.
		return negotiation.Party{ID: v.PartyID, Code: v.PartyCode, Name: v.PartyName, Kind: v.PartyKind}, nil
	}
	return s.store.ActingParty(c.Request().Context(), v.UserID, v.PartyID, code)
}

// positionRequest reads {"stance", "on_behalf_of"} and resolves both.
func (s *Server) positionRequest(c echo.Context) (negotiation.Stance, negotiation.Party, error) {
	var req struct {
		Stance     string `json:"stance"`
		OnBehalfOf string `json:"on_behalf_of"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return "", negotiation.Party{}, err
	}
	stance := negotiation.Stance(req.Stance)
	if !stance.Valid() {
		return "", negotiation.Party{}, negotiation.Errorf(negotiation.EInvalid, "stance %q: use support, oppose, reservation or agreed_ad_ref", req.Stance)
	}
	party, err := s.actingParty(c, req.OnBehalfOf)
	return stance, party, err
}

// proposedText trims the new wording, except for words inserted at a
// point, whose leading or trailing space is what separates them from the
// text around ("contribute" + " voluntarily").
func proposedText(req proposalRequest) string {
	if negotiation.ProposalKind(req.Kind) == negotiation.InsertWords {
		return req.Text
	}
	return strings.TrimSpace(req.Text)
}

func (s *Server) apiListProposals(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	ps, err := s.proposals(c, d.ID)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []negotiation.Proposal{}
	}
	return c.JSON(http.StatusOK, map[string]any{"proposals": ps})
}

// proposalFor loads the :pid proposal for an action on it, after checking
// that the viewer may see it; a proposal on an invisible document, or one
// the document's rules hide, is "not found".
func (s *Server) proposalFor(c echo.Context) (negotiation.Proposal, error) {
	id, err := strconv.ParseInt(c.Param("pid"), 10, 64)
	if err != nil {
		return negotiation.Proposal{}, negotiation.Errorf(negotiation.ENotFound, "proposal %q not found", c.Param("pid"))
	}
	p, err := s.store.Proposal(c.Request().Context(), id, viewer(c).PartyID)
	if err != nil {
		return p, err
	}
	if err := s.authorize(c, actionRead, p.DocumentID); err != nil {
		return negotiation.Proposal{}, negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
	}
	// Acting on a proposal needs seeing it; the caller gets it unredacted
	// (it needs the proposer to check rights) and shows none of it.
	dis, err := s.disclosure(c, p.DocumentID)
	if err != nil {
		return p, err
	}
	if !dis.CanSee(viewer(c), negotiation.ArtProposals, viewer(c).Owns(p.PartyID), s.now()) {
		return p, negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
	}
	return p, nil
}

func (s *Server) apiSetPosition(c echo.Context) error {
	p, err := s.proposalFor(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.TakePosition, p.DocumentID); err != nil {
		return err
	}
	stance, party, err := s.positionRequest(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.SetPosition(c.Request().Context(), v.Actor(), p.ID, party.ID, v.UserID, stance); err != nil {
		return err
	}
	return created(c, map[string]any{"proposal": p.ID, "party": party.Code, "stance": stance})
}

func (s *Server) apiWithdrawProposal(c echo.Context) error {
	p, err := s.proposalFor(c)
	if err != nil {
		return err
	}
	if err := s.withdraw(c, p); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": p.ID, "status": negotiation.Withdrawn})
}

func (s *Server) apiSetDeadline(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetDeadlines, d.ID); err != nil {
		return err
	}
	var req struct {
		TablingDeadline *string `json:"tabling_deadline"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var deadline *time.Time
	if req.TablingDeadline != nil {
		t, err := time.Parse(time.RFC3339, *req.TablingDeadline)
		if err != nil {
			return negotiation.Errorf(negotiation.EInvalid, "tabling_deadline must be an RFC 3339 time such as 2026-12-01T18:00:00Z")
		}
		t = t.UTC()
		deadline = &t
	}
	if err := s.store.SetTablingDeadline(c.Request().Context(), viewer(c).Actor(), d.ID, deadline); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tabling_deadline": deadline})
}

func (s *Server) apiSetProvisionStatus(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetProvisionStatus, d.ID); err != nil {
		return err
	}
	var req struct {
		Status string `json:"status"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	st := negotiation.ProvisionStatus(req.Status)
	switch st {
	case negotiation.StatusOpen, negotiation.StatusAdRef, negotiation.StatusAgreed, negotiation.StatusReopened:
	default:
		return negotiation.Errorf(negotiation.EInvalid, "status %q: use open, agreed_ad_ref, agreed or reopened (bracketed is derived from proposals)", req.Status)
	}
	if err := s.store.SetProvisionStatus(c.Request().Context(), viewer(c).Actor(), d.ID, c.Param("key"), st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"key": c.Param("key"), "status": st})
}

func (s *Server) apiCosponsor(c echo.Context) error {
	p, err := s.proposalFor(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.Propose, p.DocumentID); err != nil {
		return err
	}
	var req struct {
		OnBehalfOf string `json:"on_behalf_of"`
	}
	if err := decodeJSON(c, &req); err != nil && negotiation.ErrorCode(err) != negotiation.EMalformed {
		return err
	}
	v := viewer(c)
	party, err := s.actingParty(c, req.OnBehalfOf)
	if err != nil {
		return err
	}
	if err := s.store.Cosponsor(c.Request().Context(), v.Actor(), p.ID, party.ID); err != nil {
		return err
	}
	return created(c, map[string]any{"proposal": p.ID, "cosponsor": party.Code})
}

func (s *Server) apiSetProvisionPosition(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.TakePosition, d.ID); err != nil {
		return err
	}
	stance, party, err := s.positionRequest(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.SetProvisionPosition(c.Request().Context(), v.Actor(), d.ID, c.Param("key"), party.ID, v.UserID, stance); err != nil {
		return err
	}
	return created(c, map[string]any{"key": c.Param("key"), "party": party.Code, "stance": stance})
}

// apiSetDocumentRole lets the secretariat name a document's chair or
// facilitator (by email), or remove the role with "role": "".
func (s *Server) apiSetDocumentRole(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageUsers, d.ID); err != nil {
		return err
	}
	var req struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Role != "" && req.Role != "chair" && req.Role != "facilitator" {
		return negotiation.Errorf(negotiation.EInvalid, "role %q: use chair, facilitator, or \"\" to remove", req.Role)
	}
	u, err := s.store.UserByEmail(c.Request().Context(), req.Email)
	if err != nil {
		return negotiation.Errorf(negotiation.EInvalid, "no user with the email %q", req.Email)
	}
	if err := s.store.SetDocumentRole(c.Request().Context(), viewer(c).Actor(), d.ID, u.ID, req.Role); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"email": u.Email, "role": req.Role})
}

// withdraw withdraws p for the viewer, who must act for its proposer; the
// API and the compilation page share it.
func (s *Server) withdraw(c echo.Context, p negotiation.Proposal) error {
	if err := s.authorize(c, negotiation.WithdrawProposal, p.DocumentID); err != nil {
		return err
	}
	party, err := s.actingParty(c, p.Party)
	if err != nil {
		return negotiation.Errorf(negotiation.EForbidden, "only %s may withdraw proposal %d", p.Party, p.ID)
	}
	return s.store.WithdrawProposal(c.Request().Context(), viewer(c).Actor(), p.ID, party.ID)
}
