package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestBrowserWordImport drives a real browser: the secretariat creates a
// document from a Word file on the new-document page, then a new version
// from a Word file with tracked changes, and reads what the import did;
// the version and comparison pages offer the exports.
func TestBrowserWordImport(t *testing.T) {
	t.Parallel()
	tab := startChrome(t)
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "importer@un.example", pw)
	dir := t.TempDir()
	write := func(name string, b []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean, err := docx.Clean(exporttest.Meta(), exporttest.From())
	first := write("zero-draft.docx", clean, err)
	red, err := docx.Redline(exporttest.Meta(), exporttest.From(), exporttest.To(), docx.Changes{Authors: exporttest.Authors(), Fallback: "Secretariat"})
	second := write("rev1.docx", red, err)

	signInWithChrome(t, tab, e.url, "importer@un.example", pw)
	tab.do(t, "open the new-document page", chromedp.Navigate(e.url+"/documents/new"))
	tab.do(t, "fill in the form and choose the Word file",
		chromedp.SetValue(chromedp.CSS(`input[name=symbol]`), "A/C.2/80/L.5"),
		chromedp.SetValue(chromedp.CSS(`input[name=title]`), "Sustainable oceans"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{first}),
	)
	tab.click(t, `form.stack button[type=submit]`)
	if got := tab.text(t, "h1"); got != "Imported from Word" {
		t.Fatalf("after the upload the page says %q: %s", got, tab.text(t, "main"))
	}
	if got := tab.text(t, "[role=status]"); !strings.Contains(got, "6 paragraph(s) were imported as version 1") {
		t.Errorf("the report says %q", got)
	}
	if got := tab.text(t, "main"); !strings.Contains(got, "The file had no tracked changes.") {
		t.Errorf("the report: %s", got)
	}
	tab.click(t, `a[href$="/versions/1"]`)
	if got := strings.Join(tab.texts(t, ".exports a"), " | "); !strings.Contains(got, "Word (DOCX)") || !strings.Contains(got, "Akoma Ntoso XML") {
		t.Errorf("the version page's exports: %s", got)
	}

	// A new version from a Word file whose changes are tracked.
	docPath := strings.TrimSuffix(tab.location(t), "/versions/1")
	tab.do(t, "open the new-version page", chromedp.Navigate(docPath+"/versions/new"))
	tab.do(t, "choose the Word file", chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{second}))
	tab.click(t, `form.stack button[type=submit]`)
	got := tab.text(t, "main")
	for _, want := range []string{"imported as version 2", "tracked insertion(s)", "EU", "They were all accepted."} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q: %s", want, got)
		}
	}
	tab.click(t, `a[href*="/diff?from=1&to=2"]`)
	if got := tab.text(t, ".exports"); got != "Download this comparison as a Word document with tracked changes" {
		t.Errorf("the comparison page offers %q", got)
	}
	if p := tab.consoleProblems(); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}
