package pdf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/export/pdf"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// renderer gives a renderer, or skips the test without Chromium (fails it
// in CI, where Chromium is installed for the browser tests).
func renderer(t *testing.T) *pdf.Renderer {
	t.Helper()
	r := pdf.New()
	if !r.Available() {
		exporttest.Need(t, "chromium", "chromium")
	}
	return r
}

// The print page is pinned by a golden file; the PDF itself carries
// creation dates and font subsets, so it is checked by reading it back.
func TestPage(t *testing.T) {
	page, err := pdf.Page(exporttest.Meta(), pdf.VersionParas(exporttest.To()))
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Golden(t, "version.html", page)
	if !strings.Contains(string(page), "Sustainable oceans &amp; &lt;coasts&gt;") {
		t.Error("the title is not escaped")
	}
}

func TestVersionPDF(t *testing.T) {
	r := renderer(t)
	out, err := r.Version(context.Background(), exporttest.Meta(), exporttest.To())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "%PDF-") {
		t.Fatalf("not a PDF: %q", out[:min(20, len(out))])
	}
	text := pdftotext(t, out)
	for _, want := range []string{"A/C.2/80/L.5 (Rev.1)", "Sustainable oceans & <coasts>", "1. Decides to establish an open-ended working group;", "海洋污染", "التلوث البحري"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
	fonts := string(exporttest.Run(t, out, exporttest.Need(t, "pdffonts", "poppler-utils"), "-"))
	// Chromium embeds the CJK collection's glyphs as Type 3 fonts without
	// a name; the Chinese text coming back above shows they are there.
	for _, want := range []string{"NotoNaskhArabic", "NotoSerif-Regular"} {
		if !strings.Contains(fonts, want) {
			t.Errorf("the PDF does not embed %s:\n%s", want, fonts)
		}
	}
}

// A whole text in Arabic is laid out right to left and comes back whole.
func TestArabicPDF(t *testing.T) {
	r := renderer(t)
	m := export.Meta{Symbol: "A/RES/80/1", Title: "تحويل عالمنا", Language: "ar", Version: 1, Label: "مشروع"}
	provs := []negotiation.Provision{
		{Key: "p1", Kind: negotiation.KindHeading, Text: "إن الجمعية العامة،"},
		{Key: "p2", Kind: negotiation.KindOperative, Label: "1.", Text: "تقرر إنشاء فريق عامل مفتوح العضوية؛"},
	}
	html, err := pdf.Page(m, pdf.VersionParas(provs))
	if err != nil || !strings.Contains(string(html), `dir="rtl"`) {
		t.Fatalf("the page is not right to left: %v\n%s", err, html)
	}
	out, err := r.Version(context.Background(), m, provs)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, out)
	for _, want := range []string{"إن الجمعية العامة،", "تقرر إنشاء فريق عامل مفتوح العضوية؛", "تحويل عالمنا"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
}

func TestUnavailable(t *testing.T) {
	var r *pdf.Renderer
	if _, err := r.Render(context.Background(), []byte("<p>x</p>")); err != pdf.ErrUnavailable {
		t.Errorf("a renderer without Chromium: %v", err)
	}
}

func pdftotext(t *testing.T, file []byte) string {
	t.Helper()
	p := exporttest.Need(t, "pdftotext", "poppler-utils")
	return normalize(string(exporttest.Run(t, file, p, "-enc", "UTF-8", "-", "-")))
}

// normalize drops the bidirectional controls pdftotext adds around runs
// of right-to-left text and collapses whitespace (line and block breaks
// depend on the layout), so that text can be compared as typed.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == 0x200E || r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
