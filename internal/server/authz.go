package server

import "github.com/labstack/echo/v4"

// Actions that the authorisation check decides.
const (
	actionRead           = "read"
	actionCreateDocument = "document.create"
	actionCreateVersion  = "version.create"
)

// authorize is the one place that decides whether the request may do
// action on document docID (0 for none). Every handler asks it before
// reading or writing. Until sign-in exists every request is allowed.
func (s *Server) authorize(c echo.Context, action string, docID int64) error {
	return nil
}
