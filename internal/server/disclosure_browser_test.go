package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// visitorTab opens a second tab in b's browser with its own cookies: a
// visitor who has never signed in.
func visitorTab(t *testing.T, b *chromeTab) *chromeTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a visitor's tab: %v", err)
	}
	return &chromeTab{ctx: ctx}
}

// The secretariat opens a closed document to the public from its policy
// page; a visitor then finds it in the list and reads it. Under Chatham
// House the visitor's compilation shows "Proposal A", never who made it.
func TestBrowserDisclosureRules(t *testing.T) {
	t.Parallel()
	tab := startChrome(t) // skips (or fails in CI) without a browser
	e := newEnv(t)
	c := e.createDoc("A/POL/BROWSER", zeroDraft)
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "delegate@fra.example")}
	key, text := e.keyOf(c.ID, 1, "Requests")
	start, end := span(text, "[provide/ensure]")
	if status, raw := fra.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), map[string]any{
		"base_version": 1, "kind": "replace", "key": key, "start": start, "end": end,
		"quote": "[provide/ensure]", "text": "ensure", "justification": "clearer"}, nil); status != http.StatusCreated {
		t.Fatalf("FRA's proposal: %d %s", status, raw)
	}
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	visitor := visitorTab(t, tab)
	docPage := fmt.Sprintf("%s/documents/%d", e.url, c.ID)

	// Closed: the visitor's list does not have it.
	visitor.andWait(t, "the visitor opens the list", chromedp.Navigate(e.url+"/"))
	if got := visitor.text(t, "main"); strings.Contains(got, "A/POL/BROWSER") {
		t.Fatalf("the closed document is listed for a visitor: %q", got)
	}

	signInWithChrome(t, tab, e.url, "chief@un.example", pw)
	tab.andWait(t, "open the document", chromedp.Navigate(docPage))
	if got := tab.text(t, "#public-summary"); !strings.HasPrefix(got, "Members only.") {
		t.Errorf("closed document's summary %q", got)
	}
	tab.click(t, "#policy-link")
	if got := tab.text(t, "#policy-current"); got != "Current rules: Closed" {
		t.Errorf("policy page says %q", got)
	}
	tab.click(t, `#preset-form button[value="transparent"]`)
	if got := tab.text(t, "#policy-current"); got != "Current rules: Transparent" {
		t.Errorf("after applying transparent the page says %q", got)
	}
	if got := tab.text(t, ".saved"); !strings.HasPrefix(got, "The rules are saved") {
		t.Errorf("no acknowledgement: %q", got)
	}

	// The visitor now finds the document and reads its text.
	visitor.andWait(t, "the visitor reloads the list", chromedp.Navigate(e.url+"/"))
	if got := visitor.texts(t, "#public-documents td a"); len(got) != 1 || got[0] != "A/POL/BROWSER" {
		t.Fatalf("the visitor's list of public documents: %q", got)
	}
	visitor.click(t, "#public-documents td a")
	if got := visitor.text(t, "main"); !strings.Contains(got, "Decides to establish an intergovernmental negotiating committee") {
		t.Errorf("the visitor does not read the text: %q", got)
	}
	if got := visitor.text(t, "#public-summary"); !strings.HasPrefix(got, "Public: text, proposals, who proposed what,") {
		t.Errorf("the visitor's summary: %q", got)
	}
	if n := len(visitor.texts(t, "#policy-link")); n != 0 {
		t.Errorf("the visitor sees the link to the policy page")
	}

	// Transparent names who proposed (so that what follows means something).
	visitor.andWait(t, "the visitor opens the compilation", chromedp.Navigate(docPage+"/compilation"))
	if got := visitor.text(t, "main"); !strings.Contains(got, "FRA") {
		t.Errorf("under transparent rules the visitor's compilation does not name FRA: %q", got)
	}

	// Chatham House: proposals are shown, their authors are not.
	tab.andWait(t, "reopen the policy page", chromedp.Navigate(docPage+"/policy"))
	tab.click(t, `#preset-form button[value="chatham-house"]`)
	if got := tab.text(t, "#policy-current"); got != "Current rules: Chatham House" {
		t.Errorf("after applying Chatham House the page says %q", got)
	}
	visitor.andWait(t, "the visitor opens the compilation", chromedp.Navigate(docPage+"/compilation"))
	got := visitor.text(t, "main")
	if !strings.Contains(got, "Proposal A") {
		t.Errorf("the visitor's compilation does not show Proposal A: %q", got)
	}
	if strings.Contains(got, "FRA") {
		t.Errorf("the visitor's compilation names the proposing party: %q", got)
	}
	if p := append(tab.consoleProblems(), visitor.consoleProblems()...); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}
