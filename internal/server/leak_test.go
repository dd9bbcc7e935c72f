package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// The leak matrix: for every disclosure policy in a set (the presets and
// custom tables), every audience and every route that answers GET, plant
// canary strings in each artefact and assert that exactly the canaries the
// rules allow appear, in bodies and headers alike.

// canary is a planted string and who may see it.
type canary struct {
	text string
	// visible says whether audience a may see the canary under dis.
	visible func(dis negotiation.Disclosure, a audience, now time.Time) bool
}

// audience is one kind of viewer of the matrix.
type audience struct {
	name   string
	token  string
	viewer negotiation.Viewer // what the predicate needs: kind, party, accreditation
}

// leakDoc is the document the canaries live in.
type leakDoc struct {
	id                    int64
	key                   string
	proposal, comment, sg int64
	attachment, export    int64
}

// leakParams fills the routes' parameters; a route with any other
// parameter fails the test, so a new route must be added here (and so to
// the matrix) before it can ship.
func leakParams(d leakDoc) map[string]string {
	return map[string]string{
		":id": fmt.Sprint(d.id), ":n": "2", ":pid": fmt.Sprint(d.proposal), ":cid": fmt.Sprint(d.comment),
		":sid": fmt.Sprint(d.sg), ":key": d.key, ":code": "QQFRA", ":aid": fmt.Sprint(d.attachment), ":eid": fmt.Sprint(d.export),
		// The public page finds a symbol in any case; asking in lower case
		// keeps the request's own echo apart from what the page reveals.
		":lang": "fr", "*": "canary/symbol/1",
	}
}

// leakSkipped are routes that serve no negotiation content, with the reason.
var leakSkipped = map[string]string{
	"/static/:hash/*": "stylesheets and scripts",
	"/oidc/*":         "the built-in OpenID provider: accounts, not content",
}

// leakVariants are the formats a route also answers in.
var leakVariants = map[string][]string{
	"/api/v1/documents/:id/compilation": {"", "?format=text", "?view=clean"},
	"/documents/:id/compilation":        {"", "?view=clean"},
	"/api/v1/documents/:id/diff":        {"?from=1&to=2"},
	"/documents/:id/diff":               {"?from=1&to=2"},
	// PDF is left out: it prints the same disclosed values as the print
	// page, and takes a browser start per request (its own tests cover it).
	"/api/v1/documents/:id/versions/:n/export": {"?format=txt", "?format=json", "?format=akn", "?format=docx", "?format=docx&against=1"},
	"/api/v1/documents/:id/compilation/export": {"?format=docx", "?format=akn"},
	"/texts/*": {"", "?format=docx", "?format=akn", "?format=txt"},
	"/texts":   {"", "?q=CANARY"},
}

// TestLeakMatrix runs the matrix with both layers: the application's
// checks and the database's row-level rules. Built with -tags leakbackstop
// the application's checks are off, and the same matrix proves the
// database alone.
func TestLeakMatrix(t *testing.T) {
	t.Parallel()
	leakMatrix(t, newEnv(t))
}

// TestLeakMatrixApplicationOnly runs the matrix with the database's rules
// out of the way (the store works as the owner), proving the application's
// checks alone.
func TestLeakMatrixApplicationOnly(t *testing.T) {
	t.Parallel()
	leakMatrix(t, newEnvOpen(t, store.OpenAsOwner))
}

func leakMatrix(t *testing.T, e *testEnv) {
	e.startJobs()
	d, canaries, auds := leakFixture(t, e)
	now := time.Now()
	past, future := now.Add(-time.Hour), now.Add(24*time.Hour)
	policies := leakPolicies(t, past, future)
	routes := leakRoutes(t, e)
	requests := 0
	// First while the text is negotiated, then once it is adopted: the
	// cells that say "after adoption" flip at once, and the final text
	// appears on its public page.
	var adopted *time.Time
	for phase := range 2 {
		if phase == 1 {
			adopted = adoptLeakDoc(t, e, d)
		}
		requests += leakPhase(t, e, d, canaries, auds, policies, routes, adopted)
	}
	t.Logf("leak matrix: 2 phases (negotiating, adopted) × %d policies × %d audiences × %d routes (%d requests), %d canaries each",
		len(policies), len(auds), len(routes), requests, len(canaries))
}

