package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// anonGet fetches a page without signing in.
func anonGet(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String(), resp.Header
}

// translationOf gives every provision of the adopted version a text in
// lang, made from the original by f.
func (e *closingEnv) translate(docID int64, lang, title string, f func(negotiation.Provision) string) {
	e.t.Helper()
	provs := map[string]string{}
	for _, p := range e.version(docID, 1).Provisions {
		provs[p.Key] = f(p)
	}
	status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/translations/%s", docID, lang), map[string]any{"title": title, "provisions": provs}, nil)
	if status != http.StatusOK {
		e.t.Fatalf("translation %s: %d %s", lang, status, raw)
	}
}

func TestPublicationPageTranslationsArchiveAndFeed(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/CONF.1/2026/L.1", finalDraft)
	other := e.createDoc("A/HRC/55/L.12", finalDraft)
	var a adoptionBody
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/adopt", doc.ID), map[string]any{"version": 1, "method": "consensus"}, &a); status != http.StatusCreated {
		t.Fatalf("adopt: %d %s", status, raw)
	}
	// A document that is not adopted has no public page.
	if status, _, _ := anonGet(t, e.url+"/texts/A/HRC/55/L.12"); status != http.StatusNotFound {
		t.Fatalf("a draft's public page: %d", status)
	}

	status, page, _ := anonGet(t, a.PublicURL)
	if status != http.StatusOK {
		t.Fatalf("public page: %d %s", status, page)
	}
	for _, want := range []string{"Requests the Secretary-General to provide support;", a.SHA256, "Zero draft", `dir="ltr"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("public page lacks %q", want)
		}
	}
	// The published digest is that of the text download, which is the
	// canonical text.
	status, txt, hdr := anonGet(t, a.PublicURL+"?format=txt")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
		t.Fatalf("txt: %d %s", status, hdr)
	}
	sum := sha256.Sum256([]byte(txt))
	if hex.EncodeToString(sum[:]) != a.SHA256 {
		t.Fatalf("sha256 of the text download %x, published %s", sum, a.SHA256)
	}
	if !strings.Contains(txt, "1. Decides to establish") || strings.ContainsAny(txt, "[]") {
		t.Fatalf("canonical text %q", txt)
	}

	// Translations: aligned by key, every key needed, Arabic right to left.
	e.translate(doc.ID, "ar", "التلوث البلاستيكي", func(p negotiation.Provision) string { return "نص عربي " + p.Key })
	e.translate(doc.ID, "zh", "塑料污染", func(p negotiation.Provision) string { return "大会决定设立政府间谈判委员会 " + p.Key })
	e.translate(doc.ID, "fr", "Pollution plastique", func(p negotiation.Provision) string { return "Texte français " + p.Key })
	status, raw := e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/translations/es", doc.ID), map[string]any{"title": "Contaminación", "provisions": map[string]string{"nokey": "x"}}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "has no translation")
	status, raw = e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/translations/en", doc.ID), map[string]any{"title": "Plastic", "provisions": map[string]string{}}, nil)
	wantError(t, status, raw, http.StatusConflict, "original language")
	status, raw = e.call("PUT", fmt.Sprintf("/api/v1/documents/%d/translations/fr", other.ID), map[string]any{"title": "X", "provisions": map[string]string{}}, nil)
	wantError(t, status, raw, http.StatusConflict, "not adopted")

	var trs struct {
		Translations []struct {
			Language   string            `json:"language"`
			Provisions map[string]string `json:"provisions"`
		} `json:"translations"`
	}
	anon := e.as("")
	if status, raw := anon.call("GET", fmt.Sprintf("/api/v1/documents/%d/translations", doc.ID), nil, &trs); status != http.StatusOK || len(trs.Translations) != 3 || trs.Translations[0].Language != "ar" {
		t.Fatalf("translations for anyone: %d %s", status, raw)
	}
	status, raw = anon.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", other.ID), nil, nil)
	wantError(t, status, raw, http.StatusNotFound, "has no published final text")

	status, page, _ = anonGet(t, a.PublicURL+"?lang=ar")
	if status != http.StatusOK || !strings.Contains(page, `lang="ar" dir="rtl"`) || !strings.Contains(page, "التلوث البلاستيكي") {
		t.Fatalf("Arabic page: %d", status)
	}
	for _, name := range []string{"العربية", "中文", "français", "English"} {
		if !strings.Contains(page, name) {
			t.Fatalf("the public page does not offer %s", name)
		}
	}
	// Each language downloads too: the Arabic DOCX, read back by pandoc.
	status, ardocx, _ := anonGet(t, a.PublicURL+"?lang=ar&format=docx")
	if status != http.StatusOK {
		t.Fatalf("Arabic DOCX: %d", status)
	}
	pandoc := exporttest.Need(t, "pandoc", "pandoc")
	if got := string(exporttest.Run(t, []byte(ardocx), pandoc, "-f", "docx", "-t", "plain")); !strings.Contains(got, "نص عربي") {
		t.Fatalf("pandoc reads the Arabic DOCX as %q", got)
	}
	if status, _, _ := anonGet(t, a.PublicURL+"?lang=ru"); status != http.StatusNotFound {
		t.Fatalf("a language without a text: %d", status)
	}

	// The archive: English words (stemmed), symbol, title, Chinese.
	for q, want := range map[string]bool{
		"pollution":           true,
		"invite member state": true, // "Invites Member States"
		"HRC":                 false,
		"conf.1/2026":         true,
		"谈判委员会":               true,
		"委员会谈判":               false,
		"whales":              false,
	} {
		status, page, _ := anonGet(t, e.url+"/texts?q="+url.QueryEscape(q))
		if status != http.StatusOK {
			t.Fatalf("archive %q: %d", q, status)
		}
		if got := strings.Contains(page, `href="/texts/A/CONF.1/2026/L.1"`); got != want {
			t.Fatalf("archive search %q finds the text: %v, want %v", q, got, want)
		}
	}

	// The feed is Atom and names the text.
	status, body, hdr := anonGet(t, e.url+"/texts.atom")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", status, hdr)
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed is not Atom XML: %v\n%s", err, body)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].Link.Href != a.PublicURL {
		t.Fatalf("feed entries %+v", feed.Entries)
	}
}

func TestEmbargoedTextStaysHidden(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/EMB/1", finalDraft)
	var a adoptionBody
	until := time.Now().Add(24 * time.Hour).UTC()
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/adopt", doc.ID), map[string]any{"version": 1, "method": "consensus", "public_from": until}, &a); status != http.StatusCreated {
		t.Fatalf("adopt: %d %s", status, raw)
	}
	if status, _, _ := anonGet(t, a.PublicURL); status != http.StatusNotFound {
		t.Fatalf("embargoed page for the public: %d", status)
	}
	if status, _, _ := anonGet(t, a.PublicURL+"?format=txt"); status != http.StatusNotFound {
		t.Fatalf("embargoed download for the public: %d", status)
	}
	if _, page, _ := anonGet(t, e.url+"/texts"); strings.Contains(page, "A/EMB/1") {
		t.Fatal("the archive lists an embargoed text")
	}
	if _, body, _ := anonGet(t, e.url+"/texts.atom"); strings.Contains(body, "A/EMB/1") {
		t.Fatal("the feed lists an embargoed text")
	}
	anon := e.as("")
	if status, _ := anon.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", doc.ID), nil, nil); status != http.StatusNotFound {
		t.Fatalf("embargoed adoption record for the public: %d", status)
	}
	// The secretariat sees it, marked as embargoed.
	status, page := e.get(strings.TrimPrefix(a.PublicURL, e.url))
	if status != http.StatusOK || !strings.Contains(page, "embargoed until") {
		t.Fatalf("secretariat's view: %d", status)
	}
}

// csrfOf reads the CSRF field of a page's form.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	for _, h := range hidden.FindAllStringSubmatch(page, -1) {
		if h[1] == "_csrf" {
			return htmlUnescape(h[2])
		}
	}
	t.Fatalf("no CSRF field in the page:\n%s", page)
	return ""
}

// The secretariat's forms: adoption by a vote, then a translation typed
// provision by provision; a bad form shows the page again with the reason
// and what was typed.
func TestClosingFormsAdoptByVoteAndTranslate(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	e.account("SECRETARIAT", negotiation.PartySecretariat, "chief@un.example", pw)
	doc := e.createDoc("A/FORM/1", finalDraft)
	b := e.browser()
	b.signIn("chief@un.example", pw)
	closing := fmt.Sprintf("/documents/%d/closing", doc.ID)
	_, page := b.get(closing)
	csrf := csrfOf(t, page)
	resp, page := b.post(fmt.Sprintf("/documents/%d/adopt", doc.ID), url.Values{"_csrf": {csrf}, "version": {"1"}, "method": {"vote"},
		"yes": {"10"}, "no": {"1"}, "abstain": {"1"}, "by_party": {"BRA yes\nUSA no\nFRA no"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "more votes than the counts") {
		t.Fatalf("a tally with too many recorded votes: %d", resp.StatusCode)
	}
	resp, page = b.post(fmt.Sprintf("/documents/%d/adopt", doc.ID), url.Values{"_csrf": {csrf}, "version": {"1"}, "method": {"vote"},
		"yes": {"10"}, "no": {"2"}, "abstain": {"1"}, "by_party": {"BRA yes\nUSA no"}})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != closing || !strings.Contains(page, `id="public-link"`) {
		t.Fatalf("adopt by the form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	var a adoptionBody
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", doc.ID), nil, &a)
	if a.Method != negotiation.ByVote || a.Tally.No != 2 || a.Tally.ByParty["BRA"] != negotiation.VoteYes {
		t.Fatalf("adoption %+v", a.Adoption)
	}

	form := fmt.Sprintf("/documents/%d/translations/fr", doc.ID)
	_, page = b.get(form)
	v := e.version(doc.ID, 1)
	values := url.Values{"_csrf": {csrfOf(t, page)}, "title": {"Pollution plastique"}}
	for i, p := range v.Provisions {
		if i > 0 { // the first is left empty: refused, the rest kept
			values.Set("p."+p.Key, "Texte français "+p.Number)
		}
	}
	resp, page = b.post(form, values)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "has no translation") || !strings.Contains(page, "Texte français "+v.Provisions[1].Number) {
		t.Fatalf("an incomplete translation: %d %s", resp.StatusCode, page)
	}
	values.Set("p."+v.Provisions[0].Key, "L'Assemblée générale,")
	resp, page = b.post(form, values)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.RawQuery != "lang=fr" || !strings.Contains(page, "L&#39;Assemblée générale,") || !strings.Contains(page, `lang="fr" dir="ltr"`) {
		t.Fatalf("the French text after saving: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	// Not the secretariat: no translation form.
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	if status, _ := bra.get(form); status != http.StatusForbidden {
		t.Fatalf("a delegation opens the translation form: %d", status)
	}
}

// A delegate breaks silence with the page's form, naming a provision.
func TestBreakSilenceForm(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	e.account("BRA", negotiation.PartyState, "d@bra.example", pw)
	doc := e.createDoc("A/FORM/2", finalDraft)
	key, _ := e.keyOf(doc.ID, 1, "Requests")
	e.startSilence(doc.ID, 1, time.Now().Add(time.Hour))
	b := e.browser()
	b.signIn("d@bra.example", pw)
	closing := fmt.Sprintf("/documents/%d/closing", doc.ID)
	_, page := b.get(closing)
	if !strings.Contains(page, `id="break-form"`) || strings.Contains(page, `id="adopt-form"`) {
		t.Fatal("a delegate should see the break form and not the adoption form")
	}
	resp, page := b.post(fmt.Sprintf("/documents/%d/silence/break", doc.ID), url.Values{"_csrf": {csrfOf(t, page)},
		"statement": {"Brazil breaks silence on support to <developing> countries."}, "keys": {key}, "text": {"provide adequate support"}})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != closing {
		t.Fatalf("break by the form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if !strings.Contains(page, "Brazil breaks silence on support to &lt;developing&gt; countries.") || !strings.Contains(page, ">OP2</a>") || !strings.Contains(page, "provide adequate support") {
		t.Fatal("the closing page does not show the break, escaped")
	}
}
