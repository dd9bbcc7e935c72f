package server

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// auditPage bounds one page of the audit trail in JSON, and each read of
// the CSV export.
const auditPage = 1000

// apiDocumentAudit gives the secretariat a document's audit trail: JSON by
// pages (?after=<last id>&limit=<n>), or the whole of it as CSV
// (?format=csv), written page by page as it is read.
func (s *Server) apiDocumentAudit(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ReadAudit, d.ID); err != nil {
		return err
	}
	after, err := queryInt(c, "after", 0)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		return s.auditCSV(c, d, after)
	}
	limit, err := queryInt(c, "limit", auditPage)
	if err != nil || limit < 1 || limit > auditPage {
		return negotiation.Errorf(negotiation.EInvalid, "limit must be a number from 1 to %d", auditPage)
	}
	events, err := s.store.DocumentAudit(c.Request().Context(), d.ID, after, int(limit))
	if err != nil {
		return err
	}
	var next any
	if len(events) == int(limit) {
		next = fmt.Sprintf("/api/v1/documents/%d/audit?after=%d&limit=%d", d.ID, events[len(events)-1].ID, limit)
	}
	if events == nil {
		events = []store.AuditEvent{}
	}
	return c.JSON(http.StatusOK, map[string]any{"document_id": d.ID, "events": events, "next": next})
}

// auditCSV writes the trail from after on as a CSV download.
func (s *Server) auditCSV(c echo.Context, d negotiation.Document, after int64) error {
	ctx := c.Request().Context()
	first, err := s.store.DocumentAudit(ctx, d.ID, after, auditPage)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", export.Disposition(export.FileStem(d.Symbol)+"_audit.csv"))
	c.Response().WriteHeader(http.StatusOK)
	c.Response().Write([]byte("\ufeff")) // so that spreadsheets read UTF-8
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"id", "at", "actor", "action", "object_type", "object_id", "detail"})
	for page := first; len(page) > 0; {
		for _, e := range page {
			_ = w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), export.CSVCell(e.Actor),
				e.Action, e.ObjectType, e.ObjectID, export.CSVCell(detailJSON(e.Detail))})
		}
		if len(page) < auditPage {
			break
		}
		// The answer has begun: a failure now can only cut it short.
		if page, err = s.store.DocumentAudit(ctx, d.ID, page[len(page)-1].ID, auditPage); err != nil {
			s.log.Error("audit trail export cut short", "document", d.ID, "err", err)
			break
		}
	}
	w.Flush()
	return w.Error()
}

// queryInt reads a whole, non-negative number from the query string; def
// when it is absent.
func queryInt(c echo.Context, name string, def int64) (int64, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, negotiation.Errorf(negotiation.EInvalid, "%s must be a whole number, not %q", name, raw)
	}
	return n, nil
}

// detailJSON is an audit event's details as one JSON text.
func detailJSON(detail map[string]any) string {
	b, err := json.Marshal(detail)
	if err != nil {
		return "{}"
	}
	return string(b)
}