// adoptLeakDoc adopts the matrix's document by consensus, as the
// secretariat, and returns the time of adoption.
func adoptLeakDoc(t *testing.T, e *testEnv, d leakDoc) *time.Time {
	var a struct {
		Adoption struct {
			AdoptedAt time.Time `json:"adopted_at"`
		}
	}
	status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/adopt", d.id), map[string]any{"version": 2, "method": "consensus"}, nil)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("adopt: %d %s", status, raw)
	}
	if status, raw := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", d.id), nil, &a.Adoption); status != http.StatusOK {
		t.Fatalf("adoption: %d %s", status, raw)
	}
	return &a.Adoption.AdoptedAt
}

// leakPhase runs every policy × audience × route once and returns the
// number of requests made.
func leakPhase(t *testing.T, e *testEnv, d leakDoc, canaries []canary, auds []audience, policies []negotiation.Policy, routes []string, adopted *time.Time) int {
	requests := 0
	now := time.Now()
	for _, pol := range policies {
		if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/policy", d.id), map[string]any{"rules": pol.Rules}, nil); status != http.StatusOK {
			t.Fatalf("set policy %s: %d %s", pol.Preset, status, raw)
		}
		dis := negotiation.Disclosure{Policy: pol, AdoptedAt: adopted}
		if adopted != nil {
			pol.Preset += " (adopted)"
		}
		for _, a := range auds {
			seen := map[string]bool{}
			for _, path := range routes {
				for _, p := range expand(path, leakParams(d)) {
					body, header := leakGet(t, e.url+p, a.token)
					requests++
					for _, c := range canaries {
						in := strings.Contains(body, c.text) || strings.Contains(header, c.text)
						if in && !c.visible(dis, a, now) {
							t.Errorf("LEAK: policy %s, %s, GET %s shows %q", pol.Preset, a.name, p, c.text)
						}
						seen[c.text] = seen[c.text] || in
					}
				}
			}
			for _, c := range canaries {
				if c.visible(dis, a, now) && !seen[c.text] {
					t.Errorf("policy %s, %s: %q is allowed but no route showed it (the matrix would miss a leak there too)", pol.Preset, a.name, c.text)
				}
			}
		}
	}
	return requests
}

// leakRoutes lists the GET routes of the server, minus the skipped ones.
func leakRoutes(t *testing.T, e *testEnv) []string {
	var out []string
	for _, r := range e.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		if _, skip := leakSkipped[r.Path]; skip {
			continue
		}
		out = append(out, r.Path)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// expand fills a route's parameters and adds its format variants.
func expand(path string, params map[string]string) []string {
	filled := path
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, ":") || part == "*" {
			v, ok := params[part]
			if !ok {
				panic(fmt.Sprintf("route %s has parameter %s that the leak matrix cannot fill: add it to leakParams", path, part))
			}
			filled = strings.Replace(filled, part, v, 1)
		}
	}
	variants := leakVariants[path]
	if variants == nil {
		variants = []string{""}
	}
	out := make([]string, len(variants))
	for i, v := range variants {
		out[i] = filled + v
	}
	return out
}

// leakGet fetches a page or API answer without following redirects and
// returns its body and headers; a stream is read for a moment only.
func leakGet(t *testing.T, url, token string) (body, header string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var buf []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		chunk := make([]byte, 4096)
		n, _ := resp.Body.Read(chunk)
		buf = chunk[:n]
	} else if buf, err = io.ReadAll(resp.Body); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if strings.Contains(resp.Header.Get("Content-Type"), "officedocument") {
		buf = unzipped(t, url, buf)
	}
	var h strings.Builder
	fmt.Fprintf(&h, "Status: %d\n", resp.StatusCode)
	for k, vs := range resp.Header {
		h.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return string(buf), h.String()
}

