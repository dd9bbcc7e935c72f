package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// policyBody is the policy as the API shows and takes it: a preset, or
// the full table (which then makes the policy "custom").
type policyBody struct {
	Preset string                                                             `json:"preset"`
	Rules  map[negotiation.Artefact]map[negotiation.Audience]negotiation.Rule `json:"rules,omitempty"`
}

// apiGetPolicy shows a document's disclosure policy to the secretariat.
func (s *Server) apiGetPolicy(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetDisclosure, d.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, policyAnswer(d.Disclosure.Policy))
}

func policyAnswer(p negotiation.Policy) map[string]any {
	return map[string]any{"preset": p.Preset, "rules": p.Rules, "presets": negotiation.Presets,
		"artefacts": negotiation.Artefacts, "audiences": negotiation.Audiences}
}

// apiSetPolicy replaces a document's disclosure policy with a preset or a
// full table; it takes effect at once on every path, open streams included.
func (s *Server) apiSetPolicy(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetDisclosure, d.ID); err != nil {
		return err
	}
	var req policyBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := requestedPolicy(req)
	if err != nil {
		return err
	}
	if err := s.store.SetPolicy(c.Request().Context(), viewer(c).Actor(), d.ID, p); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, policyAnswer(p))
}

// requestedPolicy turns a request into a valid policy: a preset by name,
// or a complete table.
func requestedPolicy(req policyBody) (negotiation.Policy, error) {
	switch {
	case req.Rules == nil && req.Preset == "":
		return negotiation.Policy{}, negotiation.Errorf(negotiation.EInvalid,
			`send {"preset": "closed|observers|transparent|chatham-house"} or the full table as {"rules": {…}}`)
	case req.Rules == nil:
		return negotiation.Preset(req.Preset)
	}
	p := negotiation.Policy{Preset: negotiation.PresetCustom, Rules: req.Rules}
	return p, p.Validate()
}
