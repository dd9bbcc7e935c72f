package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Silence procedure, adoption and explanations of position (JSON API).

type silenceRequest struct {
	Version    int        `json:"version"`
	Deadline   time.Time  `json:"deadline"`
	PublicFrom *time.Time `json:"public_from"`
}

// startSilence checks and starts a silence procedure; API and page share it.
func (s *Server) startSilence(c echo.Context, docID int64, req silenceRequest) (negotiation.Silence, error) {
	if err := s.authorize(c, negotiation.StartSilence, docID); err != nil {
		return negotiation.Silence{}, err
	}
	if req.Version <= 0 {
		return negotiation.Silence{}, negotiation.Errorf(negotiation.EInvalid, "version is required: the number of the version to put under silence")
	}
	if err := negotiation.CheckSilenceDeadline(req.Deadline, s.now(), s.silenceMin); err != nil {
		return negotiation.Silence{}, err
	}
	return s.store.StartSilence(c.Request().Context(), actor(c), docID, req.Version, req.Deadline, req.PublicFrom)
}

func (s *Server) apiStartSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	var req silenceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sl, err := s.startSilence(c, d.ID, req)
	if err != nil {
		return err
	}
	return created(c, sl)
}

func (s *Server) apiGetSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	sl, err := s.store.Silence(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, discloseSilence(d.Disclosure, viewer(c), s.now(), sl))
}

type breakRequest struct {
	Statement  string   `json:"statement"`
	Keys       []string `json:"keys"`
	Text       string   `json:"text"`
	OnBehalfOf string   `json:"on_behalf_of"`
}

// breakSilence checks and records a break; API and page share it.
func (s *Server) breakSilence(c echo.Context, docID int64, req breakRequest) (negotiation.Silence, error) {
	if err := s.authorize(c, negotiation.BreakSilence, docID); err != nil {
		return negotiation.Silence{}, err
	}
	if err := negotiation.CheckStatement("statement", req.Statement); err != nil {
		return negotiation.Silence{}, err
	}
	if len(req.Keys) > negotiation.MaxSilenceKeys {
		return negotiation.Silence{}, negotiation.Errorf(negotiation.ETooLarge, "a break names at most %d provisions", negotiation.MaxSilenceKeys)
	}
	if !utf8.ValidString(req.Text) || len(req.Text) > negotiation.MaxProvisionText {
		return negotiation.Silence{}, negotiation.Errorf(negotiation.EInvalid, "text must be UTF-8 and at most %d bytes", negotiation.MaxProvisionText)
	}
	party, err := s.actingParty(c, req.OnBehalfOf)
	if err != nil {
		return negotiation.Silence{}, err
	}
	if party.Kind != negotiation.PartyState && party.Kind != negotiation.PartyGroup {
		return negotiation.Silence{}, negotiation.Errorf(negotiation.EForbidden, "only state delegations and negotiating groups break silence")
	}
	b := negotiation.SilenceBreak{Statement: strings.TrimSpace(req.Statement), Keys: req.Keys, Text: strings.TrimSpace(req.Text)}
	return s.store.BreakSilence(c.Request().Context(), actor(c), docID, party, viewer(c).UserID, b, s.now())
}

func (s *Server) apiBreakSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	var req breakRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sl, err := s.breakSilence(c, d.ID, req)
	if err != nil {
		return err
	}
	return created(c, sl)
}

func (s *Server) apiReturnSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.StartSilence, d.ID); err != nil {
		return err
	}
	sl, err := s.store.ReturnToNegotiation(c.Request().Context(), actor(c), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sl)
}

type adoptRequest struct {
	Version    int                        `json:"version"`
	Method     negotiation.AdoptionMethod `json:"method"`
	Tally      *negotiation.Tally         `json:"tally"`
	PublicFrom *time.Time                 `json:"public_from"`
}

// adoptionView is an adoption as the API shows it, with the public page's
// address and the explanations of position.
type adoptionView struct {
	negotiation.Adoption
	PublicURL    string                    `json:"public_url"`
	Explanations []negotiation.Explanation `json:"explanations"`
}

