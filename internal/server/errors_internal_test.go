package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestAbandonedRequestIsNoError: a request whose client went away ends
// with context.Canceled, which is logged as such, not as an internal
// error; the same error on a request still waiting is an internal error.
func TestAbandonedRequestIsNoError(t *testing.T) {
	var log bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	e := echo.New()
	answer := func(ctx context.Context) *httptest.ResponseRecorder {
		log.Reset()
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/v1/documents/1/proposals", nil)
		s.handleError(fmt.Errorf("look up the token: %w", context.Canceled), e.NewContext(req, rec))
		return rec
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if rec := answer(gone); rec.Body.Len() != 0 || strings.Contains(log.String(), "internal error") ||
		!strings.Contains(log.String(), "abandoned by its client") {
		t.Errorf("client gone: answered %d %q, logged %q", rec.Code, rec.Body, log.String())
	}
	if rec := answer(context.Background()); rec.Code != http.StatusInternalServerError || !strings.Contains(log.String(), "internal error") {
		t.Errorf("client waiting: answered %d %q, logged %q", rec.Code, rec.Body, log.String())
	}
}
