package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/pdf"
)

// Without Chromium a PDF export answers 503 with a sentence saying why,
// not an internal error.
func TestPDFUnavailableSaysSo(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest("GET", "/api/v1/documents/1/versions/1/export?format=pdf", nil), httptest.NewRecorder())
	var none *pdf.Renderer
	_, err := none.Version(c.Request().Context(), exportMetaForTest(), nil)
	status, code, msg := (&Server{}).describe(pdfError(err), c)
	if status != http.StatusServiceUnavailable || code != "unavailable" || !strings.Contains(msg, "needs Chromium") {
		t.Errorf("%d %s %q", status, code, msg)
	}
}

func exportMetaForTest() export.Meta { return export.Meta{Symbol: "A/1", Title: "T"} }
