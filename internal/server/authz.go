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
	if docID == 0 {
		return s.refused(c, action, docID, negotiation.Authorize(viewer(c), action, s.now()))
	}
	d, err := s.documentAccess(c, docID)
	if err == nil {
		err = negotiation.AuthorizeDocument(viewer(c), action, d, s.now())
	}
	return s.refused(c, action, docID, err)
}

// refused turns a refusal of action on document docID (0: the site) into
// the answer: an anonymous visitor gets the same answer for a document
// that does not exist as for one that is not public, and a refusal to a
// signed-in viewer is written to the audit trail. nil stays nil.
func (s *Server) refused(c echo.Context, action negotiation.Action, docID int64, err error) error {
	if err == nil {
		return nil
	}
	v := viewer(c)
	if !v.SignedIn() {
		if negotiation.ErrorCode(err) == negotiation.ENotFound {
			err = negotiation.Errorf(negotiation.EUnauthorized, "sign in to continue")
		}
		return err
	}
	object := "document"
	if docID == 0 {
		object = "site"
	}
	if aerr := s.store.RecordDenial(c.Request().Context(), v.Actor(), string(action), object, strconv.FormatInt(docID, 10)); aerr != nil {
		s.log.Error("audit a denial", "err", aerr)
	}
	return err
}

// visibleDocuments keeps the documents the viewer may read: an invisible
// document does not appear in lists, not even by its symbol.
func (s *Server) visibleDocuments(c echo.Context, docs []negotiation.Document) []negotiation.Document {
	v := viewer(c)
	out := make([]negotiation.Document, 0, len(docs))
	for _, d := range docs {
		if negotiation.AuthorizeDocument(v, actionRead, d.Access(), s.now()) == nil {
			out = append(out, d)
		}
	}
	return out
}

// documentAccess reads what the check needs of a document once per
// request: a handler often asks twice (may read? may propose?).
func (s *Server) documentAccess(c echo.Context, docID int64) (negotiation.DocumentAccess, error) {
	key := accessKey(docID)
	if d, ok := c.Get(key).(negotiation.DocumentAccess); ok {
		return d, nil
	}
	d, err := s.store.DocumentAccess(c.Request().Context(), docID)
	if err == nil {
		c.Set(key, d)
	}
	return d, err
}

func accessKey(docID int64) string { return "access:" + strconv.FormatInt(docID, 10) }