// leakPolicies are the presets and custom tables the matrix runs through.
func leakPolicies(t *testing.T, past, future time.Time) []negotiation.Policy {
	var out []negotiation.Policy
	for _, name := range negotiation.Presets {
		p, err := negotiation.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	custom := func(name string, edit func(p *negotiation.Policy)) {
		p, _ := negotiation.Preset(negotiation.PresetClosed)
		p.Preset = name
		edit(&p)
		out = append(out, p)
	}
	everyone := func(p *negotiation.Policy, r negotiation.Rule, arts ...negotiation.Artefact) {
		for _, a := range arts {
			for _, aud := range negotiation.Audiences {
				p.Rules[a][aud] = r
			}
		}
	}
	custom("custom: embargo lifted, attributions never", func(p *negotiation.Policy) {
		everyone(p, negotiation.Rule{When: negotiation.From, From: &past}, negotiation.ArtText, negotiation.ArtProposals, negotiation.ArtObserverComments)
		everyone(p, negotiation.Rule{When: negotiation.Never}, negotiation.ArtAttributions, negotiation.ArtPositions)
	})
	custom("custom: embargo until tomorrow", func(p *negotiation.Policy) {
		everyone(p, negotiation.Rule{When: negotiation.From, From: &future}, negotiation.ArtText, negotiation.ArtProposals, negotiation.ArtMemberComments)
	})
	custom("custom: members see anonymised proposals, no positions", func(p *negotiation.Policy) {
		p.Rules[negotiation.ArtAttributions][negotiation.AudMembers] = negotiation.Rule{When: negotiation.Anonymised}
		p.Rules[negotiation.ArtPositions][negotiation.AudMembers] = negotiation.Rule{When: negotiation.Never}
		p.Rules[negotiation.ArtMemberComments][negotiation.AudMembers] = negotiation.Rule{When: negotiation.Never}
	})
	custom("custom: public after adoption (not adopted)", func(p *negotiation.Policy) {
		everyone(p, negotiation.Rule{When: negotiation.AtAdoption}, negotiation.ArtText, negotiation.ArtProposals, negotiation.ArtAttributions)
		p.Rules[negotiation.ArtText][negotiation.AudMembers] = negotiation.Rule{When: negotiation.Now}
	})
	return out
}

// leakFixture makes the parties, the audiences and the document with a
// canary in every artefact.
func leakFixture(t *testing.T, e *testEnv) (leakDoc, []canary, []audience) {
	as := func(code string, kind negotiation.PartyKind, email string) *testEnv {
		return &testEnv{t: t, url: e.url, token: e.tokenFor(code, kind, email), store: e.store}
	}
	fra := as("QQFRA", negotiation.PartyState, "d@qqfra.example")    // proposes
	cos := as("QQCOS", negotiation.PartyState, "d@qqcos.example")    // co-sponsors
	opp := as("QQOPP", negotiation.PartyState, "d@qqopp.example")    // opposes, drafts
	cmt := as("QQCMT", negotiation.PartyState, "d@qqcmt.example")    // comments
	ngo := as("QQNGO", negotiation.PartyObserver, "n@qqngo.example") // comments, suggests
	e.accredit("QQNGO", "n@qqngo.example", time.Now().Add(24*time.Hour))
	doc := e.createDoc("CANARY/SYMBOL/1", "The Assembly,\n\n1. Decides CANARY-TEXT-ONE;\n\n2. Requests support;")
	id := doc.ID
	// Rev.1, so that diffs have two versions.
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", id), map[string]any{"label": "Rev.1",
		"text": "The Assembly,\n\n1. Decides CANARY-TEXT-ONE;\n\n2. Requests CANARY-TEXT-TWO support;"}, nil); status != http.StatusCreated {
		t.Fatalf("Rev.1: %d %s", status, raw)
	}
	// Observers take part in consultation: they comment and suggest.
	if status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/consultation", id), map[string]any{"open": true}, nil); status != http.StatusOK {
		t.Fatalf("consultation: %d %s", status, raw)
	}
	key, _ := e.keyOf(id, 2, "Decides")
	var prop struct{ ID int64 }
	if status, raw := fra.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", id), map[string]any{"base_version": 2, "kind": "insert",
		"key": key, "text": "CANARY-PROPOSAL", "justification": "CANARY-JUSTIFICATION"}, &prop); status != http.StatusCreated {
		t.Fatalf("proposal: %d %s", status, raw)
	}
	if status, raw := opp.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", id), map[string]any{"base_version": 2, "kind": "insert",
		"key": key, "text": "CANARY-DRAFT", "draft": true}, nil); status != http.StatusCreated {
		t.Fatalf("draft: %d %s", status, raw)
	}
	if status, raw := cos.call("POST", fmt.Sprintf("/api/v1/proposals/%d/cosponsor", prop.ID), map[string]any{}, nil); status >= 300 {
		t.Fatalf("cosponsor: %d %s", status, raw)
	}
	if status, raw := opp.call("POST", fmt.Sprintf("/api/v1/proposals/%d/positions", prop.ID), map[string]any{"stance": "oppose"}, nil); status >= 300 {
		t.Fatalf("position: %d %s", status, raw)
	}
	if status, raw := cmt.call("POST", fmt.Sprintf("/api/v1/documents/%d/comments", id), map[string]any{"body": "CANARY-MEMBER-COMMENT"}, nil); status != http.StatusCreated {
		t.Fatalf("member comment: %d %s", status, raw)
	}
	var com struct{ ID int64 }
	status, raw := ngo.upload(fmt.Sprintf("/api/v1/documents/%d/comments", id), map[string]string{"body": "CANARY-OBSERVER-COMMENT", "key": key},
		fileArg{"CANARY-ATTACHMENT.txt", []byte("CANARY-FILE-CONTENT")})
	if status != http.StatusCreated || json.Unmarshal(raw, &com) != nil {
		t.Fatalf("observer comment: %d %s", status, raw)
	}
	if status, raw := ngo.call("POST", fmt.Sprintf("/api/v1/documents/%d/comments", id), map[string]any{"body": "CANARY-CONFIDENTIAL", "scope": "secretariat"}, nil); status != http.StatusCreated {
		t.Fatalf("confidential comment: %d %s", status, raw)
	}
	var sg struct{ ID int64 }
	if status, raw := ngo.call("POST", fmt.Sprintf("/api/v1/documents/%d/suggestions", id), map[string]any{"base_version": 2, "kind": "insert",
		"key": key, "text": "CANARY-SUGGESTION"}, &sg); status != http.StatusCreated {
		t.Fatalf("suggestion: %d %s", status, raw)
	}
	var thread struct {
		Comments []struct {
			ID          int64
			Attachments []struct{ ID int64 }
		}
	}
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/comments?key=%s", id, key), nil, &thread)
	if len(thread.Comments) != 1 || len(thread.Comments[0].Attachments) != 1 {
		t.Fatalf("the observer's comment and its attachment: %+v", thread)
	}
	var export struct{ ID int64 }
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/comments/exports", id), map[string]string{"format": "csv"}, &export); status != http.StatusAccepted {
		t.Fatalf("export: %d %s", status, raw)
	}
	d := leakDoc{id: id, key: key, proposal: prop.ID, comment: com.ID, sg: sg.ID, attachment: thread.Comments[0].Attachments[0].ID, export: export.ID}

	until, expired := time.Now().Add(24*time.Hour), time.Now().Add(-24*time.Hour)
	auds := []audience{
		{"secretariat", e.token, negotiation.Viewer{PartyKind: negotiation.PartySecretariat, PartyCode: "SECRETARIAT"}},
		{"the proposing state", fra.token, negotiation.Viewer{PartyKind: negotiation.PartyState, PartyCode: "QQFRA"}},
		{"another state", e.tokenFor("QQDEU", negotiation.PartyState, "d@qqdeu.example"), negotiation.Viewer{PartyKind: negotiation.PartyState, PartyCode: "QQDEU"}},
		{"a group member", e.tokenFor("QQG77", negotiation.PartyGroup, "d@qqg77.example"), negotiation.Viewer{PartyKind: negotiation.PartyGroup, PartyCode: "QQG77"}},
		{"an accredited observer", accredited(e, "QQIUCN", "n@qqiucn.example", until), negotiation.Viewer{PartyKind: negotiation.PartyObserver, PartyCode: "QQIUCN", AccreditedUntil: &until}},
		{"an observer whose accreditation expired", accredited(e, "QQOLD", "n@qqold.example", expired), negotiation.Viewer{PartyKind: negotiation.PartyObserver, PartyCode: "QQOLD", AccreditedUntil: &expired}},
		{"an applicant observer", e.tokenFor("QQAPPLY", negotiation.PartyObserver, "n@qqapply.example"), negotiation.Viewer{PartyKind: negotiation.PartyObserver, PartyCode: "QQAPPLY"}},
		{"anonymous", "", negotiation.Viewer{}},
	}
	for i := range auds {
		if auds[i].viewer.PartyCode != "" {
			auds[i].viewer.UserID = int64(i + 1)
		}
	}
	return d, leakCanaries(), auds
}

