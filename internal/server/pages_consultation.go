package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/attachment"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// threadsView is a document's comment section: the window, one page of
// top-level comments (or of one provision's thread), the per-provision
// threads, and on a permalink the comment with its ancestors and replies.
type threadsView struct {
	Doc    negotiation.Document
	Window negotiation.CommentWindow
	// WindowState: "none" (no window), "open", "notyet" or "closed".
	WindowState string
	Key         string // provision thread shown, "" for all
	KeyNumber   string
	Provisions  []provisionThread
	Page        store.CommentPage
	Next        string // cursor of the next page, "" on the last
	Cursor      string // cursor of this page, "" on the first
	// Permalink: the comment, the comments above it, and a page of its replies.
	Focus     *store.Comment
	Ancestors []store.Comment
	// What the viewer may do.
	ViewerID    int64
	CanComment  bool
	Secretariat bool
	MaxFiles    int
	MaxFileMB   int
	// Error and Draft refill the form after a refused comment.
	Error, Draft, DraftKey string
	DraftParent            int64
}

type provisionThread struct {
	Key, Number string
	Comments    int
	Following   bool
}

// threadsArgs passes the page (for T, CSRF) and the threads to the partials.
type threadsArgs struct {
	V  view
	Th *threadsView
	C  store.Comment // the comment a "comment_item" shows
}

// commentThreads loads the comment section of a document for the viewer.
func (s *Server) commentThreads(c echo.Context, d negotiation.Document, provisions []negotiation.Provision) (*threadsView, error) {
	ctx := c.Request().Context()
	v := viewer(c)
	t, err := s.baseThreads(c, d)
	if err != nil {
		return nil, err
	}
	t.Key = c.QueryParam("key")
	after, err := decodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return nil, err
	}
	t.Cursor = c.QueryParam("cursor")
	if t.Page, err = s.commentPage(c, d, store.CommentQuery{After: after, Key: t.Key}); err != nil {
		return nil, err
	}
	if t.Page.Next != nil {
		t.Next = encodeCursor(*t.Page.Next)
	}
	counts, err := s.store.ProvisionCommentCounts(ctx, d.ID, s.commentViewer(c, d))
	if err != nil {
		return nil, err
	}
	following, err := s.store.FollowedProvisions(ctx, v.UserID, d.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range provisions {
		if p.Kind == "heading" && counts[p.Key] == 0 {
			continue
		}
		if p.Key == t.Key {
			t.KeyNumber = p.Number
		}
		t.Provisions = append(t.Provisions, provisionThread{Key: p.Key, Number: p.Number, Comments: counts[p.Key], Following: following[p.Key]})
	}
	if t.Key != "" && t.KeyNumber == "" {
		t.KeyNumber = t.Key
	}
	return t, nil
}

// baseThreads fills what every comment view shows: the window and what
// the viewer may do.
func (s *Server) baseThreads(c echo.Context, d negotiation.Document) (*threadsView, error) {
	v := viewer(c)
	w, err := s.store.CommentWindow(c.Request().Context(), d.ID)
	if err != nil {
		return nil, err
	}
	t := &threadsView{Doc: d, Window: w, ViewerID: v.UserID, Secretariat: v.PartyKind == negotiation.PartySecretariat,
		MaxFiles: attachment.MaxFiles, MaxFileMB: attachment.MaxFileSize >> 20}
	now := s.now()
	switch {
	case w.OpensAt == nil && w.ClosesAt == nil:
		t.WindowState = "none"
	case w.Check(now) == nil:
		t.WindowState = "open"
	case w.OpensAt != nil && now.Before(*w.OpensAt):
		t.WindowState = "notyet"
	default:
		t.WindowState = "closed"
	}
	t.CanComment = negotiation.AuthorizeDocument(v, negotiation.Comment, d.Access(), now) == nil &&
		(t.WindowState == "none" || t.WindowState == "open" || t.Secretariat)
	return t, nil
}

// pageComment is a comment's permalink: the comment in its thread (the
// comments above it, then it, then a page of its replies).
func (s *Server) pageComment(c echo.Context) error {
	t, err := s.commentPermalink(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "comment", t.Doc.Symbol+" — "+translator(c).T("comments.permalink.title", "id", t.Focus.ID), t)
}

func (s *Server) commentPermalink(c echo.Context) (*threadsView, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return nil, err
	}
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ReadDocuments)
	if err != nil {
		return nil, err
	}
	if ca.Document.ID != d.ID {
		return nil, negotiation.Errorf(negotiation.ENotFound, "comment %d not found on this document", ca.ID)
	}
	t, err := s.baseThreads(c, d)
	if err != nil {
		return nil, err
	}
	// The comment, then each ancestor (at most MaxCommentDepth-1 of them).
	for id := ca.ID; id != 0; {
		one, err := s.commentPage(c, d, store.CommentQuery{Only: id})
		if err != nil {
			return nil, err
		}
		if len(one.Comments) == 0 {
			break
		}
		cm := one.Comments[0]
		if t.Focus == nil {
			t.Focus, t.Page.Counts = &cm, one.Counts
		} else {
			t.Ancestors = append([]store.Comment{cm}, t.Ancestors...)
		}
		id = 0
		if cm.Parent != nil {
			id = *cm.Parent
		}
	}
	if t.Focus == nil {
		return nil, negotiation.Errorf(negotiation.ENotFound, "comment %d not found", ca.ID)
	}
	after, err := decodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return nil, err
	}
	t.Cursor = c.QueryParam("cursor")
	replies, err := s.commentPage(c, d, store.CommentQuery{ParentID: ca.ID, After: after})
	if err != nil {
		return nil, err
	}
	t.Page.Comments, t.Page.Next = replies.Comments, replies.Next
	if replies.Next != nil {
		t.Next = encodeCursor(*replies.Next)
	}
	return t, nil
}