// adopt checks and records the secretariat's adoption; API and page share it.
func (s *Server) adopt(c echo.Context, docID int64, req adoptRequest) (negotiation.Adoption, error) {
	if err := s.authorize(c, negotiation.Adopt, docID); err != nil {
		return negotiation.Adoption{}, err
	}
	if req.Version <= 0 {
		return negotiation.Adoption{}, negotiation.Errorf(negotiation.EInvalid, "version is required: the number of the version to adopt")
	}
	if err := negotiation.CheckAdoptionMethod(req.Method, req.Tally); err != nil {
		return negotiation.Adoption{}, err
	}
	return s.store.Adopt(c.Request().Context(), actor(c), docID, store.NewAdoption{
		Version: req.Version, Method: req.Method, Tally: req.Tally, PublicFrom: req.PublicFrom}, s.now())
}

func (s *Server) apiAdopt(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	var req adoptRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.adopt(c, d.ID, req)
	if err != nil {
		return err
	}
	return created(c, adoptionView{Adoption: a, PublicURL: s.publicURL(d.Symbol), Explanations: []negotiation.Explanation{}})
}

// apiGetAdoption answers the adoption record to whoever may see the final
// text (anyone, once published), like the public page.
func (s *Server) apiGetAdoption(c echo.Context) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := s.visibleAdoption(c, id)
	if err != nil {
		return err
	}
	d, err := s.store.Document(ctx, id)
	if err != nil {
		return err
	}
	ex, err := s.store.Explanations(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, adoptionView{Adoption: a, PublicURL: s.publicURL(d.Symbol), Explanations: ex})
}

type explanationRequest struct {
	Text       string `json:"text"`
	OnBehalfOf string `json:"on_behalf_of"`
}

func (s *Server) explain(c echo.Context, docID int64, req explanationRequest) error {
	if err := s.authorize(c, negotiation.ExplainPosition, docID); err != nil {
		return err
	}
	if err := negotiation.CheckStatement("text", req.Text); err != nil {
		return err
	}
	party, err := s.actingParty(c, req.OnBehalfOf)
	if err != nil {
		return err
	}
	return s.store.AddExplanation(c.Request().Context(), actor(c), docID, party, viewer(c).UserID, strings.TrimSpace(req.Text))
}

func (s *Server) apiExplain(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	var req explanationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.explain(c, d.ID, req); err != nil {
		return err
	}
	ex, err := s.store.Explanations(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return created(c, map[string]any{"explanations": ex})
}

// publicPath is the permanent address of a published text: /texts/ and
// the symbol, its slashes kept as path segments (A/CONF.1/2026/L.1 →
// /texts/A/CONF.1/2026/L.1), each segment escaped.
func publicPath(symbol string) string {
	segs := strings.Split(symbol, "/")
	for i, sg := range segs {
		segs[i] = url.PathEscape(sg)
	}
	return "/texts/" + strings.Join(segs, "/")
}

// publicURL is publicPath on this installation's public address.
func (s *Server) publicURL(symbol string) string { return s.baseURL + publicPath(symbol) }

// visibleAdoption reads a document's adoption for a viewer who may see its
// final text. Not adopted, embargoed and nonexistent all answer the same
// "not found", so the answer reveals nothing of drafts.
func (s *Server) visibleAdoption(c echo.Context, docID int64) (negotiation.Adoption, error) {
	a, err := s.store.Adoption(c.Request().Context(), docID)
	var d negotiation.DocumentAccess
	if err == nil {
		d, err = s.documentAccess(c, docID)
	}
	if err == nil {
		err = negotiation.MayReadFinalText(viewer(c), a, d.Disclosure.Policy, s.now())
	}
	if negotiation.ErrorCode(err) == negotiation.ENotFound {
		return a, negotiation.Errorf(negotiation.ENotFound, "document %d has no published final text", docID)
	}
	return a, err
}
