package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestBrowserSignInSecretariatPagesSignOut signs a secretariat officer in
// through the built-in provider's form in a real browser, visits the
// secretariat's pages, signs out, and checks that the pages are closed again.
func TestBrowserSignInSecretariatPagesSignOut(t *testing.T) {
	t.Parallel()
	tab := startChrome(t) // skips (or fails in CI) without a browser
	e := newEnv(t)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	e.account("FRA", negotiation.PartyState, "delegate@fra.example", pw)

	signInWithChrome(t, tab, e.url, "chief@un.example", pw)
	if who := tab.text(t, ".who a"); !strings.Contains(who, "SECRETARIAT") {
		t.Errorf("the header does not show who is signed in: %q", who)
	}
	pages := map[string]string{"/admin/parties": "FRA", "/admin/users": "delegate@fra.example", "/admin/accreditations": ""}
	for path, want := range pages {
		tab.andWait(t, "open "+path, chromedp.Navigate(e.url+path))
		if got := tab.location(t); got != e.url+path {
			t.Fatalf("%s: the browser is at %s", path, got)
		}
		if body := tab.text(t, "main"); want != "" && !strings.Contains(body, want) {
			t.Errorf("%s does not show %q", path, want)
		}
	}

	tab.click(t, `form[action="/auth/logout"] button`)
	tab.andWait(t, "open a secretariat page after signing out", chromedp.Navigate(e.url+"/admin/parties"))
	if got := tab.location(t); !strings.Contains(got, "/oidc/login") {
		t.Errorf("after sign-out /admin/parties led to %s, want the sign-in page", got)
	}
	if p := tab.consoleProblems(); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}
