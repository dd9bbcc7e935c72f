package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// policyOf reads a document's policy through the API, as the secretariat.
func (e *testEnv) policyOf(id int64) negotiation.Policy {
	e.t.Helper()
	var p negotiation.Policy
	if status, raw := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/policy", id), nil, &p); status != http.StatusOK {
		e.t.Fatalf("get policy: %d %s", status, raw)
	}
	return p
}

// tableForm is the policy form filled from a preset, as the page would
// send it unchanged.
func tableForm(t *testing.T, preset string) url.Values {
	t.Helper()
	p, err := negotiation.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{}
	for _, a := range negotiation.Artefacts {
		for _, aud := range negotiation.Audiences {
			name := "rule." + string(a) + "." + string(aud)
			f.Set(name, string(p.Rules[a][aud].When))
			f.Set(name+".from", "")
		}
	}
	return f
}

// selected finds the chosen option of a cell's select in a page.
func selected(page, name string) string {
	re := regexp.MustCompile(`(?s)<select name="` + regexp.QuoteMeta(name) + `">(.*?)</select>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	opt := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindStringSubmatch(m[1])
	if opt == nil {
		return ""
	}
	return opt[1]
}

func TestPolicyFormBadInputKeepsWhatWasEntered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/POL/FORM", zeroDraft)
	b := e.browserAs("officer@un.example")
	page := fmt.Sprintf("/documents/%d/policy", c.ID)

	resp, html := b.get(page)
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "<strong>Closed</strong>") {
		t.Fatalf("GET %s: %d, current preset not shown as Closed:\n%s", page, resp.StatusCode, html)
	}
	if got := selected(html, "rule.text.members"); got != "now" {
		t.Errorf("closed: text/members shows %q, want now", got)
	}

	// "From" without a date: the form comes back with a message naming
	// the cell, with what was entered, and nothing is saved.
	f := tableForm(t, negotiation.PresetClosed)
	f.Set("rule.text.public", "from")
	f.Set("rule.proposals.observers", "now")
	resp, html = b.post(page, f)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("from without a date: %d, want 422", resp.StatusCode)
	}
	if !strings.Contains(html, "&#34;From a date&#34; needs a date and time (UTC)") || !strings.Contains(html, "Text / Public") {
		t.Errorf("no clear message for the missing date:\n%s", html)
	}
	if selected(html, "rule.text.public") != "from" || selected(html, "rule.proposals.observers") != "now" {
		t.Errorf("the form lost what was entered: text/public=%q proposals/observers=%q",
			selected(html, "rule.text.public"), selected(html, "rule.proposals.observers"))
	}
	if p := e.policyOf(c.ID); p.Preset != negotiation.PresetClosed || p.Rules[negotiation.ArtText][negotiation.AudPublic].When != negotiation.Never {
		t.Errorf("a refused form changed the policy: %s", p.Summary())
	}

	// A date that is not one is shown back as typed.
	f.Set("rule.text.public.from", "next Tuesday")
	resp, html = b.post(page, f)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "&#34;next Tuesday&#34; is not a date and time") ||
		!strings.Contains(html, `name="rule.text.public.from" value="next Tuesday"`) {
		t.Errorf("bad date: %d, the value typed is not shown back:\n%s", resp.StatusCode, html)
	}

	// "Anonymised" is for attributions only, even from a forged form.
	g := tableForm(t, negotiation.PresetClosed)
	g.Set("rule.text.public", "anonymised")
	if resp, html = b.post(page, g); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "only attributions can be anonymised") {
		t.Errorf("anonymised text: %d", resp.StatusCode)
	}

	// A valid embargo is taken as UTC and saved; the table is now custom.
	f.Set("rule.text.public.from", "2031-03-01T09:30")
	resp, html = b.post(page, f)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Query().Get("saved") != "1" || !strings.Contains(html, "The rules are saved") {
		t.Fatalf("valid table: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	p := e.policyOf(c.ID)
	r := p.Rules[negotiation.ArtText][negotiation.AudPublic]
	want := time.Date(2031, 3, 1, 9, 30, 0, 0, time.UTC)
	if r.When != negotiation.From || r.From == nil || !r.From.Equal(want) || p.Preset != negotiation.PresetCustom {
		t.Errorf("saved %s, want text/public from %s and preset custom", p.Summary(), want)
	}
	if !strings.Contains(html, "<strong>Custom") || !strings.Contains(html, `name="rule.text.public.from" value="2031-03-01T09:30"`) {
		t.Errorf("the page does not show the custom table with its embargo")
	}

	// The document page says what is public, and from when.
	if _, html = b.get(fmt.Sprintf("/documents/%d", c.ID)); !strings.Contains(html, "Members only. Later: text from 2031-03-01 09:30 UTC, the adopted text after adoption.") {
		t.Errorf("the document page does not announce the embargo:\n%s", html)
	}

	// A preset button replaces the table.
	resp, html = b.post(page, url.Values{"preset": {negotiation.PresetChathamHouse}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "<strong>Chatham House</strong>") {
		t.Fatalf("apply Chatham House: %d", resp.StatusCode)
	}
	if p := e.policyOf(c.ID); p.Preset != negotiation.PresetChathamHouse {
		t.Errorf("preset %q after the Chatham House button", p.Preset)
	}
	if resp, html = b.post(page, url.Values{"preset": {"open-bar"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "policy-error") {
		t.Errorf("unknown preset: %d", resp.StatusCode)
	}

	// A table entered cell by cell that equals a preset is named for it.
	if resp, html = b.post(page, tableForm(t, negotiation.PresetTransparent)); resp.StatusCode != http.StatusOK || !strings.Contains(html, "<strong>Transparent</strong>") {
		t.Errorf("the transparent table is not named Transparent: %d", resp.StatusCode)
	}
}

func TestPolicyPageIsTheSecretariatsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/POL/WHO", zeroDraft)
	page := fmt.Sprintf("/documents/%d/policy", c.ID)
	docPage := fmt.Sprintf("/documents/%d", c.ID)
	e.tokenFor("FRA", negotiation.PartyState, "delegate@fra.example")
	e.tokenFor("CIEL", negotiation.PartyObserver, "ngo@ciel.example")
	delegate, ngo := e.browserAs("delegate@fra.example"), e.browserAs("ngo@ciel.example")

	// A member reads the document but may not set its rules: 403, as the API.
	if resp, _ := delegate.get(page); resp.StatusCode != http.StatusForbidden {
		t.Errorf("delegate GET policy page: %d, want 403", resp.StatusCode)
	}
	if resp, _ := delegate.post(page, url.Values{"preset": {"transparent"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("delegate POST policy: %d, want 403", resp.StatusCode)
	}
	// An observer cannot read the closed document at all: 404.
	if resp, _ := ngo.get(page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("observer GET policy page: %d, want 404", resp.StatusCode)
	}
	if resp, _ := ngo.post(page, url.Values{"preset": {"transparent"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("observer POST policy: %d, want 404", resp.StatusCode)
	}
	// Anonymous: sent to sign in, never to the form.
	resp, html := e.browser().get(page)
	if strings.Contains(html, "policy-form") || !strings.Contains(resp.Request.URL.Path, "/oidc/login") {
		t.Errorf("anonymous GET policy page ends at %s", resp.Request.URL)
	}
	if p := e.policyOf(c.ID); p.Preset != negotiation.PresetClosed {
		t.Fatalf("refused requests changed the policy to %s", p.Preset)
	}

	// The link is on the secretariat's document page only; everyone who
	// reads the document sees what is public.
	_, html = delegate.get(docPage)
	if strings.Contains(html, `href="`+page+`"`) {
		t.Errorf("the delegate's document page links to the policy page")
	}
	if !strings.Contains(html, "Members only.") {
		t.Errorf("the delegate does not see that the document is for members only")
	}
	if status, raw := e.call("PUT", "/api/v1"+page, map[string]string{"preset": "observers"}, nil); status != http.StatusOK {
		t.Fatalf("set observers: %d %s", status, raw)
	}
	if _, html = delegate.get(docPage); !strings.Contains(html, "Members and accredited observers only.") {
		t.Errorf("the summary does not say observers read the document")
	}
	_, html = e.browserAs("officer@un.example").get(docPage)
	if !strings.Contains(html, `href="`+page+`"`) {
		t.Errorf("the secretariat's document page has no link to the policy page")
	}
}

// Visitors see the public documents listed, and nothing else, and read
// them without forms that need an account.
func TestVisitorsReadPublicDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	open := e.createDoc("A/POL/OPEN", zeroDraft)
	e.createDoc("A/POL/SHUT", zeroDraft)
	if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/policy", open.ID), map[string]string{"preset": "chatham-house"}, nil); status != http.StatusOK {
		t.Fatalf("set policy: %d %s", status, raw)
	}
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", open.ID), map[string]string{"label": "Rev.1", "text": zeroDraft + "\n\n4. Decides to remain seized of the matter."}, nil); status != http.StatusCreated {
		t.Fatalf("new version: %d %s", status, raw)
	}
	b := e.browser()
	resp, html := b.get("/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "A/POL/OPEN") || strings.Contains(html, "A/POL/SHUT") {
		t.Errorf("the visitor's list: %d, open listed %v, closed listed %v", resp.StatusCode, strings.Contains(html, "A/POL/OPEN"), strings.Contains(html, "A/POL/SHUT"))
	}
	doc := fmt.Sprintf("/documents/%d", open.ID)
	for _, p := range []string{doc, doc + "/versions/1", doc + "/diff?from=1&to=2", doc + "/compilation", doc + "/status"} {
		resp, html := b.get(p)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("visitor GET %s: %d", p, resp.StatusCode)
			continue
		}
		if n := strings.Count(html, `method="post"`); n != 1 { // the language switch only
			t.Errorf("visitor GET %s: %d forms that post, want only the language switch", p, n)
		}
	}
	_, html = b.get(doc)
	if !strings.Contains(html, "Public: text, proposals, who proposed what (anonymised)") || !strings.Contains(html, "Sign in to comment") {
		t.Errorf("the visitor's document page lacks the public summary or the sign-in link")
	}
}
