package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

// application is a valid application form from someone without an account.
func application(org, email string) url.Values {
	return url.Values{
		"organisation": {org}, "country": {"Switzerland"}, "website": {"https://ciel.example/about"},
		"contact_name": {"Ann Example"}, "contact_email": {email},
		"password": {pw}, "password_confirm": {pw},
	}
}

func TestApplyForAccreditation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	b := e.browser()
	resp, page := b.get("/accreditation/apply")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password_confirm"`) {
		t.Fatalf("anonymous GET /accreditation/apply: %d, or no password fields", resp.StatusCode)
	}

	users, _ := e.store.CountUsers(ctx)
	bad := []struct {
		name  string
		field string
		value string
		msg   string
	}{
		{"no organisation", "organisation", " ", "the organisation is required"},
		{"email shape", "contact_email", "ann@", "not an email address"},
		{"email with a name", "contact_email", "Ann <ann@ciel.example>", "not an email address"},
		{"website scheme", "website", "javascript:alert(1)", "https://"},
		{"website without host", "website", "https://", "https://"},
		{"long country", "country", strings.Repeat("x", 101), "the limit is 100"},
		{"line break", "contact_name", "Ann\nExample", "control character"},
		{"short password", "password", "short", "at least 12 characters"},
		{"passwords differ", "password_confirm", pw + "!", "passwords differ"},
	}
	for _, tc := range bad {
		f := application("Center for International Environmental Law", "ann@ciel.example")
		f.Set(tc.field, tc.value)
		if tc.field == "password" {
			f.Set("password_confirm", tc.value)
		}
		resp, page := b.post("/accreditation/apply", f)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.msg) {
			t.Errorf("%s: %d, want 422 with %q", tc.name, resp.StatusCode, tc.msg)
		}
		kept := `value="Switzerland"`
		if tc.field == "country" {
			kept = `value="Ann Example"`
		}
		if !strings.Contains(page, kept) || strings.Contains(page, pw) {
			t.Errorf("%s: the form is not refilled, or the password is echoed back", tc.name)
		}
	}
	if n, _ := e.store.CountUsers(ctx); n != users {
		t.Fatalf("refused applications created %d user(s)", n-users)
	}

	org := `<script>alert(1)</script> Friends of the Earth`
	resp, page = b.post("/accreditation/apply", application(org, "ann@foe.example"))
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/accreditation/submitted" || !strings.Contains(page, "The secretariat will review") {
		t.Fatalf("apply: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	u, err := e.store.UserByEmail(ctx, "ann@foe.example")
	if err != nil {
		t.Fatal(err)
	}
	if u.PartyID != 0 || u.Role != "" {
		t.Errorf("applicant has party %d role %q, want no rights", u.PartyID, u.Role)
	}
	apps, err := e.store.Accreditations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].Status != store.AccreditationPending || apps[0].UserID != u.ID || apps[0].Organisation != org {
		t.Fatalf("applications = %+v, want one pending of user %d", apps, u.ID)
	}

	// The same email again: a clear conflict, and nothing half-saved.
	resp, page = b.post("/accreditation/apply", application("Another NGO", "ANN@foe.example"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "exists already") {
		t.Errorf("duplicate email: %d, want 409 with a message", resp.StatusCode)
	}
	e.tokenFor("FRA", negotiation.PartyState, "taken@fra.example")
	resp, _ = b.post("/accreditation/apply", application("Third NGO", "taken@fra.example"))
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("email of an existing user: %d, want 409", resp.StatusCode)
	}
	if _, err := e.store.LocalAccountByEmail(ctx, "taken@fra.example"); err == nil {
		t.Errorf("a local account was left behind by a refused application")
	}
	if apps, _ := e.store.Accreditations(ctx); len(apps) != 1 {
		t.Errorf("%d applications, want 1", len(apps))
	}

	// The applicant signs in with the new account and has no rights yet.
	ab := e.browser()
	ab.signIn("ann@foe.example", pw)
	resp, page = ab.get("/")
	if resp.Request.URL.Path != "/" || !strings.Contains(page, "not yet linked") {
		t.Errorf("applicant's home page: %s, want the not-yet-linked welcome", resp.Request.URL)
	}
	if _, page = ab.get("/account"); !strings.Contains(page, "The secretariat will review it") {
		t.Errorf("applicant's account page does not show the pending application")
	}

	// The secretariat sees the organisation's name escaped.
	_, page = e.browserAs("officer@un.example").get("/admin/accreditations")
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; Friends of the Earth") || strings.Contains(page, "<script>alert(1)") {
		t.Errorf("the organisation's name is not escaped on the secretariat's page")
	}
}

