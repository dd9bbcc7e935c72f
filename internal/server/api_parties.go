package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// apiDesignateDelegate lets the secretariat designate a delegate to act
// for a negotiating group: PUT /api/v1/parties/{code}/delegates
// {"email", "designated"}.
func (s *Server) apiDesignateDelegate(c echo.Context) error {
	if err := s.authorize(c, negotiation.ManageParties, 0); err != nil {
		return err
	}
	var req struct {
		Email      string `json:"email"`
		Designated *bool  `json:"designated"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	group, err := s.store.PartyByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	if group.Kind != negotiation.PartyGroup {
		return negotiation.Errorf(negotiation.EInvalid, "%s is a %s; delegates are designated for negotiating groups", group.Code, group.Kind)
	}
	u, err := s.store.UserByEmail(ctx, req.Email)
	if err != nil {
		return negotiation.Errorf(negotiation.EInvalid, "no user with the email %q", req.Email)
	}
	designate := req.Designated == nil || *req.Designated
	if err := s.store.DesignateGroupDelegate(ctx, viewer(c).Actor(), group.ID, u.ID, designate); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"group": group.Code, "email": u.Email, "designated": designate})
}
