package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// upload posts a multipart form with files (name → bytes, in order, in
// the field "file") and returns the status and body.
func (e *testEnv) upload(path string, fields map[string]string, files ...fileArg) (int, []byte) {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			e.t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("file", f.name)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := fw.Write(f.data); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		e.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", e.url+path, &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

type fileArg struct {
	name string
	data []byte
}

// zipOf builds a zip file with the given entries in order; stored says
// whether the first entry is stored uncompressed (as ODF requires for
// "mimetype").
func zipOf(t *testing.T, stored bool, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for i, e := range entries {
		method := zip.Deflate
		if i == 0 && stored {
			method = zip.Store
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func docxBytes(t *testing.T) []byte {
	return zipOf(t, false,
		[2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		[2]string{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Submission</w:t></w:r></w:p></w:body></w:document>`})
}

func odtBytes(t *testing.T) []byte {
	return zipOf(t, true, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
		[2]string{"content.xml", `<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`})
}

const pdfBytes = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// openDoc makes a document open to consultation and an accredited
// observer, returning the document's API path and the observer.
func openDoc(t *testing.T, e *testEnv, symbol string) (string, int64, *testEnv) {
	t.Helper()
	c := e.createDoc(symbol, zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	if status, raw := e.call("PUT", doc+"/consultation", map[string]bool{"open": true}, nil); status != 200 {
		t.Fatalf("open consultation: %d %s", status, raw)
	}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(24*time.Hour))
	return doc, c.ID, ngo
}

func TestCommentAttachments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc, docID, ngo := openDoc(t, e, "A/COM/ATT")
	key, _ := e.keyOf(docID, 1, "Decides")

	status, raw := ngo.upload(doc+"/comments", map[string]string{"body": "Our submission", "key": key},
		fileArg{"submission.pdf", []byte(pdfBytes)}, fileArg{"brief.docx", docxBytes(t)}, fileArg{"notes.odt", odtBytes(t)})
	if status != 201 {
		t.Fatalf("three good files: %d %s", status, raw)
	}
	l := e.comments(doc + "/comments")
	if len(l.Comments) != 1 {
		t.Fatalf("comments: %+v", l.Comments)
	}
	var full struct {
		Comments []struct {
			ID          int64
			Attachments []struct {
				ID          int64
				Name        string
				ContentType string `json:"content_type"`
				Size        int64
			}
		}
	}
	e.call("GET", doc+"/comments", nil, &full)
	atts := full.Comments[0].Attachments
	wantTypes := []string{"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.oasis.opendocument.text"}
	if len(atts) != 3 {
		t.Fatalf("attachments: %+v", atts)
	}
	for i, a := range atts {
		if a.ContentType != wantTypes[i] {
			t.Errorf("attachment %s detected as %q, want %q", a.Name, a.ContentType, wantTypes[i])
		}
	}
	cid := full.Comments[0].ID

	// Refusals, each leaving nothing behind.
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...)
	for _, tc := range []struct {
		what   string
		files  []fileArg
		status int
		msg    string
	}{
		{"an executable renamed .pdf", []fileArg{{"report.pdf", exe}}, 422, "not a PDF, DOCX, ODT or plain-text"},
		{"a zip that is no document", []fileArg{{"a.docx", zipOf(t, false, [2]string{"x.txt", "x"})}}, 422, "not a PDF"},
		{"HTML named .txt", []fileArg{{"page.txt", []byte("<html>\x00</html>")}}, 422, "not a PDF"},
		{"a file over the limit", []fileArg{{"big.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 3<<20)...)}}, 413, "over the limit of 3 MB"},
		{"four files", []fileArg{{"1.txt", []byte("a")}, {"2.txt", []byte("b")}, {"3.txt", []byte("c")}, {"4.txt", []byte("d")}}, 413, "at most 3 files"},
	} {
		status, raw := ngo.upload(doc+"/comments", map[string]string{"body": "refused: " + tc.what}, tc.files...)
		if status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.what, status, raw, tc.status)
			continue
		}
		if _, msg := apiErr(t, raw); !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: message %q lacks %q", tc.what, msg, tc.msg)
		}
	}
	if l := e.comments(doc + "/comments"); l.Counts.Visible != 1 {
		t.Errorf("refused uploads saved comments: %+v", l.Counts)
	}

	// A 1 GB upload is refused from its declared length, before its body is read.
	req, _ := http.NewRequest("POST", e.url+doc+"/comments", io.LimitReader(zeroReader{}, 1<<30))
	req.ContentLength = 1 << 30
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+ngo.token)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("1 GB upload: %d", resp.StatusCode)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("1 GB upload took %s to refuse", d)
	}

	// Download: same permission as the comment, always as a download.
	aPath := fmt.Sprintf("/api/v1/comments/%d/attachments/%d", cid, atts[0].ID)
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	resp2 := ken.raw("GET", aPath)
	if resp2.StatusCode != 200 || resp2.Header.Get("Content-Disposition") != `attachment; filename=submission.pdf` ||
		resp2.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp2.Header.Get("Content-Security-Policy"), "sandbox") ||
		resp2.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download: %d %v", resp2.StatusCode, resp2.Header)
	}
	if body, _ := io.ReadAll(resp2.Body); string(body) != pdfBytes {
		t.Errorf("downloaded %q", body)
	}
	anon := &testEnv{t: t, url: e.url}
	if r := anon.raw("GET", aPath); r.StatusCode != 401 {
		t.Errorf("anonymous download: %d", r.StatusCode)
	}
	if r := ken.raw("GET", fmt.Sprintf("/api/v1/comments/%d/attachments/%d", cid, atts[0].ID+100)); r.StatusCode != 404 {
		t.Errorf("a foreign attachment id: %d", r.StatusCode)
	}

	// Confidential: another observer gets 404 for comment and file.
	status, raw = ngo.upload(doc+"/comments", map[string]string{"body": "confidential notes", "scope": "secretariat"},
		fileArg{"notes<script>.html", []byte("plain words, <b>not</b> markup\n")})
	if status != 201 {
		t.Fatalf("confidential upload: %d %s", status, raw)
	}
	secretID := mustID(t, string(raw))
	e.call("GET", doc+"/comments", nil, &full)
	var secretAtt int64
	for _, c := range full.Comments {
		if c.ID == secretID {
			secretAtt = c.Attachments[0].ID
			if c.Attachments[0].ContentType != "text/plain; charset=utf-8" {
				t.Errorf("text detected as %q", c.Attachments[0].ContentType)
			}
		}
	}
	sPath := fmt.Sprintf("/api/v1/comments/%d/attachments/%d", secretID, secretAtt)
	wwf := &testEnv{t: t, url: e.url, token: e.tokenFor("WWF", negotiation.PartyObserver, "n@wwf.example")}
	e.accredit("WWF", "n@wwf.example", time.Now().Add(24*time.Hour))
	for who, env := range map[string]*testEnv{"another observer": wwf, "a state": ken} {
		if r := env.raw("GET", sPath); r.StatusCode != 404 {
			t.Errorf("%s downloads a confidential attachment: %d", who, r.StatusCode)
		}
	}
	r := e.raw("GET", sPath)
	if r.StatusCode != 200 || r.Header.Get("Content-Disposition") != `attachment; filename="notes<script>.html.txt"` {
		t.Errorf("secretariat download: %d %q", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	if r := ngo.raw("GET", sPath); r.StatusCode != 200 {
		t.Errorf("the author downloads their confidential attachment: %d", r.StatusCode)
	}

	// A hidden comment's files are for the secretariat only.
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/comments/%d/hide", cid), map[string]string{"reason": "off topic"}, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	if r := ken.raw("GET", aPath); r.StatusCode != 404 {
		t.Errorf("a state downloads a hidden comment's file: %d", r.StatusCode)
	}
	if r := e.raw("GET", aPath); r.StatusCode != 200 {
		t.Errorf("the secretariat downloads a hidden comment's file: %d", r.StatusCode)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// raw sends a request with the env's token and returns the response, its
// body closed when the test ends.
func (e *testEnv) raw(method, path string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var idPattern = regexp.MustCompile(`\d+`)

// mustID reads the first number in s (a path or {"id":…}).
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(idPattern.FindString(s), &n); err != nil {
		t.Fatalf("no id in %q", s)
	}
	return n
}

func countItems(html string) int { return strings.Count(html, `<li class="comment status-`) }

var moreLink = regexp.MustCompile(`id="comments-more" href="([^"]+)"`)

func TestCommentPagesPaginateAndKeepReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/PAGE", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	page := fmt.Sprintf("/documents/%d", c.ID)
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	for i := range 25 {
		ken.comment(doc, map[string]any{"body": fmt.Sprintf("comment number %d", i)})
	}
	status, html := ken.get(page)
	if status != 200 || countItems(html) != 20 {
		t.Fatalf("first page: %d, %d comments", status, countItems(html))
	}
	if !strings.Contains(html, "25 visible, 0 hidden and 0 withdrawn comments in this thread, replies included.") {
		t.Errorf("counts missing")
	}
	m := moreLink.FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	status, html = ken.get(next)
	if status != 200 || countItems(html) != 5 || !strings.Contains(html, "comment number 24") || strings.Contains(html, "comment number 3<") {
		t.Errorf("second page %s: %d, %d comments", next, status, countItems(html))
	}
	if moreLink.MatchString(html) {
		t.Error("the last page links to a next one")
	}

	// A provision's thread; escaping; "on Rev.1" after the text changed.
	key, _ := e.keyOf(c.ID, 1, "Decides")
	evil := ken.comment(doc, map[string]any{"key": key, "body": `<script>alert(1)</script> [x](javascript:alert(1))`})
	reply := e.comment(doc, map[string]any{"parent": evil, "body": "The secretariat answers."})
	status, html = ken.get(page + "?key=" + key)
	if status != 200 || countItems(html) != 1 || !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(html, "<script>alert") {
		t.Errorf("provision thread: %d, %d comments, escaped: %v", status, countItems(html), strings.Contains(html, "&lt;script&gt;"))
	}
	if !strings.Contains(html, `1 replies`) {
		t.Error("reply count missing")
	}
	text := strings.Replace(zeroDraft, "Decides to establish", "Decides to set up", 1)
	if status, raw := e.call("POST", doc+"/versions", map[string]any{"label": "Rev.1", "text": text}, nil); status != 201 {
		t.Fatalf("new version: %d %s", status, raw)
	}
	if _, html = ken.get(page + "?key=" + key); !strings.Contains(html, "on Zero draft; the text has changed since") {
		t.Error(`no "on <version>" marker after the provision changed`)
	}

	// Hidden by the secretariat: tombstone with the reason; the reply stays.
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/comments/%d/hide", evil), map[string]string{"reason": "a script, not a comment"}, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	status, html = ken.get(fmt.Sprintf("%s/comments/%d", page, reply))
	if status != 200 || !strings.Contains(html, "hidden by the secretariat on ") || !strings.Contains(html, ": a script, not a comment") ||
		!strings.Contains(html, "The secretariat answers.") || strings.Contains(html, "alert(1)") {
		t.Errorf("permalink of the reply: %d\n%s", status, html)
	}
	if _, html = ken.get(page + "?key=" + key); !strings.Contains(html, "1 visible, 1 hidden and 0 withdrawn") {
		t.Errorf("provision counts after hiding:\n%s", html)
	}
	if status, _ := ken.get(fmt.Sprintf("%s/comments/%d", page, reply+1000)); status != 404 {
		t.Errorf("permalink of a missing comment: %d", status)
	}
}

func TestCampaignsGroupNearIdenticalSubmissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc, docID, ngo := openDoc(t, e, "A/COM/CAMP")
	key, _ := e.keyOf(docID, 1, "Decides")
	var envs []*testEnv
	for _, code := range []string{"WWF", "GP", "FOE"} {
		email := "n@" + strings.ToLower(code) + ".example"
		envs = append(envs, &testEnv{t: t, url: e.url, token: e.tokenFor(code, negotiation.PartyObserver, email)})
		e.accredit(code, email, time.Now().Add(24*time.Hour))
	}
	first := ngo.comment(doc, map[string]any{"key": key, "body": "Protect the ocean: ban single-use plastics now!"})
	envs[0].comment(doc, map[string]any{"key": key, "body": "  protect the OCEAN — ban single-use plastics now  "})
	envs[1].comment(doc, map[string]any{"key": key, "body": "Ｐｒｏｔｅｃｔ the ocean; ban single use plastics now."})
	other := envs[2].comment(doc, map[string]any{"key": key, "body": "Protect the ocean: ban single-use plastics by 2030!"})
	elsewhere := envs[2].comment(doc, map[string]any{"body": "Protect the ocean: ban single-use plastics now!"})

	var l struct {
		Comments []struct {
			ID       int64
			Campaign *struct {
				Count       int
				Signatories []struct{ Party, Author string }
			}
		}
		Counts struct{ Visible int }
	}
	e.call("GET", doc+"/comments", nil, &l)
	if len(l.Comments) != 3 || l.Counts.Visible != 5 {
		t.Fatalf("thread: %d shown, %d counted; want 3 shown (one campaign), 5 counted", len(l.Comments), l.Counts.Visible)
	}
	for _, c := range l.Comments {
		switch c.ID {
		case first:
			if c.Campaign == nil || c.Campaign.Count != 3 || len(c.Campaign.Signatories) != 3 ||
				c.Campaign.Signatories[0].Party != "CIEL" || c.Campaign.Signatories[2].Party != "GP" {
				t.Errorf("campaign: %+v", c.Campaign)
			}
		case other, elsewhere:
			if c.Campaign != nil {
				t.Errorf("comment %d is no campaign: %+v", c.ID, c.Campaign)
			}
		default:
			t.Errorf("comment %d shown though it belongs to the campaign", c.ID)
		}
	}
	var sig struct {
		Count       int
		Signatories []struct{ Party string }
	}
	if status, raw := e.call("GET", fmt.Sprintf("/api/v1/comments/%d/signatories", first), nil, &sig); status != 200 || sig.Count != 3 {
		t.Errorf("signatories: %d %s", status, raw)
	}
	// Withdrawing the first leaves the campaign, shown at the next one.
	if status, raw := ngo.call("POST", fmt.Sprintf("/api/v1/comments/%d/withdraw", first), nil, nil); status != 200 {
		t.Fatalf("withdraw: %d %s", status, raw)
	}
	l.Comments = nil // decode afresh: absent fields would keep old values
	e.call("GET", doc+"/comments", nil, &l)
	grouped := 0
	for _, c := range l.Comments {
		if c.Campaign != nil {
			grouped++
			if c.Campaign.Count != 2 || c.ID == first {
				t.Errorf("after withdrawal: %d %+v", c.ID, c.Campaign)
			}
		}
	}
	if grouped != 1 || len(l.Comments) != 4 {
		t.Errorf("after withdrawal: %d shown, %d campaigns", len(l.Comments), grouped)
	}
	_, html := e.get(fmt.Sprintf("/documents/%d", docID))
	if !strings.Contains(html, "Submitted identically or almost identically 2 times") {
		t.Error("the page does not show the campaign's count")
	}
}

func TestNotificationsAndFeed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/NOTE", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	key, _ := e.keyOf(c.ID, 1, "Decides")
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	if status, raw := fra.call("PUT", doc+"/provisions/"+key+"/follow", nil, nil); status != 200 {
		t.Fatalf("follow: %d %s", status, raw)
	}
	if status, _ := fra.call("PUT", doc+"/provisions/nokey/follow", nil, nil); status != 422 {
		t.Errorf("follow an unknown provision: %d", status)
	}
	kc := ken.comment(doc, map[string]any{"key": key, "body": "Kenya on OP1"})
	bra.comment(doc, map[string]any{"parent": kc, "body": "Brazil replies"})
	fra.comment(doc, map[string]any{"key": key, "body": "France's own comment"})
	e.comment(doc, map[string]any{"key": key, "body": "confidential note", "scope": "secretariat"})

	type notes struct {
		Notifications []struct {
			ID       int64
			Kind     string
			Link     string
			Subject  string
			Document string
		}
		Unread int
	}
	var kn, fn notes
	ken.call("GET", "/api/v1/notifications", nil, &kn)
	if kn.Unread != 1 || len(kn.Notifications) != 1 || kn.Notifications[0].Kind != "comment.reply" || kn.Notifications[0].Subject != "" {
		t.Errorf("Kenya's notifications: %+v", kn)
	}
	fra.call("GET", "/api/v1/notifications", nil, &fn)
	// Kenya's comment and Brazil's reply, both on the followed provision;
	// not France's own comment, not the confidential one.
	if fn.Unread != 2 || len(fn.Notifications) != 2 || fn.Notifications[0].Kind != "comment.provision" || fn.Notifications[0].Document != "A/COM/NOTE" {
		t.Errorf("France's notifications: %+v", fn)
	}
	if status, html := fra.get("/notifications"); status != 200 || !strings.Contains(html, `<span class="badge" title="unread notifications">2</span>`) ||
		!strings.Contains(html, "A new comment on a provision you follow in A/COM/NOTE") || strings.Contains(html, "d@bra.example") {
		t.Errorf("notifications page: %d\n%s", status, html)
	}
	if status, _ := ken.call("POST", "/api/v1/notifications/read", map[string]int64{"id": fn.Notifications[0].ID}, nil); status != 404 {
		t.Errorf("marking someone else's notification read: %d", status)
	}
	fra.call("POST", "/api/v1/notifications/read", map[string]int64{"id": fn.Notifications[0].ID}, &fn)
	if fn.Unread != 1 {
		t.Errorf("unread after reading one: %d", fn.Unread)
	}
	fra.call("DELETE", doc+"/provisions/"+key+"/follow", nil, nil)
	ken.comment(doc, map[string]any{"key": key, "body": "after unfollowing"})
	fra.call("GET", "/api/v1/notifications", nil, &fn)
	if fn.Unread != 1 {
		t.Errorf("notified after unfollowing: %d unread", fn.Unread)
	}

	// The Atom feed: same read check; bodies as text; no confidential comment.
	ken.comment(doc, map[string]any{"body": "<b>bold</b> & brave"})
	resp := ken.raw("GET", fmt.Sprintf("/documents/%d/comments.atom", c.ID))
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Content struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xmlUnmarshal(body, &feed); err != nil {
		t.Fatalf("feed is not XML: %v\n%s", err, body)
	}
	if len(feed.Entries) != 5 || feed.Entries[0].Content.Text != "<b>bold</b> & brave" || feed.Entries[0].Content.Type != "text" {
		t.Errorf("feed entries: %+v", feed.Entries)
	}
	if strings.Contains(string(body), "confidential note") {
		t.Error("the feed shows a confidential comment to a state")
	}
	// Anonymous: sent to sign in, no feed.
	if r := (&testEnv{t: t, url: e.url}).raw("GET", fmt.Sprintf("/documents/%d/comments.atom", c.ID)); strings.Contains(r.Header.Get("Content-Type"), "atom") {
		t.Errorf("anonymous feed: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	if r := ngo.raw("GET", fmt.Sprintf("/documents/%d/comments.atom", c.ID)); r.StatusCode != 404 {
		t.Errorf("an observer reads the feed of a document not open to consultation: %d", r.StatusCode)
	}
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }

// startJobs runs the job queue for the env's server, as serve does.
func (e *testEnv) startJobs() {
	e.t.Helper()
	ws := jobs.NewWorkers()
	e.store.RegisterWorkers(ws)
	jc, err := jobs.New(e.store.Pool(), ws, jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FetchPollInterval: 100 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	e.store.UseJobs(jc)
	if err := jc.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = jc.Stop(ctx)
	})
}

func TestCommentExportInTheBackground(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startJobs()
	c := e.createDoc("A/COM/EXP", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	ctx := store.AsSystem(context.Background())
	ken, err := e.store.PartyByCode(ctx, "SECRETARIAT")
	if err != nil {
		t.Fatal(err)
	}
	officer, err := e.store.UserByEmail(ctx, "officer@un.example")
	if err != nil {
		t.Fatal(err)
	}
	const n = 1203 // more than one batch of the export
	first := e.comment(doc, map[string]any{"body": "=HYPERLINK(\"http://x\") first"})
	reply := e.comment(doc, map[string]any{"parent": first, "body": "a reply, with \"quotes\",\nand a line break"})
	for i := range n - 2 {
		if _, err := e.store.CreateComment(ctx, negotiation.Actor{Name: "test"}, store.NewComment{DocumentID: c.ID,
			Body: fmt.Sprintf("bulk comment %d", i), UserID: officer.ID, PartyID: ken.ID, Secretariat: true, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	e.call("POST", fmt.Sprintf("/api/v1/comments/%d/hide", first), map[string]string{"reason": "spam"}, nil)

	kenEnv := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	if status, _ := kenEnv.call("POST", doc+"/comments/exports", map[string]string{"format": "csv"}, nil); status != 403 {
		t.Errorf("a state exports comments: %d", status)
	}
	if status, _ := e.call("POST", doc+"/comments/exports", map[string]string{"format": "xls"}, nil); status != 422 {
		t.Errorf("an unknown format: %d", status)
	}
	files := map[string][]byte{}
	for _, format := range []string{"csv", "json"} {
		var st struct {
			ID          int64
			Status      string
			Done, Total int
			StatusURL   string  `json:"status_url"`
			Download    *string `json:"download"`
		}
		if status, raw := e.call("POST", doc+"/comments/exports", map[string]string{"format": format}, &st); status != 202 {
			t.Fatalf("start %s export: %d %s", format, status, raw)
		}
		if status, _ := e.call("GET", st.StatusURL+"/file", nil, nil); st.Status == "queued" && status != 409 {
			t.Errorf("download of a queued export: %d", status)
		}
		deadline := time.Now().Add(20 * time.Second)
		for st.Status != "done" && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			e.call("GET", st.StatusURL, nil, &st)
			if st.Done > st.Total {
				t.Errorf("progress %d of %d", st.Done, st.Total)
			}
		}
		if st.Status != "done" || st.Done != n || st.Download == nil {
			t.Fatalf("%s export: %+v", format, st)
		}
		resp := e.raw("GET", *st.Download)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		files[format] = body
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files["csv"], []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != n+1 || records[0][0] != "id" {
		t.Fatalf("csv: %d rows, header %v", len(records), records[0])
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	if r := records[1]; r[col["id"]] != fmt.Sprint(first) || r[col["hidden"]] != "true" || r[col["status_reason"]] != "spam" ||
		!strings.HasPrefix(r[col["body"]], "'=HYPERLINK") {
		t.Errorf("first row: %v", r)
	}
	if r := records[2]; r[col["parent"]] != fmt.Sprint(first) || r[col["hidden"]] != "false" || r[col["body"]] != "a reply, with \"quotes\",\nand a line break" {
		t.Errorf("reply row: %v", r)
	}
	var js struct {
		Comments []struct {
			ID     int64
			Parent *int64
			Hidden bool
		}
	}
	if err := json.Unmarshal(files["json"], &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Comments) != n || !js.Comments[0].Hidden || js.Comments[1].ID != reply || *js.Comments[1].Parent != first {
		t.Errorf("json export: %d comments, first %+v", len(js.Comments), js.Comments[:2])
	}
	if status, html := e.get(fmt.Sprintf("/documents/%d/comments/export", c.ID)); status != 200 || strings.Count(html, `class="export-done"`) != 2 {
		t.Errorf("exports page: %d", status)
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// A comment refused on the page shows the form again with the message and
// everything typed; nothing is saved.
func TestCommentFormKeepsTextOnRefusal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/FORM", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")
	b := e.browserAs("d@ken.example")
	page := fmt.Sprintf("/documents/%d", c.ID)
	_, html := b.get(page)
	m := csrfField.FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no CSRF field on the document page")
	}
	csrf := htmlUnescape(m[1])
	long := strings.Repeat("é", 10001)
	resp, html := b.post(page+"/comments", url.Values{"_csrf": {csrf}, "body": {long}})
	if resp.StatusCode != 413 || !strings.Contains(html, "the limit is 10000") || !strings.Contains(html, long) {
		t.Errorf("over-long comment: %d, message or text missing", resp.StatusCode)
	}
	resp, html = b.post(page+"/comments", url.Values{"_csrf": {csrf}, "body": {"  "}})
	if resp.StatusCode != 422 || !strings.Contains(html, "the comment is empty") {
		t.Errorf("empty comment: %d", resp.StatusCode)
	}
	target := e.comment(doc, map[string]any{"body": "to be hidden"})
	e.call("POST", fmt.Sprintf("/api/v1/comments/%d/hide", target), map[string]string{"reason": "duplicate"}, nil)
	resp, html = b.post(page+"/comments", url.Values{"_csrf": {csrf}, "body": {"My careful reply"}, "parent": {fmt.Sprint(target)}})
	if resp.StatusCode != 422 || !strings.Contains(html, "is hidden by the secretariat and takes no replies") || !strings.Contains(html, "My careful reply") {
		t.Errorf("reply to a hidden comment: %d", resp.StatusCode)
	}
	if resp, _ := b.do("POST", page+"/comments", url.Values{"body": {"no token"}}, "cross-site"); resp.StatusCode != 403 {
		t.Errorf("a form from another site without CSRF token: %d", resp.StatusCode)
	}
	if l := e.comments(doc + "/comments"); l.Counts.Visible+l.Counts.Hidden != 1 {
		t.Errorf("refused forms saved comments: %+v", l.Counts)
	}
	resp, _ = b.post(page+"/comments", url.Values{"_csrf": {csrf}, "body": {"Accepted from the form"}})
	if resp.StatusCode != 200 || !strings.Contains(resp.Request.URL.Path, page+"/comments/") {
		t.Errorf("accepted comment: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}

// TestCommentExportFailureIsShown checks that an export that fails says so
// on its status: the database refuses the read the export needs, and the
// status shows the failed try and that it will be tried again (not the
// database's words, which go to the log).
func TestCommentExportFailureIsShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startJobs()
	c := e.createDoc("A/COM/EXPFAIL", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	e.comment(doc, map[string]any{"body": "a comment to export"})
	// This test's own database: the application may no longer read the
	// comments' attachments, which every export lists.
	if _, err := e.store.Pool().Exec(store.AsSystem(context.Background()), `RESET ROLE; REVOKE SELECT ON comment_attachments FROM `+store.AppRole+`; SET ROLE `+store.AppRole); err != nil {
		t.Fatal(err)
	}
	var st struct {
		Status    string
		Error     string
		StatusURL string `json:"status_url"`
	}
	if status, raw := e.call("POST", doc+"/comments/exports", map[string]string{"format": "csv"}, &st); status != 202 {
		t.Fatalf("start export: %d %s", status, raw)
	}
	deadline := time.Now().Add(20 * time.Second)
	for st.Error == "" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		e.call("GET", st.StatusURL, nil, &st)
	}
	if st.Status != "queued" || !strings.Contains(st.Error, "try 1 of 5 failed") || strings.Contains(st.Error, "permission") {
		t.Fatalf("status after a failed try: %+v", st)
	}
}