func TestDecideAccreditation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, f := range []url.Values{
		application("Center for International Environmental Law", "ann@ciel.example"),
		application("Rejected Org", "bob@rejected.example"),
	} {
		if resp, _ := e.browser().post("/accreditation/apply", f); resp.StatusCode != http.StatusOK {
			t.Fatalf("apply %s: %d", f.Get("organisation"), resp.StatusCode)
		}
	}
	apps, err := e.store.Accreditations(ctx)
	if err != nil || len(apps) != 2 {
		t.Fatalf("applications: %v %d", err, len(apps))
	}
	ciel, rejected := apps[0], apps[1]
	officer := e.browserAs("officer@un.example")

	// A rejection needs a reason.
	reject := fmt.Sprintf("/admin/accreditations/%d/reject", rejected.ID)
	resp, page := officer.post(reject, url.Values{"reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "needs a reason") {
		t.Errorf("reject without a reason: %d, want 422", resp.StatusCode)
	}
	if resp, _ := officer.post(reject, url.Values{"reason": {"Not an organisation"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	if a, _ := e.store.Accreditation(ctx, rejected.ID); a.Status != store.AccreditationRejected || a.Reason != "Not an organisation" || a.DecidedAt == nil || a.DecidedBy == "" {
		t.Errorf("rejected application: %+v", a)
	}

	approve := fmt.Sprintf("/admin/accreditations/%d/approve", ciel.ID)
	if resp, _ := officer.post(approve, url.Values{"valid_until": {"2001-01-01"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("approve until a past date: %d, want 422", resp.StatusCode)
	}
	if resp, _ := officer.post(approve, url.Values{"valid_until": {"soon"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("approve until no date: %d, want 422", resp.StatusCode)
	}
	until := time.Now().UTC().AddDate(1, 0, 0).Truncate(24 * time.Hour)
	if resp, _ := officer.post(approve, url.Values{"valid_until": {until.Format("2006-01-02")}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	if resp, _ := officer.post(approve, url.Values{"valid_until": {until.Format("2006-01-02")}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("approve twice: %d, want 409", resp.StatusCode)
	}

	// The applicant is now an observer's representative, accredited until then.
	token := auth.NewAPIToken()
	if _, err := e.store.CreateAPIToken(ctx, negotiation.Actor{Name: "test"}, ciel.UserID, "t", auth.Hash(token), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	v, err := e.store.ViewerByToken(ctx, auth.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	if v.PartyKind != negotiation.PartyObserver || v.Role != negotiation.RoleRepresentative || v.PartyCode != "OBS-CFIEL" {
		t.Errorf("viewer after approval: kind %q role %q code %q", v.PartyKind, v.Role, v.PartyCode)
	}
	if v.AccreditedUntil == nil || !v.AccreditedUntil.Equal(until) || !v.Accredited(time.Now()) {
		t.Errorf("AccreditedUntil = %v, want %v", v.AccreditedUntil, until)
	}
	trail, _ := e.store.AuditTrail(store.AsSystem(ctx), "accreditation", fmt.Sprint(ciel.ID))
	if len(trail) != 2 || trail[0].Action != "accreditation.apply" || trail[1].Action != "accreditation.approve" {
		t.Errorf("audit trail of the application: %+v", trail)
	}

	// Decided applications come after pending ones, with the decision.
	_, page = officer.get("/admin/accreditations")
	if !strings.Contains(page, "OBS-CFIEL") || !strings.Contains(page, "Not an organisation") || !strings.Contains(page, "No application is waiting") {
		t.Errorf("the secretariat's list does not show the decisions")
	}
}

// TestApplyWithExternalProvider: without the built-in provider there is
// no password to choose; the applicant signs in first and applies with
// that account.
func TestApplyWithExternalProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, pgtest.NewDatabase(t), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	srv, err := server.New(ctx, server.Options{Store: st, Logger: log, BaseURL: "http://" + hs.Listener.Addr().String(),
		OIDC: server.OIDC{Issuer: "https://idp.invalid", ClientID: "zerodraft", ClientSecret: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	e := &testEnv{t: t, url: hs.URL, store: st}

	anon := e.browser()
	anon.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if resp, _ := anon.get("/accreditation/apply"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/auth/login") {
		t.Errorf("anonymous GET with an external provider: %d to %q, want sign-in first", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := anon.post("/accreditation/apply", application("NGO", "x@ngo.example")); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous POST with an external provider: %d, want 401", resp.StatusCode)
	}

	if _, err := st.SignIn(ctx, "https://idp.invalid", "sub-7", "carol@ngo.example", "Carol", true); err != nil {
		t.Fatal(err)
	}
	b := e.browserAs("carol@ngo.example")
	resp, page := b.get("/accreditation/apply")
	if resp.StatusCode != http.StatusOK || strings.Contains(page, `name="password"`) || !strings.Contains(page, `value="carol@ngo.example"`) {
		t.Fatalf("signed-in GET: %d, want the form without password, prefilled", resp.StatusCode)
	}
	f := application("Greenpeace", "press@greenpeace.example")
	f.Del("password")
	f.Del("password_confirm")
	if resp, _ := b.post("/accreditation/apply", f); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/accreditation/submitted" {
		t.Fatalf("signed-in apply: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if resp, page := b.post("/accreditation/apply", f); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "pending already") {
		t.Errorf("second pending application: %d, want 409", resp.StatusCode)
	}
	u, _ := st.UserByEmail(ctx, "carol@ngo.example")
	apps, _ := st.UserAccreditations(ctx, u.ID)
	if len(apps) != 1 || apps[0].ContactEmail != "press@greenpeace.example" {
		t.Errorf("applications of the signed-in user: %+v", apps)
	}

	// A state delegate does not apply as an observer.
	e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")
	if resp, _ := e.browserAs("d@bra.example").get("/accreditation/apply"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("state delegate GET apply: %d, want 403", resp.StatusCode)
	}
}
