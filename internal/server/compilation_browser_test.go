package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// compilationSetup makes a document with tabled proposals by EU, G77 and
// USA, a draft of BRA's, and signed-in browsers for EU, BRA, the
// secretariat and an observer.
type compilationSetup struct {
	e                  *testEnv
	doc                int64
	euID, g77ID, usID  int64
	eu, bra, sec, ngo  *browser
	page               string // /documents/N/compilation
	reqKey, invKey     string
	reqText, invText   string
	euToken, braToken  string
	g77Token, usaToken string
	justification      string
	draftJustification string
	insertedProvision  string
}

func newCompilationSetup(t *testing.T) *compilationSetup {
	t.Helper()
	e := newEnv(t)
	c := e.createDoc("A/COMPPAGE/1", zeroDraft)
	s := &compilationSetup{e: e, doc: c.ID, page: fmt.Sprintf("/documents/%d/compilation", c.ID),
		justification: `<script>alert("x")</script> clearer & shorter`, draftJustification: "BRA private draft note",
		insertedProvision: "Decides further to review progress annually;"}
	s.euToken = e.tokenFor("EU", negotiation.PartyGroup, "t@eu.example")
	s.g77Token = e.tokenFor("G77", negotiation.PartyGroup, "t@g77.example")
	s.usaToken = e.tokenFor("USA", negotiation.PartyState, "t@usa.example")
	s.braToken = e.tokenFor("BRA", negotiation.PartyState, "t@bra.example")
	as := func(token string) *testEnv { return &testEnv{t: t, url: e.url, token: token} }
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	propose := func(token string, body map[string]any) int64 {
		t.Helper()
		var out struct{ ID int64 }
		if status, raw := as(token).call("POST", path, body, &out); status != http.StatusCreated {
			t.Fatalf("propose %v: %d %s", body, status, raw)
		}
		return out.ID
	}
	s.reqKey, s.reqText = e.keyOf(c.ID, 1, "Requests")
	st, en := span(s.reqText, "[provide/ensure]")
	s.euID = propose(s.euToken, map[string]any{"base_version": 1, "kind": "replace", "key": s.reqKey, "start": st, "end": en,
		"quote": "[provide/ensure]", "text": "ensure", "justification": s.justification})
	s.g77ID = propose(s.g77Token, map[string]any{"base_version": 1, "kind": "replace", "key": s.reqKey, "start": st, "end": en,
		"quote": "[provide/ensure]", "text": "provide"})
	decKey, _ := e.keyOf(c.ID, 1, "Decides")
	s.usID = propose(s.usaToken, map[string]any{"base_version": 1, "kind": "insert", "key": decKey, "text": s.insertedProvision})
	s.invKey, s.invText = e.keyOf(c.ID, 1, "Invites")
	propose(s.braToken, map[string]any{"base_version": 1, "kind": "delete", "key": s.invKey, "draft": true, "justification": s.draftJustification})

	s.eu, s.bra, s.sec, s.ngo = e.browser(), e.browser(), e.browser(), e.browser()
	e.account("EU", negotiation.PartyGroup, "delegate@eu.example", pw)
	e.account("BRA", negotiation.PartyState, "delegate@bra.example", pw)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	e.account("CIEL", negotiation.PartyObserver, "ngo@ciel.example", pw)
	s.eu.signIn("delegate@eu.example", pw)
	s.bra.signIn("delegate@bra.example", pw)
	s.sec.signIn("chief@un.example", pw)
	s.ngo.signIn("ngo@ciel.example", pw)
	return s
}

// text strips the compTags from a page and undoes the escaping, leaving what
// a reader sees (roughly: spacing is not normalised).
var compTags = regexp.MustCompile(`<[^>]*>`)

// messageIDs match catalog ids, which a page shows when a message is missing.
var messageIDs = regexp.MustCompile(`\b(comp|status|pstatus|pkind|pst|stance|version|doc)\.[a-z_.]+[a-z]\b`)

func compVisible(page string) string {
	return htmlUnescape(compTags.ReplaceAllString(page, ""))
}

func compGet(t *testing.T, b *browser, path string, status int) string {
	t.Helper()
	resp, page := b.get(path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, status, page)
	}
	return page
}

