package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// word is a Word file as the one file of an upload (none for nil).
func word(file []byte) []fileArg {
	if file == nil {
		return nil
	}
	return []fileArg{{"draft.docx", file}}
}

type importBody struct {
	ID       int64 `json:"id"`
	Number   int   `json:"number"`
	Warnings []negotiation.Warning
	Import   struct {
		Paragraphs, Insertions, Deletions int
		Handled                           string
		Authors                           []string
		Ignored                           []string
	} `json:"import"`
}

func TestImportWord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	from, err := docx.Clean(exporttest.Meta(), exporttest.From())
	if err != nil {
		t.Fatal(err)
	}
	status, raw := e.upload("/api/v1/documents", map[string]string{"symbol": "A/C.2/80/L.5", "title": "Oceans", "language": "en"}, word(from)...)
	var doc importBody
	if status != 201 || json.Unmarshal(raw, &doc) != nil {
		t.Fatalf("import a document: %d %s", status, raw)
	}
	v1 := e.version(doc.ID, 1)
	if got := v1.Provisions[0]; got.Kind != "heading" || got.Text != "The General Assembly," {
		t.Errorf("the Word heading: %+v", got)
	}
	if got := v1.Provisions[2]; got.Number != "OP1" || got.Text != "Decides to establish a working group;" {
		t.Errorf("the first operative paragraph: %+v", got)
	}

	// A redline with tracked changes becomes version 2, the changes
	// accepted and said so; the keys follow their paragraphs.
	red, err := docx.Redline(exporttest.Meta(), exporttest.From(), exporttest.To(), docx.Changes{Authors: exporttest.Authors(), Fallback: "Secretariat"})
	if err != nil {
		t.Fatal(err)
	}
	var v importBody
	status, raw = e.upload(fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]string{"label": "Rev.1"}, word(red)...)
	if status != 201 || json.Unmarshal(raw, &v) != nil || v.Number != 2 {
		t.Fatalf("import a version: %d %s", status, raw)
	}
	if v.Import.Handled != "accepted" || v.Import.Insertions == 0 || v.Import.Deletions == 0 || !strings.Contains(strings.Join(v.Import.Authors, ","), "EU") {
		t.Errorf("the import report: %s", raw)
	}
	v2 := e.version(doc.ID, 2)
	var texts []string
	for _, p := range v2.Provisions {
		texts = append(texts, p.Text)
	}
	if got := strings.Join(texts, "\n"); !strings.Contains(got, "Decides to establish an open-ended working group;") || strings.Contains(got, "remain seized") {
		t.Errorf("version 2 is not the accepted text:\n%s", got)
	}
	if v1.Provisions[2].Key != v2.Provisions[3].Key {
		t.Errorf("the key did not follow its paragraph: %s, %s", v1.Provisions[2].Key, v2.Provisions[3].Key)
	}
	// Rejecting gives back the text as it was.
	status, raw = e.upload(fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]string{"tracked_changes": "reject"}, word(red)...)
	if status != 201 || !strings.Contains(string(raw), `"handled":"rejected"`) {
		t.Errorf("reject: %d %s", status, raw)
	}
	if v3 := e.version(doc.ID, 3); !strings.Contains(v3.Provisions[len(v3.Provisions)-1].Text, "remain seized") {
		t.Errorf("version 3 is not the rejected text: %+v", v3.Provisions)
	}
}

func TestImportWordBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/IMP/1", zeroDraft)
	versions := fmt.Sprintf("/api/v1/documents/%d/versions", c.ID)
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	f, _ := zw.Create("word/document.xml")
	f.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`))
	chunk := bytes.Repeat([]byte("        "), 1<<17)
	for range 80 {
		f.Write(chunk)
	}
	zw.Close()
	big := make([]byte, 50<<20) // a 50 MB "Word file"
	copy(big, "PK\x03\x04")
	for _, tc := range []struct {
		name   string
		fields map[string]string
		file   []byte
		status int
		msg    string
	}{
		{"not a zip", nil, []byte("1. Decides to act."), 422, "not a ZIP package"},
		{"zip bomb", nil, bomb.Bytes(), 422, "zip bomb"},
		{"50 MB", nil, big, 413, "larger than the limit of 20 MB"},
		{"no file", nil, nil, 422, `form field "file"`},
		{"bad mode", map[string]string{"tracked_changes": "mix"}, []byte("x"), 422, `"accept" or "reject"`},
	} {
		status, raw := e.upload(versions, tc.fields, word(tc.file)...)
		if _, msg := apiErr(t, raw); status != tc.status || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %d %s, want %d %q", tc.name, status, raw, tc.status, tc.msg)
		}
	}
	// Other routes keep the 10 MB limit for multipart bodies too.
	if status, raw := e.upload(fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID), nil, word(make([]byte, 15<<20))...); status != 413 {
		t.Errorf("a 15 MB form elsewhere: %d %s", status, raw)
	}
	// Only the secretariat imports; the file is not even read for others.
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	if status, raw := fra.upload(versions, nil, word([]byte("not read"))...); status != 403 {
		t.Errorf("a delegation imports: %d %s", status, raw)
	}

	// Macros and external references: imported without them, never
	// fetched, and the answer says so.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	file, err := docx.Clean(exporttest.Meta(), exporttest.To())
	if err != nil {
		t.Fatal(err)
	}
	file = withParts(t, file, map[string]string{
		"word/vbaProject.bin": "macro",
		"word/_rels/settings.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="` + srv.URL + `/t.dotm" TargetMode="External"/></Relationships>`,
	})
	status, raw := e.upload(versions, nil, word(file)...)
	if status != 201 || !strings.Contains(string(raw), "macros (word/vbaProject.bin)") || !strings.Contains(string(raw), "never fetched") {
		t.Errorf("macros and external references: %d %s", status, raw)
	}
	if hits.Load() != 0 {
		t.Error("an external reference was fetched")
	}
}

// withParts adds parts to a DOCX package.
func withParts(t *testing.T, file []byte, parts map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(data))
	}
	zw.Close()
	return buf.Bytes()
}
