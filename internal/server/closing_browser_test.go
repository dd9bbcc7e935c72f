package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// download clicks the link matching css in the tab and returns the file
// the browser saved.
func download(t *testing.T, b *chromeTab, css string) []byte {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(css)),
	); err != nil {
		t.Fatalf("download %s: %v", css, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download %s: %v", css, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case cdpbrowser.DownloadProgressStateCanceled:
			t.Fatalf("download %s was cancelled", css)
		}
	}
	t.Fatalf("download %s did not complete", css)
	return nil
}

// The secretariat runs a silence procedure to adoption in the browser; an
// anonymous visitor then opens the public page and downloads the DOCX and
// the PDF, which real readers read back.
func TestBrowserSilenceToAdoptionAndPublicDownloads(t *testing.T) {
	t.Parallel()
	pandoc := exporttest.Need(t, "pandoc", "pandoc")
	pdftotext := exporttest.Need(t, "pdftotext", "poppler-utils")
	e := newClosingEnv(t, 2*time.Second, true)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	doc := e.createDoc("A/CONF.1/2026/L.7", finalDraft)

	sec := startChrome(t)
	signInWithChrome(t, sec, e.url, "chief@un.example", pw)
	sec.do(t, "open the document", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", e.url, doc.ID)))
	sec.click(t, fmt.Sprintf(`a[href="/documents/%d/closing"]`, doc.ID))
	deadline := time.Now().Add(5 * time.Second).UTC().Truncate(time.Second)
	sec.do(t, "set the deadline", chromedp.SetValue(chromedp.CSS(`#silence-deadline-input`), deadline.Format("2006-01-02T15:04:05")))
	sec.click(t, `#silence-form button[type=submit]`)
	if got := sec.text(t, "#silence-status"); got != "running" {
		t.Fatalf("silence status %q after starting it; page: %s", got, sec.text(t, "main"))
	}
	sec.do(t, "open the document page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d", e.url, doc.ID)))
	if banner := sec.text(t, ".closing-banner.silence"); !strings.Contains(banner, "frozen until") {
		t.Fatalf("the document page shows no silence notice: %q", banner)
	}
	// Unbroken at the deadline, the job adopts it; the page says so.
	end := time.Now().Add(30 * time.Second)
	for {
		sec.do(t, "reload the closing page", chromedp.Navigate(fmt.Sprintf("%s/documents/%d/closing", e.url, doc.ID)))
		if len(sec.texts(t, "#public-link")) > 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("not adopted 25 s after the deadline; page: %s", sec.text(t, "main"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	sec.click(t, "#public-link")
	publicURL := sec.location(t)
	if want := e.url + "/texts/A/CONF.1/2026/L.7"; publicURL != want {
		t.Fatalf("public page at %s, want %s", publicURL, want)
	}
	if got := sec.text(t, "main"); !strings.Contains(got, "silence procedure") || !strings.Contains(got, deadline.Format("2006-01-02 15:04")) {
		t.Fatalf("the adoption record does not say silence at the deadline: %s", got)
	}

	anon := startChrome(t)
	anon.do(t, "open the public page", chromedp.Navigate(publicURL))
	if got := anon.text(t, ".final-body"); !strings.Contains(got, "Decides to establish an intergovernmental negotiating committee") {
		t.Fatalf("an anonymous visitor does not see the final text: %q", got)
	}
	docx := download(t, anon, `a[data-format=docx]`)
	text := exporttest.Run(t, docx, pandoc, "-f", "docx", "-t", "plain")
	if !strings.Contains(strings.Join(strings.Fields(string(text)), " "), "Requests the Secretary-General to provide support") {
		t.Fatalf("pandoc reads the downloaded DOCX as %q", text)
	}
	pdf := download(t, anon, `a[data-format=pdf]`)
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("the PDF download is not a PDF: %q", pdf[:min(len(pdf), 40)])
	}
	text = exporttest.Run(t, pdf, pdftotext, "-", "-")
	if !strings.Contains(strings.Join(strings.Fields(string(text)), " "), "Invites Member States to contribute") {
		t.Fatalf("pdftotext reads the downloaded PDF as %q", text)
	}
	if p := append(sec.consoleProblems(), anon.consoleProblems()...); len(p) > 0 {
		t.Fatalf("console problems: %v", p)
	}
}
