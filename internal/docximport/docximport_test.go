package docximport_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zerodraft/zerodraft/internal/docximport"
	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// pack zips parts into a package with the relationships a .docx has.
func pack(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	base := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`,
	}
	for k, v := range parts {
		base[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range base {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func document(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document ` + w + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`
}

func para(style, numID, ilvl, text string) string {
	ppr := ""
	if style != "" {
		ppr += `<w:pStyle w:val="` + style + `"/>`
	}
	if numID != "" {
		ppr += `<w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + numID + `"/></w:numPr>`
	}
	return `<w:p><w:pPr>` + ppr + `</w:pPr><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

const styles = `<?xml version="1.0"?><w:styles ` + w + `>
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="OP"><w:name w:val="Operative"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>`

const numbering = `<?xml version="1.0"?><w:numbering ` + w + `>
<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%3)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>`

func lines(r docximport.Result) []string {
	var out []string
	for _, p := range r.Paragraphs {
		out = append(out, p.Line())
	}
	return out
}

func TestNumberingAndHeadings(t *testing.T) {
	body := para("berschrift1", "", "", "The General Assembly,") +
		para("", "", "", "Recalling   its resolution 70/1,") +
		`<w:p/>` + // empty paragraphs space a document out
		para("", "1", "0", "Decides to establish a working group;") +
		para("", "1", "1", "by convening meetings;") +
		para("", "1", "2", "in Geneva;") +
		para("", "1", "1", "by preparing documents;") +
		para("OP", "", "", "Requests a report;") + // numbered through its style
		para("", "2", "0", "a bullet has no label") +
		para("", "", "", "4. Decides to remain seized of the matter.") + // a literal label stays in the text
		`<w:tbl><w:tr><w:tc>` + para("", "", "", "in a table cell") + `</w:tc></w:tr></w:tbl>`
	res, err := docximport.Read(pack(t, map[string]string{"word/document.xml": document(body), "word/styles.xml": styles, "word/numbering.xml": numbering}), docximport.Accept)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"The General Assembly,", "Recalling its resolution 70/1,", "1. Decides to establish a working group;",
		"(a) by convening meetings;", "(i) in Geneva;", "(b) by preparing documents;", "2. Requests a report;",
		"a bullet has no label", "4. Decides to remain seized of the matter.", "in a table cell"}
	if got := lines(res); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !res.Paragraphs[0].Heading || res.Paragraphs[1].Heading {
		t.Errorf("headings: %+v", res.Paragraphs[:2])
	}
	if res.Report.Paragraphs != len(want) || res.Report.Handled != "" {
		t.Errorf("report: %+v", res.Report)
	}
}

// A list made by another program (pandoc) comes back with its numbers.
func TestPandocNumberedList(t *testing.T) {
	pandoc := exporttest.Need(t, "pandoc", "pandoc")
	md := "Preamble text.\n\n1. Decides to act;\n2. Requests a report;\n\n    a. annually;\n    b. in writing;\n\n3. Decides to remain seized.\n"
	file := exporttest.Run(t, []byte(md), pandoc, "-f", "markdown", "-t", "docx")
	res, err := docximport.Read(file, docximport.Accept)
	if err != nil {
		t.Fatal(err)
	}
	want := "Preamble text.\n1. Decides to act;\n2. Requests a report;\na. annually;\nb. in writing;\n3. Decides to remain seized."
	if got := strings.Join(lines(res), "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// What zerodraft exports, it imports back unchanged.
func TestRoundTrip(t *testing.T) {
	file, err := docx.Clean(exporttest.Meta(), exporttest.To())
	if err != nil {
		t.Fatal(err)
	}
	res, err := docximport.Read(file, docximport.Accept)
	if err != nil {
		t.Fatal(err)
	}
	got := lines(res)[2:] // after the symbol and the title
	if strings.Join(got, "\n") != strings.Join(fullTexts(exporttest.To()), "\n") {
		t.Errorf("got\n%s", strings.Join(got, "\n"))
	}
	if !res.Paragraphs[2].Heading {
		t.Errorf("the heading style is lost: %+v", res.Paragraphs[2])
	}
}

// Tracked changes are accepted or rejected as asked, never mixed, and
// reported with their authors.
func TestTrackedChanges(t *testing.T) {
	file, err := docx.Redline(exporttest.Meta(), exporttest.From(), exporttest.To(), docx.Changes{Authors: exporttest.Authors(), Fallback: "Secretariat"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode    docximport.Mode
		want    []negotiation.Provision
		handled string
	}{{docximport.Accept, exporttest.To(), "accepted"}, {docximport.Reject, exporttest.From(), "rejected"}} {
		res, err := docximport.Read(file, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		if got := lines(res)[2:]; strings.Join(got, "\n") != strings.Join(fullTexts(c.want), "\n") {
			t.Errorf("%s:\n%s", c.mode, strings.Join(got, "\n"))
		}
		r := res.Report
		if r.Handled != c.handled || r.Insertions < 4 || r.Deletions < 4 || strings.Join(r.Authors, "|") != "Secretariat|EU|G77, BRA" {
			t.Errorf("%s report: %+v", c.mode, r)
		}
		if len(r.Changes) == 0 || r.Changes[0].Kind != "insertion" || !strings.Contains(r.Changes[0].Text, "Noting with concern") {
			t.Errorf("%s changes: %+v", c.mode, r.Changes)
		}
	}
}

func fullTexts(ps []negotiation.Provision) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.FullText())
	}
	return out
}

// Bad input: each is refused with a message that says what is wrong, or
// imported with what was ignored said plainly.
func TestBadInput(t *testing.T) {
	ok := document(para("", "", "", "Decides to act."))
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	f, _ := zw.Create("word/document.xml")
	f.Write([]byte(document("")))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range docximport.MaxPartSize>>20 + 2 {
		f.Write(chunk)
	}
	zw.Close()
	for _, c := range []struct {
		name string
		file []byte
		code string
		msg  string
	}{
		{"plain text", []byte("1. Decides to act."), negotiation.EInvalid, "not a ZIP package"},
		{"old .doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), negotiation.EInvalid, "Word 97–2003"},
		{"not Word", pack(t, map[string]string{"xl/workbook.xml": "<x/>", "_rels/.rels": `<Relationships/>`}), negotiation.EInvalid, "Excel or PowerPoint"},
		{"zip bomb", bomb.Bytes(), negotiation.EInvalid, "zip bomb"},
		{"broken XML", pack(t, map[string]string{"word/document.xml": "<w:document " + w + "><w:body><w:p>"}), negotiation.EInvalid, "not well-formed"},
		{"no text", pack(t, map[string]string{"word/document.xml": document("<w:p/>")}), negotiation.EInvalid, "no text"},
		{"too large", append(pack(t, map[string]string{"word/document.xml": ok}), make([]byte, docximport.MaxFileSize)...), negotiation.ETooLarge, "the limit is 20 MB"},
	} {
		_, err := docximport.Read(c.file, docximport.Accept)
		if negotiation.ErrorCode(err) != c.code || !strings.Contains(negotiation.ErrorMessage(err), c.msg) {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}
	if len(bomb.Bytes()) > 1<<20 {
		t.Errorf("the bomb is %d bytes; it should be small", len(bomb.Bytes()))
	}
}

func TestMacrosAndExternalReferences(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	rels := `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="` + srv.URL + `/image.png" TargetMode="External"/>` +
		`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="` + srv.URL + `/page" TargetMode="External"/></Relationships>`
	settingsRels := `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="` + srv.URL + `/template.dotm" TargetMode="External"/></Relationships>`
	body := `<w:p><w:hyperlink r:id="rId8" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>Decides to act.</w:t></w:r></w:hyperlink>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDEPICTURE "` + srv.URL + `/x.png"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`
	file := pack(t, map[string]string{
		"word/document.xml":            document(body),
		"word/_rels/document.xml.rels": rels,
		"word/_rels/settings.xml.rels": settingsRels,
		"word/vbaProject.bin":          "\xd0\xcf\x11\xe0 macro code",
	})
	res, err := docximport.Read(file, docximport.Accept)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(res); len(got) != 1 || got[0] != "Decides to act." {
		t.Errorf("text: %q", got)
	}
	ignored := strings.Join(res.Report.Ignored, "\n")
	for _, want := range []string{"macros (word/vbaProject.bin); they were ignored", "3 external resource(s)", "never fetched"} {
		if !strings.Contains(ignored, want) {
			t.Errorf("the report lacks %q:\n%s", want, ignored)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the import fetched an external reference %d time(s)", n)
	}
}