func accredited(e *testEnv, code, email string, until time.Time) string {
	token := e.tokenFor(code, negotiation.PartyObserver, email)
	e.accredit(code, email, until)
	return token
}

// leakCanaries says, for each canary, which artefact it belongs to and
// whose it is. own(a, code) is "a acts for the party code".
func leakCanaries() []canary {
	own := func(a audience, code string) bool { return code != "" && a.viewer.PartyCode == code }
	sees := func(art negotiation.Artefact, owner string) func(negotiation.Disclosure, audience, time.Time) bool {
		return func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return dis.Decide(a.viewer, art, own(a, owner), now) != negotiation.Hidden
		}
	}
	named := func(art negotiation.Artefact, owner string) func(negotiation.Disclosure, audience, time.Time) bool {
		return func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			o := own(a, owner)
			return dis.Decide(a.viewer, art, o, now) != negotiation.Hidden && dis.Decide(a.viewer, negotiation.ArtAttributions, o, now) == negotiation.Shown
		}
	}
	text := sees(negotiation.ArtText, "")
	// The adopted text (and its symbol) is shown by the final text's rules
	// too, on its public page.
	textOrFinal := func(dis negotiation.Disclosure, a audience, now time.Time) bool {
		return text(dis, a, now) || (dis.AdoptedAt != nil && dis.Decide(a.viewer, negotiation.ArtFinal, false, now) != negotiation.Hidden)
	}
	and := func(f, g func(negotiation.Disclosure, audience, time.Time) bool) func(negotiation.Disclosure, audience, time.Time) bool {
		return func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return f(dis, a, now) && g(dis, a, now)
		}
	}
	return []canary{
		{"CANARY/SYMBOL/1", textOrFinal},
		{"CANARY-TEXT-ONE", textOrFinal},
		{"CANARY-TEXT-TWO", textOrFinal},
		{"CANARY-PROPOSAL", and(text, sees(negotiation.ArtProposals, "QQFRA"))},
		{"CANARY-JUSTIFICATION", and(text, sees(negotiation.ArtProposals, "QQFRA"))},
		{"QQFRA", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQFRA") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtProposals, "QQFRA")(dis, a, now))
		}},
		{"QQCOS", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQCOS") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtProposals, "QQCOS")(dis, a, now))
		}},
		{"QQOPP", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQOPP") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtProposals, "")(dis, a, now) && named(negotiation.ArtPositions, "")(dis, a, now))
		}},
		// A delegation's unsent draft is its own alone, the secretariat's
		// rights notwithstanding.
		{"CANARY-DRAFT", func(_ negotiation.Disclosure, a audience, _ time.Time) bool { return own(a, "QQOPP") }},
		{"CANARY-MEMBER-COMMENT", and(text, sees(negotiation.ArtMemberComments, "QQCMT"))},
		{"QQCMT", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQCMT") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtMemberComments, "QQCMT")(dis, a, now))
		}},
		{"d@qqcmt.example", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQCMT") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtMemberComments, "QQCMT")(dis, a, now))
		}},
		{"CANARY-OBSERVER-COMMENT", and(text, sees(negotiation.ArtObserverComments, "QQNGO"))},
		{"CANARY-SUGGESTION", and(text, sees(negotiation.ArtObserverComments, "QQNGO"))},
		{"QQNGO", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQNGO") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtObserverComments, "QQNGO")(dis, a, now))
		}},
		{"n@qqngo.example", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQNGO") || a.viewer.PartyKind == negotiation.PartySecretariat || (text(dis, a, now) && named(negotiation.ArtObserverComments, "QQNGO")(dis, a, now))
		}},
		{"CANARY-ATTACHMENT", and(and(text, sees(negotiation.ArtObserverComments, "QQNGO")), sees(negotiation.ArtAttachments, "QQNGO"))},
		{"CANARY-FILE-CONTENT", and(and(text, sees(negotiation.ArtObserverComments, "QQNGO")), sees(negotiation.ArtAttachments, "QQNGO"))},
		{"CANARY-CONFIDENTIAL", func(dis negotiation.Disclosure, a audience, now time.Time) bool {
			return own(a, "QQNGO") || a.viewer.PartyKind == negotiation.PartySecretariat
		}},
	}
}

// unzipped is the text of every part of a zip file (a DOCX), so that
// canaries inside it are seen.
func unzipped(t *testing.T, url string, buf []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(buf), int64(len(buf)))
	if err != nil {
		t.Fatalf("GET %s: not a zip: %v", url, err)
	}
	var out []byte
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		out = append(out, b...)
	}
	return out
}
