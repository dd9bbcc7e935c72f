package server

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// exportDocument reads the document and checks that the viewer may export
// its comments (the secretariat).
func (s *Server) exportDocument(c echo.Context) (negotiation.Document, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return d, err
	}
	return d, s.authorize(c, negotiation.ExportComments, d.ID)
}

// apiStartCommentExport queues an export ({"format":"csv"|"json"}) and
// answers 202 with where to follow it.
func (s *Server) apiStartCommentExport(c echo.Context) error {
	d, err := s.exportDocument(c)
	if err != nil {
		return err
	}
	var req struct {
		Format string `json:"format"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v := viewer(c)
	e, err := s.store.StartCommentExport(c.Request().Context(), v.Actor(), d.ID, v.UserID, req.Format)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, exportJSON(e))
}

func exportJSON(e store.CommentExport) map[string]any {
	base := fmt.Sprintf("/api/v1/documents/%d/comments/exports/%d", e.DocumentID, e.ID)
	out := map[string]any{"id": e.ID, "format": e.Format, "status": e.Status, "done": e.Done, "total": e.Total,
		"created_at": e.CreatedAt.UTC(), "finished_at": e.FinishedAt, "status_url": base, "download": nil}
	if e.Status == "done" {
		out["download"] = base + "/file"
	}
	if e.Error != "" {
		out["error"] = e.Error // a failed try, or why the export failed
	}
	return out
}

func exportID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("eid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, negotiation.Errorf(negotiation.ENotFound, "export %q not found", c.Param("eid"))
	}
	return id, nil
}

// apiCommentExport tells how far an export is.
func (s *Server) apiCommentExport(c echo.Context) error {
	d, err := s.exportDocument(c)
	if err != nil {
		return err
	}
	id, err := exportID(c)
	if err != nil {
		return err
	}
	e, err := s.store.CommentExport(c.Request().Context(), d.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exportJSON(e))
}

// apiCommentExportFile downloads a finished export (409 while it runs).
func (s *Server) apiCommentExportFile(c echo.Context) error {
	d, err := s.exportDocument(c)
	if err != nil {
		return err
	}
	id, err := exportID(c)
	if err != nil {
		return err
	}
	e, data, err := s.store.CommentExportFile(c.Request().Context(), d.ID, id)
	if err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if e.Format == "json" {
		ct = "application/json"
	}
	name := fmt.Sprintf("comments-%d-%d.%s", d.ID, e.ID, e.Format)
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, ct, data)
}

type exportsView struct {
	Doc     negotiation.Document
	Exports []store.CommentExport
	Running bool
}

// pageCommentExports lists a document's exports with their progress; the
// page reloads itself while one runs.
func (s *Server) pageCommentExports(c echo.Context) error {
	d, err := s.exportDocument(c)
	if err != nil {
		return err
	}
	list, err := s.store.CommentExports(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	ev := exportsView{Doc: d, Exports: list}
	for _, e := range list {
		ev.Running = ev.Running || e.Status == "queued" || e.Status == "running"
	}
	return s.render(c, http.StatusOK, "comment_exports", translator(c).T("exports.title"), ev)
}

func (s *Server) postCommentExport(c echo.Context) error {
	d, err := s.exportDocument(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	if _, err := s.store.StartCommentExport(c.Request().Context(), v.Actor(), d.ID, v.UserID, c.FormValue("format")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/comments/export", d.ID))
}
