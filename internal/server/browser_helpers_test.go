package server_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromeNames are the executables tried, in order, for the browser tests.
var chromeNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// chromeBudget bounds a whole browser test: when it runs out the browser is
// killed, so every pending action fails instead of hanging the suite.
const chromeBudget = 60 * time.Second

// chromeStep bounds one step (an action and the page load it causes), so a
// step that never completes fails fast with its own name.
const chromeStep = 15 * time.Second

// chromePath finds a Chromium or Chrome executable on PATH.
func chromePath() (string, bool) {
	for _, name := range chromeNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// inCI reports whether the tests run in continuous integration, where a
// missing browser is a failure rather than a reason to skip.
func inCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// chromeTab is one headless browser tab for a test, with what its pages
// wrote to the console that points to a broken page.
type chromeTab struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string // uncaught exceptions and security (CSP) messages
}

// startChrome starts a headless browser for t, or skips t (fails it in CI)
// when none is installed. The browser and its profile go away when t ends.
func startChrome(t *testing.T) *chromeTab {
	t.Helper()
	path, ok := chromePath()
	if !ok {
		msg := "no Chromium or Chrome found on PATH (tried " + strings.Join(chromeNames, ", ") + ")"
		if inCI() {
			t.Fatal(msg + "; CI must have a browser for the browser tests")
		}
		t.Skip(msg + "; install one to run the browser tests, e.g. `apt install chromium` or `brew install --cask chromium`")
	}
	budget, cancelBudget := context.WithTimeout(context.Background(), chromeBudget)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // needed when the tests run as root, as in containers
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("lang", "en-US"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(budget, opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelBudget()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	tab := &chromeTab{ctx: ctx}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Source == "security" || strings.HasPrefix(m.Text, "Refused to") {
				tab.mu.Lock()
				tab.problems = append(tab.problems, m.String())
				tab.mu.Unlock()
			}
		}
	}()
	return tab
}

// consoleProblems returns the exceptions and security messages seen so far.
func (b *chromeTab) consoleProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// do runs actions in the tab and fails t on the first error.
func (b *chromeTab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, chromeStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// andWait runs an action that leads to a new page (a click on a link or a
// submit button, a choice that submits a form) and waits until that page
// has loaded.
func (b *chromeTab) andWait(t *testing.T, what string, trigger chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, chromeStep)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// click clicks the element matching the CSS selector and waits for the
// page it leads to.
func (b *chromeTab) click(t *testing.T, css string) {
	t.Helper()
	b.andWait(t, "click "+css, chromedp.Click(chromedp.CSS(css)))
}

// chromeRun runs one action that returns a value, within one step's time.
func chromeRun[T any](b *chromeTab, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, chromeStep)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// location is the address of the current page.
func (b *chromeTab) location(t *testing.T) string {
	t.Helper()
	u, err := chromeRun(b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// texts returns the text of every element matching the CSS selector, as a
// reader sees it: without the labels kept for screen readers only.
func (b *chromeTab) texts(t *testing.T, css string) []string {
	t.Helper()
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(css) + `), function (e) {
		var c = e.cloneNode(true);
		c.querySelectorAll(".visually-hidden").forEach(function (h) { h.remove(); });
		return c.textContent.replace(/\s+/g, " ").trim();
	})`
	out, err := chromeRun(b, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	return out
}

// text is the text of the first element matching the CSS selector, or "".
func (b *chromeTab) text(t *testing.T, css string) string {
	t.Helper()
	if all := b.texts(t, css); len(all) > 0 {
		return all[0]
	}
	return ""
}

// signInWithChrome signs in through the built-in provider's sign-in page,
// as a person would, and checks that the browser comes back to the
// document list.
func signInWithChrome(t *testing.T, b *chromeTab, base, email, password string) {
	t.Helper()
	b.do(t, "open the sign-in page", chromedp.Navigate(base+"/auth/login?next=/"))
	b.do(t, "fill in the sign-in form",
		chromedp.SetValue(chromedp.CSS(`input[name=email]`), email),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), password),
	)
	b.click(t, `form button[type=submit]`)
	if got := b.location(t); got != base+"/" {
		t.Fatalf("after signing in the browser is at %s, want %s/", got, base)
	}
}
