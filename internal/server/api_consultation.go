package server

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/attachment"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// maxFieldBytes bounds one text field of a multipart comment (the body is
// at most MaxCommentBody characters of at most 4 bytes each).
const maxFieldBytes = 4*negotiation.MaxCommentBody + 1

// readCommentRequest reads a comment request: JSON, or a multipart form
// with the same fields (key, proposal, parent, body, scope) and files in
// parts named "file". A multipart body the CSRF check has already parsed
// (a browser's form) is read from the parsed form; an API upload is
// streamed part by part, so that a file over the limit or one file too
// many is refused as soon as it shows, without reading the rest.
func readCommentRequest(c echo.Context) (commentRequest, []store.NewAttachment, error) {
	var req commentRequest
	r := c.Request()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/x-www-form-urlencoded":
		req, err := commentFields(c.FormValue)
		return req, nil, err
	case mt != "multipart/form-data":
		return req, nil, decodeJSON(c, &req)
	case r.MultipartForm != nil:
		return parsedCommentForm(r.MultipartForm)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return req, nil, negotiation.Errorf(negotiation.EMalformed, "the multipart request could not be read")
	}
	fields := map[string]string{}
	var files []store.NewAttachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return req, nil, readError(err)
		}
		if part.FileName() == "" && part.FormName() != "file" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
			if err != nil {
				return req, nil, readError(err)
			}
			fields[part.FormName()] = string(b)
			continue
		}
		f, skip, err := readUploadedFile(part.FileName(), len(files), part)
		if err != nil {
			return req, nil, err
		}
		if !skip {
			files = append(files, f)
		}
	}
	req, err = commentFields(func(k string) string { return fields[k] })
	return req, files, err
}

// parsedCommentForm reads a multipart form already parsed by net/http.
func parsedCommentForm(form *multipart.Form) (commentRequest, []store.NewAttachment, error) {
	req, err := commentFields(func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	})
	if err != nil {
		return req, nil, err
	}
	var files []store.NewAttachment
	for _, fh := range form.File["file"] {
		if fh.Size > attachment.MaxFileSize {
			return req, nil, tooBig(fh.Filename)
		}
		fr, err := fh.Open()
		if err != nil {
			return req, nil, err
		}
		f, skip, err := readUploadedFile(fh.Filename, len(files), fr)
		fr.Close()
		if err != nil {
			return req, nil, err
		}
		if !skip {
			files = append(files, f)
		}
	}
	return req, files, nil
}

// readUploadedFile reads one file part (at most one byte over the limit)
// and detects its type from its bytes. An empty, nameless part (a file
// field left empty in a browser form) is skipped.
func readUploadedFile(name string, have int, r io.Reader) (store.NewAttachment, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, attachment.MaxFileSize+1))
	if err != nil {
		return store.NewAttachment{}, false, readError(err)
	}
	if name == "" && len(data) == 0 {
		return store.NewAttachment{}, true, nil
	}
	name = attachment.CleanName(name)
	if have >= attachment.MaxFiles {
		return store.NewAttachment{}, false, negotiation.Errorf(negotiation.ETooLarge,
			"a comment carries at most %d files; %q is one too many", attachment.MaxFiles, name)
	}
	if len(data) > attachment.MaxFileSize {
		return store.NewAttachment{}, false, tooBig(name)
	}
	ct, err := attachment.Detect(name, data)
	if err != nil {
		return store.NewAttachment{}, false, err
	}
	return store.NewAttachment{Name: name, ContentType: ct, Data: data}, false, nil
}

func tooBig(name string) error {
	return negotiation.Errorf(negotiation.ETooLarge, "attachment %q is over the limit of %d MB per file",
		attachment.CleanName(name), attachment.MaxFileSize>>20)
}

// readError passes the body limit's 413 on and calls anything else unreadable.
func readError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return negotiation.Errorf(negotiation.EMalformed, "the multipart request could not be read")
}

// commentFields reads the text fields of a comment form.
func commentFields(get func(string) string) (commentRequest, error) {
	req := commentRequest{Key: strings.TrimSpace(get("key")), Body: get("body"), Scope: get("scope")}
	var err error
	if req.Proposal, err = optionalID("proposal", get("proposal")); err != nil {
		return req, err
	}
	req.Parent, err = optionalID("parent", get("parent"))
	return req, err
}

func optionalID(field, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, negotiation.Errorf(negotiation.EInvalid, "%s must be a comment or proposal number, not %q", field, v)
	}
	return n, nil
}

