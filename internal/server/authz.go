package server

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Actions handlers ask about; the decisions live in negotiation.Authorize.
const (
	actionRead           = negotiation.ReadDocuments
	actionCreateDocument = negotiation.CreateDocument
	actionCreateVersion  = negotiation.CreateVersion
)

// authorize asks the one authorisation component whether the request's
// viewer may do action on document docID (0 for none). A denial to a
// signed-in viewer is written to the audit trail.
func (s *Server) authorize(c echo.Context, action negotiation.Action, docID int64) error {
	v := viewer(c)
	err := negotiation.AuthorizeDocument(v, action, docID, s.now())
	if err != nil && v.SignedIn() {
		object := "document"
		if docID == 0 {
			object = "site"
		}
		if aerr := s.store.RecordDenial(c.Request().Context(), v.Actor(), string(action), object, strconv.FormatInt(docID, 10)); aerr != nil {
			s.log.Error("audit a denial", "err", aerr)
		}
	}
	return err
}