func TestCompilationPage(t *testing.T) {
	t.Parallel()
	s := newCompilationSetup(t)
	page := compGet(t, s.eu, s.page, http.StatusOK)
	text := compVisible(page)

	// Every tabled proposal inline, attributed; the new provision numbered.
	for _, want := range []string{"[[provide/ensure]]", "[ensure]{EU}", "[provide]{G77}", "OP1bis", "[" + s.insertedProvision + "]{USA}",
		"Provenance", fmt.Sprintf("Proposal %d", s.euID)} {
		if !strings.Contains(text, want) {
			t.Errorf("the compilation lacks %q", want)
		}
	}
	// The base text is laid out for the script: runs with rune offsets.
	start, _ := span(s.reqText, "[provide/ensure]")
	if want := fmt.Sprintf(`<span class="base" data-key="%s" data-start="%d">[provide/ensure]</span>`, s.reqKey, start); !strings.Contains(page, want) {
		t.Errorf("the page lacks the base run %s", want)
	}
	// Script in a justification is text.
	if strings.Contains(page, `<script>alert("x")`) || !strings.Contains(page, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; clearer &amp; shorter`) {
		t.Errorf("the justification is not escaped as text")
	}
	if !strings.Contains(page, `<meta name="csrf-token" content="`) {
		t.Errorf("no csrf-token meta for the script")
	}
	// Another delegation's draft never shows; the own delegation sees it.
	if strings.Contains(page, s.draftJustification) {
		t.Errorf("EU sees BRA's draft")
	}
	if own := compGet(t, s.bra, s.page, http.StatusOK); !strings.Contains(own, s.draftJustification) {
		t.Errorf("BRA does not see its own draft")
	}

	// Every message is in the catalogs, in English and in Chinese.
	if ids := messageIDs.FindAllString(text, -1); len(ids) > 0 {
		t.Errorf("untranslated message ids: %v", ids)
	}
	s.bra.post("/language", url.Values{"lang": {"zh-Hans"}, "back": {s.page}})
	for _, path := range []string{s.page, fmt.Sprintf("/documents/%d/status", s.doc)} {
		zh := compVisible(compGet(t, s.bra, path, http.StatusOK))
		if ids := messageIDs.FindAllString(zh, -1); len(ids) > 0 || !strings.Contains(zh, "汇编案文") {
			t.Errorf("%s in Chinese: untranslated message ids %v", path, ids)
		}
	}

	// The clean view: the text without proposals, and a way back.
	clean := compGet(t, s.eu, s.page+"?view=clean", http.StatusOK)
	ctext := compVisible(clean)
	if strings.Contains(ctext, "[ensure]") || strings.Contains(ctext, "{EU}") || strings.Contains(ctext, s.insertedProvision) {
		t.Errorf("the clean view shows proposals")
	}
	if !strings.Contains(ctext, s.reqText) {
		t.Errorf("the clean view lacks %q", s.reqText)
	}
	if !strings.Contains(clean, `href="`+s.page+`"`) {
		t.Errorf("the clean view has no way back to the compilation")
	}

	// Filter by party: only G77's proposal.
	filtered := compVisible(compGet(t, s.eu, s.page+"?party=G77", http.StatusOK))
	if !strings.Contains(filtered, "[provide]{G77}") || strings.Contains(filtered, "[ensure]{EU}") || strings.Contains(filtered, "{USA}") {
		t.Errorf("party filter G77 shows the wrong proposals")
	}
	// The filter form's repeated fields become the comma-separated address.
	resp, two := s.eu.get(s.page + "?party=EU&party=G77&status=tabled")
	if got := resp.Request.URL.Query().Get("party"); got != "EU,G77" {
		t.Errorf("filter form address: party=%q at %s", got, resp.Request.URL)
	}
	if tt := compVisible(two); !strings.Contains(tt, "[ensure]{EU}") || !strings.Contains(tt, "[provide]{G77}") || strings.Contains(tt, "{USA}") {
		t.Errorf("party filter EU,G77 shows the wrong proposals")
	}
	// Withdrawn proposals only when asked for.
	withdrawn := compVisible(compGet(t, s.eu, s.page+"?status=withdrawn", http.StatusOK))
	if strings.Contains(withdrawn, "[ensure]{EU}") {
		t.Errorf("status filter withdrawn shows a tabled proposal")
	}

	// The live fragment is the same markup without the layout.
	frag := compGet(t, s.eu, s.page+"?fragment=1", http.StatusOK)
	if strings.Contains(frag, "<html") || !strings.Contains(frag, `class="live-root" data-version="1"`) || !strings.Contains(compVisible(frag), "[ensure]{EU}") {
		t.Errorf("fragment:\n%s", frag)
	}

	// An observer learns nothing; anonymous visitors are sent to sign in.
	for _, path := range []string{s.page, s.page + "?fragment=1", fmt.Sprintf("/documents/%d/status", s.doc)} {
		resp, body := s.ngo.get(path)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Plastic pollution") {
			t.Errorf("observer GET %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := s.e.browser().get(s.page); !strings.Contains(resp.Request.URL.Path, "/oidc/") {
		t.Errorf("anonymous visitor ends at %s", resp.Request.URL)
	}
}

func TestCompilationPageForms(t *testing.T) {
	t.Parallel()
	s := newCompilationSetup(t)
	st, en := span(s.invText, "Member States")
	form := url.Values{"base_version": {"1"}, "key": {s.invKey}, "kind": {"replace"}, "quote": {"Member States"},
		"start": {fmt.Sprint(st)}, "end": {fmt.Sprint(en)}, "text": {"all States"}, "justification": {"wider"},
		"on_behalf_of": {"BRA"}, "back": {s.page}}

	// A quote that does not match: the form comes back, filled in, with the reason.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("quote", "Member Sates")
	resp, page := s.bra.post(fmt.Sprintf("/documents/%d/proposals", s.doc), bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "does not match") || !strings.Contains(page, `value="Member Sates"`) {
		t.Errorf("quote mismatch: %d", resp.StatusCode)
	}
	if !strings.Contains(page, `data-fragment="`+s.page+`"`) {
		t.Errorf("the page shown again after an error updates itself from the wrong address")
	}
	// A stale base version: 409 naming the current one.
	stale := url.Values{}
	for k, v := range bad {
		stale[k] = v
	}
	stale.Set("base_version", "7")
	if resp, page := s.bra.post(fmt.Sprintf("/documents/%d/proposals", s.doc), stale); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "current version is 1") {
		t.Errorf("stale base: %d", resp.StatusCode)
	}
	// On behalf of someone else: refused.
	other := url.Values{}
	for k, v := range form {
		other[k] = v
	}
	other.Set("on_behalf_of", "EU")
	if resp, _ := s.bra.post(fmt.Sprintf("/documents/%d/proposals", s.doc), other); resp.StatusCode != http.StatusForbidden {
		t.Errorf("BRA on behalf of EU: %d", resp.StatusCode)
	}

	resp, page = s.bra.post(fmt.Sprintf("/documents/%d/proposals", s.doc), form)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != s.page || !strings.Contains(compVisible(page), "[all States]{BRA}") {
		t.Fatalf("plain proposal form: %d at %s", resp.StatusCode, resp.Request.URL)
	}

	// Positions: BRA supports EU's proposal, holds a reservation on OP3.
	resp, page = s.bra.post(fmt.Sprintf("/documents/%d/proposals/%d/position", s.doc, s.euID), url.Values{"stance": {"support"}, "back": {s.page}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(compVisible(page), "support: BRA") {
		t.Errorf("support: %d", resp.StatusCode)
	}
	if resp, _ := s.eu.post(fmt.Sprintf("/documents/%d/proposals/%d/position", s.doc, s.euID), url.Values{"stance": {"support"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("EU supported its own proposal: %d", resp.StatusCode)
	}
	decKey, _ := s.e.keyOf(s.doc, 1, "Decides")
	resp, page = s.bra.post(fmt.Sprintf("/documents/%d/provisions/%s/position", s.doc, decKey), url.Values{"stance": {"reservation"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Reservation held") {
		t.Errorf("reservation on a provision: %d", resp.StatusCode)
	}

	// Status: only the secretariat (or the chair) sets it.
	statusPath := fmt.Sprintf("/documents/%d/provisions/%s/status", s.doc, decKey)
	if resp, _ := s.bra.post(statusPath, url.Values{"status": {"agreed"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a state set a provision's status: %d", resp.StatusCode)
	}
	resp, page = s.sec.post(statusPath, url.Values{"status": {"agreed"}, "back": {"https://evil.example/"}})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Host != strings.TrimPrefix(s.e.url, "http://") {
		t.Fatalf("set status: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if !strings.Contains(page, `status-agreed" id="p-`+decKey+`"`) {
		t.Errorf("OP1 is not shown agreed")
	}

	// Withdrawal: only by the proposer.
	if resp, _ := s.bra.post(fmt.Sprintf("/documents/%d/proposals/%d/withdraw", s.doc, s.euID), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("BRA withdrew EU's proposal: %d", resp.StatusCode)
	}
	resp, page = s.eu.post(fmt.Sprintf("/documents/%d/proposals/%d/withdraw", s.doc, s.euID), url.Values{"back": {s.page}})
	if resp.StatusCode != http.StatusOK || strings.Contains(compVisible(page), "[ensure]{EU}") {
		t.Errorf("withdraw: %d", resp.StatusCode)
	}
	if all := compVisible(compGet(t, s.eu, s.page+"?status=tabled,withdrawn", http.StatusOK)); !strings.Contains(all, "[ensure]{EU}") {
		t.Errorf("the withdrawn proposal is not shown when asked for")
	}

	// Where the negotiation stands: counts, tiles and the chart.
	standing := compGet(t, s.sec, fmt.Sprintf("/documents/%d/status", s.doc), http.StatusOK)
	for _, want := range []string{"<svg", `class="tile status-agreed"`, "<polyline", "Open brackets"} {
		if !strings.Contains(standing, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
}

// compChromium finds a Chromium or Chrome to drive, or ends the test: a
// failure in CI, a skip elsewhere.
func compChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium or Chrome found; the browser tests need one (apt install chromium)")
	}
	t.Skip("no Chromium or Chrome found; install one (apt install chromium) to run the browser tests")
	return ""
}

// TestCompilationBrowser: two delegates have the compilation open; one
// selects words in OP2 and proposes a replacement from the selection form;
// the other sees the new bracket with the proposer's code without
// reloading. It does not run in parallel with the other tests of the
// package: the live update is timed, and a loaded machine would make the
// time say nothing about the page.
func TestCompilationBrowser(t *testing.T) {
	exe := compChromium(t)
	e := newEnv(t)
	// A character outside the Basic Multilingual Plane before the selected
	// words: JavaScript counts it as two, Go as one.
	text := "The General Assembly,\n\nNoting the 🌊 of plastic,\n\n1. Decides to act;\n\n" +
		"2. Requests the Secretary-General 🙂 to provide support to the committee;\n\n3. Invites Member States to contribute."
	c := e.createDoc("A/BROWSER/1", text)
	e.account("FRA", negotiation.PartyState, "delegate@fra.example", pw)
	e.account("KEN", negotiation.PartyState, "delegate@ken.example", pw)
	page := fmt.Sprintf("/documents/%d/compilation", c.ID)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900))...)
	defer cancelAlloc()

	// Script errors and CSP refusals end up in the console: none is expected.
	var mu sync.Mutex
	var problems []string
	listen := chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			// The browser asks for /favicon.ico on its own; there is none.
			if ev.Entry.Level == log.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
				problems = append(problems, "console: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	fra, cancelFRA := chromedp.NewContext(alloc, listen)
	defer cancelFRA()
	if err := chromedp.Do(fra); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	// A second browser context: its own cookies, as another person's browser.
	ken, cancelKEN := chromedp.NewContext(fra, chromedp.WithNewBrowserContext(), listen)
	defer cancelKEN()

	signIn := func(tab context.Context, email string) {
		t.Helper()
		err := chromedp.Do(tab,
			chromedp.Navigate(e.url+"/auth/login?next="+url.QueryEscape(page)),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), pw),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitVisible(chromedp.ID("compilation")),
		)
		if err != nil {
			t.Fatalf("sign in %s: %v", email, err)
		}
	}
	began := time.Now()
	signIn(fra, "delegate@fra.example")
	signIn(ken, "delegate@ken.example")
	t.Logf("browser started and two delegates signed in after %v", time.Since(began).Round(10*time.Millisecond))
	// KEN's page has opened its event stream before FRA proposes.
	compWait(t, ken, `document.getElementById("compilation").dataset.live === "open"`, 5*time.Second)

	// FRA selects "support" in OP2, as a mouse would, and the form opens.
	selectWords := `(() => {
		const p = document.querySelector('.ptext[data-number="OP2"]');
		const b = Array.from(p.querySelectorAll('.base')).find(x => x.textContent.includes('support'));
		const t = b.firstChild, i = t.data.indexOf('support');
		const r = document.createRange();
		r.setStart(t, i); r.setEnd(t, i + 'support'.length);
		const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
		b.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
		return true;
	})()`
	if _, err := chromedp.Run(fra, chromedp.Evaluate[bool](selectWords)); err != nil {
		t.Fatalf("select: %v", err)
	}
	if err := chromedp.Do(fra, chromedp.WaitVisible(chromedp.ID("selpanel"))); err != nil {
		t.Fatalf("the selection form does not open: %v", err)
	}
	quote, err := chromedp.Run(fra, chromedp.Text(chromedp.CSS("#selpanel .sel-quote")))
	if err != nil || quote != "support" {
		t.Errorf("the form quotes %q (%v), want %q", quote, err, "support")
	}
	err = chromedp.Do(fra,
		chromedp.SendKeys(chromedp.CSS(`#selpanel textarea[name="text"]`), "technical assistance"),
		chromedp.SendKeys(chromedp.CSS(`#selpanel textarea[name="justification"]`), "More precise."),
	)
	if err != nil {
		t.Fatalf("fill in: %v", err)
	}
	compShot(t, fra, "selection")
	submitted := time.Now()
	if err := chromedp.Do(fra, chromedp.Click(chromedp.CSS(`#selpanel button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}

	// KEN's page shows the new bracket with FRA's code, without a reload.
	compWait(t, ken, `document.getElementById("compilation").textContent.includes("[technical assistance]{FRA}")`, 2500*time.Millisecond)
	t.Logf("the other delegate saw the proposal %v after it was sent", time.Since(submitted).Round(10*time.Millisecond))
	if n, err := chromedp.Run(ken, chromedp.Evaluate[int](`performance.getEntriesByType("navigation").length`)); err != nil || n != 1 {
		t.Errorf("KEN's page was reloaded: %d navigations (%v)", n, err)
	}
	// The anchor is in runes: the emoji before the words counts one.
	key, ptext := e.keyOf(c.ID, 1, "Requests")
	start, end := span(ptext, "support")
	var list proposalList
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), nil, &list)
	if len(list.Proposals) != 1 {
		t.Fatalf("proposals: %+v", list.Proposals)
	}
	p := list.Proposals[0]
	if p.Key != key || p.Start == nil || p.End == nil || *p.Start != start || *p.End != end || p.Quote != "support" ||
		p.Party != "FRA" || p.Text != "technical assistance" || p.Justification != "More precise." {
		t.Errorf("proposal = %+v, want %s [%d, %d) by FRA", p, key, start, end)
	}
	// FRA's own page shows it too, and its form is closed.
	compWait(t, fra, `document.getElementById("compilation").textContent.includes("[technical assistance]{FRA}") &&
		!document.getElementById("selpanel").classList.contains("is-open")`, 2*time.Second)
	// KEN supports it from the list under OP2, without leaving the page;
	// FRA sees the support appear.
	err = chromedp.Do(ken,
		chromedp.Click(chromedp.CSS(`#d-p-`+key+` summary`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#proposal-%d button[value="support"]`, p.ID))),
	)
	if err != nil {
		t.Fatalf("support: %v", err)
	}
	compWait(t, fra, `document.getElementById("compilation").textContent.includes("support: KEN")`, 2500*time.Millisecond)
	compWait(t, ken, `document.getElementById("d-p-`+key+`").open && document.getElementById("live-note").textContent !== ""`, 2*time.Second)
	compShot(t, ken, "other-delegate")
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
}

// compWait polls a JavaScript condition in tab until it holds or the time
// is up.
func compWait(t *testing.T, tab context.Context, cond string, within time.Duration) {
	t.Helper()
	_, err := chromedp.Run(tab, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(within)))
	if err != nil {
		t.Fatalf("not within %v: %s: %v", within, cond, err)
	}
}

// compShot saves a screenshot of the whole page when ZERODRAFT_SCREENSHOTS
// names a directory, to look at the page as a person would.
func compShot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ZERODRAFT_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Error(err)
	}
}