// postComment is the page's comment and reply form (multipart, files
// allowed). A refused comment shows the form again with what was typed.
func (s *Server) postComment(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.Comment, d.ID); err != nil {
		return err
	}
	req, files, err := readCommentRequest(c)
	var id int64
	if err == nil {
		id, err = s.createComment(c, d.ID, req, files)
	}
	if err != nil {
		return s.commentFormError(c, d, req, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/comments/%d#c%d", d.ID, id, id))
}

// commentFormError shows the document page (or the permalink of the
// comment replied to) again with the message and the text typed.
func (s *Server) commentFormError(c echo.Context, d negotiation.Document, req commentRequest, err error) error {
	code := negotiation.ErrorCode(err)
	if code != negotiation.EInvalid && code != negotiation.EConflict && code != negotiation.ETooLarge && code != negotiation.EForbidden {
		return err
	}
	var t *threadsView
	var terr error
	if req.Parent != 0 {
		c.SetParamNames("id", "cid")
		c.SetParamValues(strconv.FormatInt(d.ID, 10), strconv.FormatInt(req.Parent, 10))
		t, terr = s.commentPermalink(c)
	}
	if req.Parent == 0 || terr != nil {
		latest, lerr := s.store.Version(c.Request().Context(), d.ID, d.Latest())
		if lerr != nil {
			return lerr
		}
		if t, terr = s.commentThreads(c, d, latest.Provisions); terr != nil {
			return terr
		}
		t.Error, t.Draft, t.DraftKey = negotiation.ErrorMessage(err), req.Body, req.Key
		return s.render(c, statusOf[code], "document", d.Symbol, documentPage{Doc: d, Latest: latest, Threads: t})
	}
	t.Error, t.Draft, t.DraftParent = negotiation.ErrorMessage(err), req.Body, req.Parent
	return s.render(c, statusOf[code], "comment", d.Symbol, t)
}

// postCommentAction runs the page's report, withdraw, hide and restore
// forms through the same checks as the API, then shows the comment.
func (s *Server) postCommentAction(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	action := map[string]negotiation.Action{"report": negotiation.ReportComment, "withdraw": negotiation.WithdrawComment,
		"hide": negotiation.ModerateComments, "restore": negotiation.ModerateComments}[c.Param("action")]
	if action == "" {
		return negotiation.Errorf(negotiation.ENotFound, "no such action on a comment")
	}
	ca, err := s.authorizeComment(c, c.Param("cid"), action)
	if err != nil {
		return err
	}
	if ca.Document.ID != d.ID {
		return negotiation.Errorf(negotiation.ENotFound, "comment %d not found on this document", ca.ID)
	}
	ctx, v := c.Request().Context(), viewer(c)
	reason, err := negotiation.ModerationReason(c.FormValue("reason"), action == negotiation.ModerateComments)
	if err == nil {
		switch c.Param("action") {
		case "report":
			_, err = s.store.ReportComment(ctx, v.Actor(), ca.ID, v.UserID, reason)
		case "withdraw":
			err = s.store.WithdrawComment(ctx, v.Actor(), ca.ID, v.UserID)
		default:
			err = s.store.ModerateComment(ctx, v.Actor(), ca.ID, c.Param("action") == "hide", reason)
		}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/comments/%d#c%d", d.ID, ca.ID, ca.ID))
}

// postFollow follows or unfollows a provision from the document page.
func (s *Server) postFollow(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	follow := c.FormValue("follow") == "1"
	if err := s.store.FollowProvision(c.Request().Context(), v.Actor(), v.UserID, d.ID, c.Param("key"), follow); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d#threads", d.ID))
}

// notificationsView is the notifications page.
type notificationsView struct {
	List   []store.Notification
	Unread int
	Older  int64 // id to page back from, 0 when there are no more
}

func (s *Server) pageNotifications(c echo.Context) error {
	list, unread, err := s.notifications(c)
	if err != nil {
		return err
	}
	nv := notificationsView{List: list, Unread: unread}
	if len(list) == store.NotificationPageSize {
		nv.Older = list[len(list)-1].ID
	}
	return s.render(c, http.StatusOK, "notifications", translator(c).T("notifications.title"), nv)
}

// postNotificationsRead marks one (id) or all notifications read; opening
// one marks it read and follows its link.
func (s *Server) postNotificationsRead(c echo.Context) error {
	if err := s.authorize(c, negotiation.UseAccount, 0); err != nil {
		return err
	}
	id, err := optionalID("id", c.FormValue("id"))
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.MarkNotificationsRead(c.Request().Context(), v.Actor(), v.UserID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}

// threadArgs is the template function "threads": the page and its threads.
func threadArgs(v view, t *threadsView) threadsArgs { return threadsArgs{V: v, Th: t} }

// withComment is the template function "withc": the same page and
// threads, about one comment.
func withComment(a threadsArgs, c store.Comment) threadsArgs { a.C = c; return a }
