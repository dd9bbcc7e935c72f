package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// An NGO representative comments on a provision with an attachment, a
// delegate replies, the secretariat hides the first comment with a reason,
// and the reply stays readable — all through the pages, in a real browser.
func TestBrowserConsultationThread(t *testing.T) {
	t.Parallel()
	tab := startChrome(t) // skips (or fails in CI) without a browser
	e := newEnv(t)
	c := e.createDoc("A/COM/BROWSER", zeroDraft)
	if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/consultation", c.ID), map[string]bool{"open": true}, nil); status != 200 {
		t.Fatalf("open consultation: %d %s", status, raw)
	}
	key, _ := e.keyOf(c.ID, 1, "Decides")
	e.account("CIEL", negotiation.PartyObserver, "ngo@ciel.example", pw)
	e.accredit("CIEL", "ngo@ciel.example", time.Now().Add(24*time.Hour))
	e.account("KEN", negotiation.PartyState, "delegate@ken.example", pw)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	file := filepath.Join(t.TempDir(), "ciel-position.pdf")
	if err := os.WriteFile(file, []byte(pdfBytes), 0o600); err != nil {
		t.Fatal(err)
	}
	docPage := fmt.Sprintf("%s/documents/%d", e.url, c.ID)
	ngoText := "CIEL asks to <b>strengthen</b> OP1."
	replyText := "Kenya supports this and will propose text."
	reason := "Off topic for this provision"

	// The NGO comments on OP1 with a PDF.
	signInWithChrome(t, tab, e.url, "ngo@ciel.example", pw)
	tab.andWait(t, "open the provision's thread", chromedp.Navigate(docPage+"?key="+key+"#threads"))
	tab.do(t, "write the comment",
		chromedp.SetValue(chromedp.CSS(`#comment-form textarea[name=body]`), ngoText),
		chromedp.SetUploadFiles(chromedp.CSS(`#comment-form input[type=file]`), []string{file}))
	tab.click(t, `#comment-form button[type=submit]`)
	permalink := tab.location(t)
	if !strings.Contains(permalink, fmt.Sprintf("/documents/%d/comments/", c.ID)) {
		t.Fatalf("after commenting the browser is at %s", permalink)
	}
	permalink = strings.SplitN(permalink, "#", 2)[0]
	if got := tab.text(t, ".focus .comment-body"); got != ngoText {
		t.Errorf("the comment reads %q, want %q", got, ngoText)
	}
	if got := tab.text(t, ".focus .attachments a"); got != "ciel-position.pdf" {
		t.Errorf("attachment link %q", got)
	}
	if got := tab.text(t, ".focus time.local"); !strings.Contains(got, "(") || !strings.Contains(got, "UTC)") {
		t.Errorf("the time is not shown locally with UTC beside it: %q", got)
	}
	tab.click(t, `form[action="/auth/logout"] button`)

	// A delegate replies.
	signInWithChrome(t, tab, e.url, "delegate@ken.example", pw)
	tab.andWait(t, "open the NGO's comment", chromedp.Navigate(permalink))
	tab.do(t, "write the reply", chromedp.SetValue(chromedp.CSS(`#comment-form textarea[name=body]`), replyText))
	tab.click(t, `#comment-form button[type=submit]`)
	if got := tab.text(t, ".focus .comment-body"); got != replyText {
		t.Errorf("the reply reads %q", got)
	}
	tab.click(t, `form[action="/auth/logout"] button`)

	// The secretariat hides the NGO's comment with a reason.
	signInWithChrome(t, tab, e.url, "chief@un.example", pw)
	tab.andWait(t, "open the NGO's comment", chromedp.Navigate(permalink))
	tab.do(t, "open the hide form", chromedp.Click(chromedp.CSS(`.focus details.moderate summary`)))
	tab.do(t, "give a reason", chromedp.SetValue(chromedp.CSS(`.focus details.moderate input[name=reason]`), reason))
	tab.click(t, `.focus details.moderate button[type=submit]`)
	if got := tab.text(t, ".focus .tombstone"); !strings.Contains(got, "hidden by the secretariat on") || !strings.HasSuffix(got, ": "+reason) {
		t.Errorf("the secretariat sees tombstone %q", got)
	}
	tab.click(t, `form[action="/auth/logout"] button`)

	// The delegate sees the tombstone, not the text, and the reply.
	signInWithChrome(t, tab, e.url, "delegate@ken.example", pw)
	tab.andWait(t, "open the hidden comment", chromedp.Navigate(permalink))
	if got := tab.text(t, ".focus .tombstone"); !strings.Contains(got, "hidden by the secretariat on") || !strings.HasSuffix(got, ": "+reason) {
		t.Errorf("tombstone %q", got)
	}
	if got := tab.text(t, "main"); strings.Contains(got, "strengthen") || strings.Contains(got, "ciel-position.pdf") {
		t.Errorf("the hidden comment's text or file still shows")
	}
	if got := tab.texts(t, "#reply-list .comment-body"); len(got) != 1 || got[0] != replyText {
		t.Errorf("replies under the hidden comment: %q", got)
	}
	tab.andWait(t, "open the document's threads", chromedp.Navigate(docPage+"?key="+key+"#threads"))
	if got := tab.text(t, "#comment-counts"); !strings.HasPrefix(got, "1 visible, 1 hidden and 0 withdrawn") {
		t.Errorf("counts %q", got)
	}
	if p := tab.consoleProblems(); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}
