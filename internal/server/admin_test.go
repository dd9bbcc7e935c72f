package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestSecretariatPagesRefuseOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.tokenFor("CIEL", negotiation.PartyObserver, "ngo@ciel.example")
	e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")
	pages := []string{"/admin/parties", "/admin/users", "/admin/accreditations"}
	for _, email := range []string{"ngo@ciel.example", "d@bra.example"} {
		b := e.browserAs(email)
		for _, path := range pages {
			if resp, _ := b.get(path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", email, path, resp.StatusCode)
			}
		}
		for _, path := range []string{"/admin/parties", "/admin/users/1/suspend", "/admin/accreditations/1/approve"} {
			if resp, _ := b.post(path, url.Values{"code": {"X"}, "name": {"X"}, "kind": {"state"}, "reason": {"r"}, "valid_until": {"2099-01-01"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", email, path, resp.StatusCode)
			}
		}
	}
	u, err := e.store.UserByEmail(context.Background(), "officer@un.example")
	if err != nil {
		t.Fatal(err)
	}
	if u.SuspendedAt != nil {
		t.Errorf("a state delegate suspended the secretariat officer")
	}
	if _, err := e.store.PartyByCode(context.Background(), "X"); err == nil {
		t.Errorf("a state delegate added a party")
	}
	b := e.browserAs("officer@un.example")
	for _, path := range pages {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusOK {
			t.Errorf("secretariat GET %s: %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestAddParties(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	b := e.browserAs("officer@un.example")
	for _, f := range []url.Values{
		{"code": {"bra"}, "name": {"Brazil"}, "kind": {"state"}},
		{"code": {"CHN"}, "name": {"China"}, "kind": {"state"}},
	} {
		if resp, _ := b.post("/admin/parties", f); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/admin/parties" {
			t.Fatalf("add %s: %d at %s", f.Get("code"), resp.StatusCode, resp.Request.URL)
		}
	}
	// An unknown member: the form comes back with what was typed.
	resp, page := b.post("/admin/parties", url.Values{"code": {"G77"}, "name": {"Group of 77 & China"}, "kind": {"group"}, "members": {"BRA, CHN, XYZ"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "XYZ is not a known party") || !strings.Contains(page, `value="Group of 77 &amp; China"`) {
		t.Errorf("unknown member: %d, want 422 with the message and the input", resp.StatusCode)
	}
	if _, err := e.store.PartyByCode(ctx, "G77"); err == nil {
		t.Errorf("a group with an unknown member was half-saved")
	}
	resp, page = b.post("/admin/parties", url.Values{"code": {"G77"}, "name": {"Group of 77 & China"}, "kind": {"group"}, "members": {"BRA, chn"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add group: %d", resp.StatusCode)
	}
	g, err := e.store.PartyByCode(ctx, "G77")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(g.Members, ","); got != "BRA,CHN" {
		t.Errorf("members = %s, want BRA,CHN", got)
	}
	if !strings.Contains(page, "BRA, CHN") || strings.Index(page, "Brazil") > strings.Index(page, "Group of 77") {
		t.Errorf("the parties page does not list states before groups, with members")
	}
	if resp, page := b.post("/admin/parties", url.Values{"code": {"Bra"}, "name": {"Brazil again"}, "kind": {"state"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "exists already") {
		t.Errorf("duplicate code: %d, want 409 with a message", resp.StatusCode)
	}
}

func TestLinkAndSuspendUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sys := negotiation.Actor{Name: "test"}
	officer := e.browserAs("officer@un.example")

	// Someone who signed in through a provider and has no rights yet.
	waiting, err := e.store.SignIn(ctx, "https://idp.example", "sub-1", "newcomer@fra.example", "New Comer", true)
	if err != nil {
		t.Fatal(err)
	}
	e.account("FRA", negotiation.PartyState, "head@fra.example", pw)
	head, err := e.store.UserByEmail(ctx, "head@fra.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetUserParty(ctx, sys, head.ID, head.PartyID, negotiation.RoleHead); err != nil {
		t.Fatal(err)
	}
	_, page := officer.get("/admin/users")
	if w, h := strings.Index(page, "newcomer@fra.example"), strings.Index(page, "head@fra.example"); w < 0 || h < 0 || w > h {
		t.Errorf("users waiting to be linked are not listed first")
	}

	// Link the newcomer to FRA with the party's usual role.
	resp, _ := officer.post(fmt.Sprintf("/admin/users/%d/party", waiting.ID), url.Values{"party": {fmt.Sprint(head.PartyID)}, "role": {""}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("link: %d", resp.StatusCode)
	}
	if u, _ := e.store.User(ctx, waiting.ID); u.PartyID != head.PartyID || u.Role != negotiation.RoleDelegate {
		t.Errorf("linked user: party %d role %q, want %d %q", u.PartyID, u.Role, head.PartyID, negotiation.RoleDelegate)
	}
	if resp, _ := officer.post(fmt.Sprintf("/admin/users/%d/party", waiting.ID), url.Values{"party": {fmt.Sprint(head.PartyID)}, "role": {"king"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown role: %d, want 422", resp.StatusCode)
	}

	// The delegate is signed in and has a token.
	delegate := e.browserAs("newcomer@fra.example")
	token := auth.NewAPIToken()
	if _, err := e.store.CreateAPIToken(ctx, sys, waiting.ID, "script", auth.Hash(token), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := e.apiStatus(token); got != http.StatusOK {
		t.Fatalf("delegate's token: %d", got)
	}

	// A suspension needs a reason.
	suspend := fmt.Sprintf("/admin/users/%d/suspend", waiting.ID)
	resp, page = officer.post(suspend, url.Values{"reason": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "needs a reason") {
		t.Errorf("suspend without a reason: %d, want 422 with a message", resp.StatusCode)
	}
	if u, _ := e.store.User(ctx, waiting.ID); u.SuspendedAt != nil {
		t.Fatalf("suspended without a reason")
	}
	reason := `<b>Left</b> the delegation on 3 May`
	if resp, _ := officer.post(suspend, url.Values{"reason": {reason}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("suspend: %d", resp.StatusCode)
	}
	// Session and token die at once.
	if resp, _ := delegate.get("/account"); !strings.Contains(resp.Request.URL.Path, "/oidc/login") {
		t.Errorf("suspended user's session still works: %s", resp.Request.URL)
	}
	if got := e.apiStatus(token); got != http.StatusUnauthorized {
		t.Errorf("suspended user's token: %d, want 401", got)
	}
	trail, err := e.store.AuditTrail(store.AsSystem(ctx), "user", fmt.Sprint(waiting.ID))
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, ev := range trail {
		if ev.Action == "user.suspend" && ev.Detail["reason"] == reason && ev.ActorID != nil {
			audited = true
		}
	}
	if !audited {
		t.Errorf("the suspension and its reason are not in the audit trail: %+v", trail)
	}

	// The head of the delegation sees who was suspended and why, escaped.
	hb := e.browser()
	hb.signIn("head@fra.example", pw)
	_, page = hb.get("/account")
	if !strings.Contains(page, "newcomer@fra.example") || !strings.Contains(page, "&lt;b&gt;Left&lt;/b&gt; the delegation on 3 May") {
		t.Errorf("head of delegation does not see the suspension and its reason")
	}
	if strings.Contains(page, reason) {
		t.Errorf("the reason is not escaped")
	}
	// Another delegate (not head) does not see the list.
	e.tokenFor("FRA", negotiation.PartyState, "other@fra.example")
	if _, page := e.browserAs("other@fra.example").get("/account"); strings.Contains(page, "newcomer@fra.example") {
		t.Errorf("a delegate who is not head sees the suspended users")
	}

	// An officer cannot suspend themselves.
	me, _ := e.store.UserByEmail(ctx, "officer@un.example")
	if resp, _ := officer.post(fmt.Sprintf("/admin/users/%d/suspend", me.ID), url.Values{"reason": {"oops"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("self-suspension: %d, want 422", resp.StatusCode)
	}

	// Reinstate: the user may sign in again, the old token stays dead.
	if resp, _ := officer.post(fmt.Sprintf("/admin/users/%d/reinstate", waiting.ID), url.Values{}); resp.StatusCode != http.StatusOK {
		t.Errorf("reinstate: %d", resp.StatusCode)
	}
	if u, _ := e.store.User(ctx, waiting.ID); u.SuspendedAt != nil {
		t.Errorf("still suspended after reinstatement")
	}
	if got := e.apiStatus(token); got != http.StatusUnauthorized {
		t.Errorf("token came back after reinstatement: %d", got)
	}

	// Sign out everywhere.
	again := e.browserAs("newcomer@fra.example")
	if resp, _ := officer.post(fmt.Sprintf("/admin/users/%d/sessions/revoke", waiting.ID), url.Values{}); resp.StatusCode != http.StatusOK {
		t.Errorf("revoke sessions: %d", resp.StatusCode)
	}
	if resp, _ := again.get("/account"); !strings.Contains(resp.Request.URL.Path, "/oidc/login") {
		t.Errorf("session survived the revocation")
	}
}