// apiCommentAttachment downloads an attachment after the same check as
// reading its comment (a hidden or withdrawn comment's files only for the
// secretariat). It is always a download, never rendered by the browser.
func (s *Server) apiCommentAttachment(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ReadDocuments)
	if err != nil {
		return err
	}
	if ca.Status != negotiation.CommentVisible && viewer(c).PartyKind != negotiation.PartySecretariat {
		return negotiation.Errorf(negotiation.ENotFound, "comment %d is %s; its attachments are not available", ca.ID, ca.Status)
	}
	if v := viewer(c); !ca.Document.Disclosure.CanSee(v, negotiation.ArtAttachments, v.Owns(ca.AuthorParty), s.now()) {
		return negotiation.Errorf(negotiation.ENotFound, "attachment %q not found", c.Param("aid"))
	}
	aid, err := strconv.ParseInt(c.Param("aid"), 10, 64)
	if err != nil {
		return negotiation.Errorf(negotiation.ENotFound, "attachment %q not found", c.Param("aid"))
	}
	a, err := s.store.CommentAttachment(c.Request().Context(), ca.ID, aid)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": downloadName(a.Name, a.ContentType)}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, a.ContentType, a.Data)
}

// downloadName makes sure the saved file's extension is that of its
// detected type, so that "notes.html" holding text is saved as
// "notes.html.txt" and never opened as a web page.
func downloadName(name, contentType string) string {
	ext := attachment.Extensions[contentType]
	if ext != "" && !strings.HasSuffix(strings.ToLower(name), ext) {
		name += ext
	}
	return name
}

// apiCampaignSignatories lists everyone who submitted the same text as a
// comment (its campaign), in order of submission.
func (s *Server) apiCampaignSignatories(c echo.Context) error {
	ca, err := s.authorizeComment(c, c.Param("cid"), negotiation.ReadDocuments)
	if err != nil {
		return err
	}
	d, err := s.store.Document(c.Request().Context(), ca.Document.ID)
	if err != nil {
		return err
	}
	list, err := s.store.CampaignSignatories(c.Request().Context(), ca.ID, s.commentViewer(c, d))
	if err != nil {
		return err
	}
	list = s.discloseSignatories(c, d, list)
	return c.JSON(http.StatusOK, map[string]any{"id": ca.ID, "count": len(list), "signatories": list})
}

// apiFollowProvision and apiUnfollowProvision make the viewer follow a
// provision, to be notified of new comments on it.
func (s *Server) apiFollowProvision(c echo.Context) error { return s.followProvision(c, true) }

func (s *Server) apiUnfollowProvision(c echo.Context) error { return s.followProvision(c, false) }

func (s *Server) followProvision(c echo.Context, follow bool) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	if err := s.store.FollowProvision(c.Request().Context(), v.Actor(), v.UserID, d.ID, c.Param("key"), follow); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"key": c.Param("key"), "following": follow})
}

// apiNotifications lists the viewer's notifications, newest first
// (?before=ID for older ones), with the unread count.
func (s *Server) apiNotifications(c echo.Context) error {
	list, unread, err := s.notifications(c)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Notification{}
	}
	return c.JSON(http.StatusOK, map[string]any{"notifications": list, "unread": unread})
}

// apiReadNotifications marks one notification ({"id"}) or all ({}) read.
func (s *Server) apiReadNotifications(c echo.Context) error {
	if err := s.authorize(c, negotiation.UseAccount, 0); err != nil {
		return err
	}
	var req struct {
		ID int64 `json:"id"`
	}
	if err := decodeJSON(c, &req); err != nil && negotiation.ErrorCode(err) != negotiation.EMalformed {
		return err
	}
	v := viewer(c)
	if err := s.store.MarkNotificationsRead(c.Request().Context(), v.Actor(), v.UserID, req.ID); err != nil {
		return err
	}
	unread, err := s.store.UnreadNotifications(c.Request().Context(), v.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"unread": unread})
}

// notifications reads a page of the viewer's notifications (?before=ID
// for older ones) and the unread count; the API and the page share it.
func (s *Server) notifications(c echo.Context) ([]store.Notification, int, error) {
	if err := s.authorize(c, negotiation.UseAccount, 0); err != nil {
		return nil, 0, err
	}
	before, err := optionalID("before", c.QueryParam("before"))
	if err != nil {
		return nil, 0, err
	}
	return s.store.Notifications(c.Request().Context(), viewer(c).UserID, before)
}
