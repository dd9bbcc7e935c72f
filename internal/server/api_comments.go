package server

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// apiSetCommentWindow sets, moves or removes a document's comment window
// (secretariat). Times are RFC 3339 and stored in UTC; both null removes the
// window.
func (s *Server) apiSetCommentWindow(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetCommentWindow, d.ID); err != nil {
		return err
	}
	var req struct {
		OpensAt  *string `json:"opens_at"`
		ClosesAt *string `json:"closes_at"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var w negotiation.CommentWindow
	if w.OpensAt, err = parseUTC("opens_at", req.OpensAt); err != nil {
		return err
	}
	if w.ClosesAt, err = parseUTC("closes_at", req.ClosesAt); err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	if err := s.store.SetCommentWindow(c.Request().Context(), actor(c), d.ID, w); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

// parseUTC reads an optional RFC 3339 time and puts it in UTC.
func parseUTC(field string, v *string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *v)
	if err != nil {
		return nil, negotiation.Errorf(negotiation.EInvalid, "%s must be an RFC 3339 time such as 2026-12-01T18:00:00Z, not %q", field, *v)
	}
	t = t.UTC()
	return &t, nil
}

type commentRequest struct {
	Key      string `json:"key"`
	Proposal int64  `json:"proposal"`
	Parent   int64  `json:"parent"`
	Body     string `json:"body"`
	Scope    string `json:"scope"`
}

// apiCreateComment adds a comment on the document, a provision (by key) or
// a proposal, or a reply to a comment of the same document. A multipart
// request carries the same fields and up to attachment.MaxFiles files.
func (s *Server) apiCreateComment(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.Comment, d.ID); err != nil {
		return err
	}
	req, files, err := readCommentRequest(c)
	if err != nil {
		return err
	}
	id, err := s.createComment(c, d.ID, req, files)
	if err != nil {
		return err
	}
	return created(c, map[string]any{"id": id})
}

// createComment checks a comment request and stores it with its files;
// the caller has authorised the viewer to comment on the document.
func (s *Server) createComment(c echo.Context, docID int64, req commentRequest, files []store.NewAttachment) (int64, error) {
	body, err := negotiation.CommentBody(req.Body)
	if err != nil {
		return 0, err
	}
	var scope negotiation.CommentScope
	if req.Scope != "" {
		if scope, err = negotiation.ParseCommentScope(req.Scope); err != nil {
			return 0, err
		}
	}
	if req.Key != "" && req.Proposal != 0 {
		return 0, negotiation.Errorf(negotiation.EInvalid, "a comment is on a provision (key) or on a proposal, not both")
	}
	if req.Parent != 0 && (req.Key != "" || req.Proposal != 0) {
		return 0, negotiation.Errorf(negotiation.EInvalid, "a reply belongs to the thread of its parent; leave out key and proposal")
	}
	v := viewer(c)
	return s.store.CreateComment(c.Request().Context(), v.Actor(), store.NewComment{
		DocumentID: docID, Key: req.Key, ProposalID: req.Proposal, ParentID: req.Parent, Body: body, Scope: scope,
		UserID: v.UserID, PartyID: v.PartyID, Secretariat: v.PartyKind == negotiation.PartySecretariat, At: s.now(),
		Attachments: files,
	})
}

// apiListComments answers one page of a document's top-level comments, or
// with ?parent=ID of one comment's replies, with the cursor of the next
// page and the document's counts by status.
func (s *Server) apiListComments(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	after, err := decodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	var parent int64
	if p := c.QueryParam("parent"); p != "" {
		ca, err := s.authorizeComment(c, p, negotiation.ReadDocuments)
		if err != nil {
			return err
		}
		if ca.Document.ID != d.ID {
			return negotiation.Errorf(negotiation.ENotFound, "comment %s not found on this document", p)
		}
		parent = ca.ID
	}
	v := viewer(c)
	page, err := s.store.Comments(c.Request().Context(), store.CommentQuery{
		DocumentID: d.ID, ParentID: parent, After: after, Key: c.QueryParam("key"),
		ViewerParty: v.PartyID, Secretariat: v.PartyKind == negotiation.PartySecretariat,
	})
	if err != nil {
		return err
	}
	var next *string
	if page.Next != nil {
		n := encodeCursor(*page.Next)
		next = &n
	}
	return c.JSON(http.StatusOK, map[string]any{"comments": page.Comments, "next": next, "counts": page.Counts})
}

// encodeCursor makes an opaque page cursor: base64url of a small JSON.
func encodeCursor(cur store.CommentCursor) string {
	buf, _ := json.Marshal(cur)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func decodeCursor(s string) (*store.CommentCursor, error) {
	if s == "" {
		return nil, nil
	}
	var cur store.CommentCursor
	buf, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(buf, &cur)
	}
	if err != nil || cur.ID <= 0 {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the cursor is not one this server gave out; load the first page again")
	}
	return &cur, nil
}

// authorizeComment asks the authorisation component whether the viewer
// may do action on the comment named by raw. A comment the viewer may not
// see answers 404; denials to signed-in viewers are audited.
func (s *Server) authorizeComment(c echo.Context, raw string, action negotiation.Action) (negotiation.CommentAccess, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return negotiation.CommentAccess{}, negotiation.Errorf(negotiation.ENotFound, "comment %q not found", raw)
	}
	v := viewer(c)
	if !v.SignedIn() {
		return negotiation.CommentAccess{}, negotiation.Errorf(negotiation.EUnauthorized, "sign in to continue")
	}
	ca, err := s.store.CommentAccess(c.Request().Context(), id)
	if err == nil {
		err = negotiation.AuthorizeComment(v, action, ca, s.now())
	}
	if err != nil && negotiation.ErrorCode(err) != negotiation.EInternal {
		if aerr := s.store.RecordDenial(c.Request().Context(), v.Actor(), string(action), "comment", raw); aerr != nil {
			s.log.Error("audit a denial", "err", aerr)
		}
	}
	return ca, err
}

// apiEditComment replaces the author's own comment's body; the previous
// one is kept and the comment shows as edited.
func (s *Server) apiEditComment(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.EditComment)
	if err != nil {
		return err
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	body, err := negotiation.CommentBody(req.Body)
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.EditComment(c.Request().Context(), v.Actor(), ca.ID, v.UserID, body,
		v.PartyKind == negotiation.PartySecretariat, s.now()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": ca.ID, "edited": true})
}

// apiCommentHistory lists the earlier bodies of an edited comment; those
// of a hidden or withdrawn comment only to the secretariat.
func (s *Server) apiCommentHistory(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ReadDocuments)
	if err != nil {
		return err
	}
	list := []store.CommentEdit{}
	if ca.Status == negotiation.CommentVisible || viewer(c).PartyKind == negotiation.PartySecretariat {
		if list, err = s.store.CommentHistory(c.Request().Context(), ca.ID); err != nil {
			return err
		}
		if list == nil {
			list = []store.CommentEdit{}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"id": ca.ID, "history": list})
}

// apiWithdrawComment lets the author withdraw their comment (tombstone).
func (s *Server) apiWithdrawComment(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.WithdrawComment)
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.WithdrawComment(c.Request().Context(), v.Actor(), ca.ID, v.UserID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": ca.ID, "status": negotiation.CommentWithdrawn})
}

// reasonBody reads {"reason"} from a request.
func reasonBody(c echo.Context, required bool) (string, error) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &req); err != nil && (required || negotiation.ErrorCode(err) != negotiation.EMalformed) {
		return "", err
	}
	return negotiation.ModerationReason(req.Reason, required)
}

// apiReportComment records a report by someone who can see the comment
// (not its author, once per person); enough reports hide it pending review.
func (s *Server) apiReportComment(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ReportComment)
	if err != nil {
		return err
	}
	reason, err := reasonBody(c, false)
	if err != nil {
		return err
	}
	v := viewer(c)
	hidden, err := s.store.ReportComment(c.Request().Context(), v.Actor(), ca.ID, v.UserID, reason)
	if err != nil {
		return err
	}
	status := negotiation.CommentVisible
	if hidden {
		status = negotiation.CommentHidden
	}
	return created(c, map[string]any{"id": ca.ID, "status": status})
}

// apiHideComment and apiRestoreComment are the secretariat's moderation,
// each with a required reason shown in the tombstone and the audit trail.
func (s *Server) apiHideComment(c echo.Context) error { return s.moderateComment(c, true) }

func (s *Server) apiRestoreComment(c echo.Context) error { return s.moderateComment(c, false) }

func (s *Server) moderateComment(c echo.Context, hide bool) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ModerateComments)
	if err != nil {
		return err
	}
	reason, err := reasonBody(c, true)
	if err != nil {
		return err
	}
	if err := s.store.ModerateComment(c.Request().Context(), actor(c), ca.ID, hide, reason); err != nil {
		return err
	}
	status := negotiation.CommentVisible
	if hide {
		status = negotiation.CommentHidden
	}
	return c.JSON(http.StatusOK, map[string]any{"id": ca.ID, "status": status})
}
