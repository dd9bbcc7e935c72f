package server_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/web"
)

// browserDraft is the zero draft typed into the new-document form.
const browserDraft = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015,

Noting with concern the [rapid] growth of plastic pollution,

1. Decides to convene an intergovernmental conference on [marine plastic pollution/plastic pollution];

2. Requests the Secretary-General:

(a) To prepare a report on the [state/status] of plastic pollution;

(b) To provide the necessary support to the conference;

3. Invites Member States to contribute to the trust fund.`

// browserRev1 inserts a new OP1, so that every operative paragraph is
// renumbered, and changes one word of the old OP2(a).
const browserRev1 = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015,

Noting with concern the [rapid] growth of plastic pollution,

1. Welcomes the work of the United Nations Environment Programme;

2. Decides to convene an intergovernmental conference on [marine plastic pollution/plastic pollution];

3. Requests the Secretary-General:

(a) To prepare a study on the [state/status] of plastic pollution;

(b) To provide the necessary support to the conference;

4. Invites Member States to contribute to the trust fund.`

// TestBrowserDraftingFlow drives a real headless browser through the pages
// a secretariat uses: sign in, create a document, issue Rev.1 by pasting a
// full text, read the comparison, and switch the interface to Chinese.
func TestBrowserDraftingFlow(t *testing.T) {
	t.Parallel()
	start := time.Now()
	tab := startChrome(t) // skips (or fails in CI) without a browser
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "drafter@un.example", pw)

	signInWithChrome(t, tab, e.url, "drafter@un.example", pw)
	draftingFlow(t, tab, e.url)

	if p := tab.consoleProblems(); len(p) > 0 {
		t.Errorf("the pages reported problems in the console:\n%s", strings.Join(p, "\n"))
	}
	t.Logf("browser flow took %v", time.Since(start).Round(time.Millisecond))
}

// draftingFlow is the drafting tour through the UI, for a browser tab that
// is already signed in as a secretariat officer on the server at base.
func draftingFlow(t *testing.T, tab *chromeTab, base string) {
	cat, err := locale.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	en, zh := cat.For("en"), cat.For("zh-Hans")

	// A new document, typed into the form.
	tab.do(t, "open the new-document form",
		chromedp.Navigate(base+"/documents/new"),
		chromedp.SetValue(chromedp.CSS(`input[name=symbol]`), "A/CONF.9/2026/L.1"),
		chromedp.SetValue(chromedp.CSS(`input[name=title]`), "Plastic pollution"),
		chromedp.SetValue(chromedp.CSS(`textarea[name=text]`), browserDraft),
	)
	tab.click(t, `form[action="/documents"] button[type=submit]`)
	docURL := tab.location(t)
	if !regexp.MustCompile(`/documents/\d+$`).MatchString(docURL) {
		t.Fatalf("after creating the document the browser is at %s (page: %q), want the document page",
			docURL, tab.text(t, "main"))
	}
	if got, want := tab.text(t, "h1"), "Plastic pollution"; got != want {
		t.Errorf("document page heading = %q, want %q", got, want)
	}
	numbers := tab.texts(t, "ol.provisions .num")
	want := []string{"", "PP1", "PP2", "OP1", "OP2", "OP2(a)", "OP2(b)", "OP3"}
	if !slices.Equal(numbers, want) {
		t.Errorf("numbers on the document page = %q, want %q", numbers, want)
	}

	// Rev.1 by pasting a full text: the form comes filled with the current one.
	tab.click(t, `a[href$="/versions/new"]`)
	prefilled, err := chromeRun(tab, chromedp.Value(chromedp.CSS(`textarea[name=text]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prefilled, "Requests the Secretary-General") {
		t.Errorf("the new-version form does not start from the current text; it has %q", prefilled)
	}
	tab.do(t, "paste Rev.1", chromedp.SetValue(chromedp.CSS(`textarea[name=text]`), browserRev1))
	tab.click(t, `form[action$="/versions"] button[type=submit]`)
	if got := tab.location(t); !strings.HasPrefix(got, docURL+"/diff?from=1&to=2") {
		t.Fatalf("after issuing Rev.1 the browser is at %s (page: %q), want the comparison of 1 and 2",
			got, tab.text(t, "main"))
	}

	// The comparison, changed provisions only.
	inserted, deleted := tab.texts(t, "ol.diff ins"), tab.texts(t, "ol.diff del")
	for _, w := range []string{"Welcomes the work of the United Nations Environment Programme;", "study"} {
		if !slices.Contains(inserted, w) {
			t.Errorf("inserted texts %q lack %q", inserted, w)
		}
	}
	if !slices.Contains(deleted, "report") {
		t.Errorf("deleted texts %q lack %q", deleted, "report")
	}
	rows := diffRows(t, tab)
	if got, want := rows["OP1 → OP2"], en.T("change.unchanged")+" · "+en.T("change.renumbered"); got != want {
		t.Errorf("badge of OP1 → OP2 = %q, want %q (all rows: %q)", got, want, rows)
	}
	if got, want := rows["OP2(a) → OP3(a)"], en.T("change.modified")+" · "+en.T("change.renumbered"); got != want {
		t.Errorf("badge of OP2(a) → OP3(a) = %q, want %q", got, want)
	}
	if got, want := rows["OP1"], en.T("change.added"); got != want {
		t.Errorf("badge of the new OP1 = %q, want %q", got, want)
	}
	if _, ok := rows["PP1"]; ok {
		t.Errorf("the changed-only comparison shows the unchanged PP1: %q", rows)
	}

	// All provisions, unchanged ones too.
	tab.click(t, `main a[href$="&all=1"]`)
	rows = diffRows(t, tab)
	if got, want := rows["PP1"], en.T("change.unchanged"); got != want {
		t.Errorf("with all provisions, badge of PP1 = %q, want %q (all rows: %q)", got, want, rows)
	}
	if got, want := len(rows), 9; got != want { // 8 in Rev.1, plus the heading
		t.Errorf("with all provisions the comparison has %d rows, want %d: %q", got, want, rows)
	}

	// Chinese: choosing the language submits the switch and comes back.
	diffURL := tab.location(t)
	tab.andWait(t, "choose 中文", chromedp.SetValue(chromedp.CSS(`#lang-select`), "zh-Hans"))
	if got := tab.location(t); got != diffURL {
		t.Errorf("after switching language the browser is at %s, want back at %s", got, diffURL)
	}
	if got, want := tab.text(t, "h1"), zh.T("diff.title"); got != want {
		t.Errorf("heading in Chinese = %q, want %q", got, want)
	}
	lang, err := chromeRun(tab, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatal(err)
	}
	if lang != "zh-Hans" {
		t.Errorf("<html lang> = %q, want zh-Hans", lang)
	}
	rows = diffRows(t, tab)
	if got, want := rows["OP1 → OP2"], zh.T("change.unchanged")+" · "+zh.T("change.renumbered"); got != want {
		t.Errorf("badge of OP1 → OP2 in Chinese = %q, want %q", got, want)
	}
}

// diffRows reads the comparison on the current page: the badge of each row
// by the row's number ("OP1 → OP2"; "" for an unnumbered heading).
func diffRows(t *testing.T, tab *chromeTab) map[string]string {
	t.Helper()
	nums, badges := tab.texts(t, "ol.diff .drow .num"), tab.texts(t, "ol.diff .drow .badge")
	if len(nums) != len(badges) {
		t.Fatalf("%d numbers but %d badges in the comparison", len(nums), len(badges))
	}
	rows := make(map[string]string, len(nums))
	for i, n := range nums {
		rows[n] = badges[i]
	}
	return rows
}
