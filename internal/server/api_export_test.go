package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// download GETs path with the env's token and returns the response (body
// read) and the body.
func (e *testEnv) download(path string) (*http.Response, []byte) {
	e.t.Helper()
	resp := e.raw("GET", path)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, b
}

// exportDoc makes a document with a second version issued by a revision
// that incorporates an EU proposal, so that provenance credits EU.
func exportDoc(t *testing.T, e *testEnv) int64 {
	t.Helper()
	c := e.createDoc("A/C.2/80/L.5", zeroDraft)
	eu := &testEnv{t: t, url: e.url, token: e.tokenFor("EU", negotiation.PartyGroup, "d@eu.example")}
	key, text := e.keyOf(c.ID, 1, "Requests")
	s, en := span(text, "[provide/ensure]")
	var p struct{ ID int64 }
	if status, raw := eu.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), map[string]any{
		"base_version": 1, "kind": "replace", "key": key, "start": s, "end": en, "quote": "[provide/ensure]", "text": "ensure"}, &p); status != 201 {
		t.Fatalf("propose: %d %s", status, raw)
	}
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", c.ID), map[string]any{"label": "Rev.1", "incorporate": []int64{p.ID}}, nil); status != 201 {
		t.Fatalf("revision: %d %s", status, raw)
	}
	return c.ID
}

func TestExportVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := exportDoc(t, e)
	base := fmt.Sprintf("/api/v1/documents/%d/versions/2/export", id)
	for _, c := range []struct{ query, ctype, file, want string }{
		{"?format=docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "A-C.2-80-L.5_v2.docx", ""},
		{"?format=docx&against=1", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "A-C.2-80-L.5_v2_redline-v1.docx", ""},
		{"?format=txt", "text/plain; charset=utf-8", "A-C.2-80-L.5_v2.txt", "2. Requests the Secretary-General to ensure support;"},
		{"?format=akn", "application/akn+xml", "A-C.2-80-L.5_v2.akn.xml", `<subparagraph eId="subpara_p6">`},
		{"?format=json", "application/json; charset=utf-8", "A-C.2-80-L.5_v2.json", `"symbol": "A/C.2/80/L.5"`},
	} {
		resp, body := e.download(base + c.query)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", c.query, resp.StatusCode, body)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.query, got, c.ctype)
		}
		if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename=`+c.file {
			t.Errorf("%s: Content-Disposition %q, want the file %s", c.query, got, c.file)
		}
		if !strings.Contains(string(body), c.want) {
			t.Errorf("%s lacks %q:\n%s", c.query, c.want, body)
		}
	}

	// The Akoma Ntoso files are valid, sub-paragraphs included.
	xmllint := exporttest.Need(t, "xmllint", "libxml2-utils")
	for _, path := range []string{base + "?format=akn", fmt.Sprintf("/api/v1/documents/%d/compilation/export?format=akn", id)} {
		_, doc := e.download(path)
		exporttest.Run(t, doc, xmllint, "--noout", "--nonet", "--schema", "../export/akn/testdata/schema/akomantoso30.xsd", "-")
		if !strings.Contains(string(doc), "<subparagraph") {
			t.Errorf("%s has no sub-paragraphs:\n%s", path, doc)
		}
	}

	// The PDF is printed by Chromium and read back by pdftotext.
	resp, pdfFile := e.download(base + "?format=pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF export: %d %s", resp.StatusCode, pdfFile)
	}
	pdftotext := exporttest.Need(t, "pdftotext", "poppler-utils")
	if text := strings.Join(strings.Fields(string(exporttest.Run(t, pdfFile, pdftotext, "-enc", "UTF-8", "-", "-"))), " "); !strings.Contains(text, "Requests the Secretary-General to ensure support;") {
		t.Errorf("pdftotext reads:\n%s", text)
	}

	// The version, diff and compilation pages link to the exports.
	for page, want := range map[string]string{
		fmt.Sprintf("/documents/%d/versions/2", id):                         `href="/api/v1/documents/` + fmt.Sprint(id) + `/versions/2/export?format=docx&amp;against=1"`,
		fmt.Sprintf("/documents/%d/diff?from=1&to=2", id):                   `href="/api/v1/documents/` + fmt.Sprint(id) + `/versions/2/export?format=docx&amp;against=1"`,
		fmt.Sprintf("/documents/%d/compilation?party=EU&status=tabled", id): `href="/api/v1/documents/` + fmt.Sprint(id) + `/compilation/export?format=akn&amp;party=EU&amp;status=tabled"`,
	} {
		status, body := e.get(page)
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, lacks the link %s", page, status, want)
		}
	}

	// The redline credits the EU, whose proposal made the change, and is
	// read by pandoc with its tracked changes.
	_, red := e.download(base + "?format=docx&against=1")
	pandoc := exporttest.Need(t, "pandoc", "pandoc")
	md := string(exporttest.Run(t, red, pandoc, "--track-changes=all", "-f", "docx", "-t", "markdown", "--wrap=none"))
	if !strings.Contains(md, `[\[provide/]{.deletion author="EU"`) {
		t.Errorf("the redline lacks the EU's deletion:\n%s", md)
	}
	rejected := string(exporttest.Run(t, red, pandoc, "--track-changes=reject", "-f", "docx", "-t", "plain", "--wrap=none"))
	if !strings.Contains(rejected, "to [provide/ensure] support") {
		t.Errorf("rejecting the changes does not give version 1:\n%s", rejected)
	}

	// Bad requests, and a version the viewer may not see.
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	for _, c := range []struct {
		who    *testEnv
		path   string
		status int
		msg    string
	}{
		{e, base + "?format=odt", 422, `format "odt" is not offered`},
		{e, base, 422, "say which format"},
		{e, base + "?format=txt&against=1", 422, "format=docx"},
		{e, base + "?format=docx&against=2", 422, "the version itself"},
		{e, base + "?format=docx&against=9", 404, ""},
		{e, fmt.Sprintf("/api/v1/documents/%d/versions/7/export?format=docx", id), 404, ""},
		{ngo, base + "?format=docx", 404, ""},
		{ngo, fmt.Sprintf("/api/v1/documents/%d/compilation/export?format=docx", id), 404, ""},
	} {
		status, raw := c.who.call("GET", c.path, nil, nil)
		if _, msg := apiErr(t, raw); status != c.status || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %s, want %d %q", c.path, status, raw, c.status, c.msg)
		}
	}
}

func TestExportCompilation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/RES/80/9", zeroDraft)
	g77 := &testEnv{t: t, url: e.url, token: e.tokenFor("G77", negotiation.PartyGroup, "d@g77.example")}
	us := &testEnv{t: t, url: e.url, token: e.tokenFor("USA", negotiation.PartyState, "d@us.example")}
	key, text := e.keyOf(c.ID, 1, "Invites")
	s, en := span(text, "Member States")
	for _, p := range []struct {
		who  *testEnv
		text string
	}{{g77, "all States"}, {us, "Governments"}} {
		if status, raw := p.who.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), map[string]any{
			"base_version": 1, "kind": "replace", "key": key, "start": s, "end": en, "quote": "Member States", "text": p.text}, nil); status != 201 {
			t.Fatalf("propose: %d %s", status, raw)
		}
	}
	pandoc := exporttest.Need(t, "pandoc", "pandoc")
	read := func(query string) string {
		resp, body := e.download(fmt.Sprintf("/api/v1/documents/%d/compilation/export?format=docx%s", c.ID, query))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != "attachment; filename=A-RES-80-9_v1_compilation.docx" {
			t.Fatalf("compilation export: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		return string(exporttest.Run(t, body, pandoc, "-f", "docx", "-t", "plain", "--wrap=none"))
	}
	all := read("")
	if !strings.Contains(all, "[Member States] [all States]{#") || !strings.Contains(all, "G77}") || !strings.Contains(all, "[Governments]{#") {
		t.Errorf("the compilation DOCX lacks the bracketed, attributed proposals:\n%s", all)
	}
	// The page's filters apply: only the USA's proposal.
	if only := read("&party=USA"); strings.Contains(only, "all States") || !strings.Contains(only, "Governments") {
		t.Errorf("the filtered compilation DOCX:\n%s", only)
	}
}
