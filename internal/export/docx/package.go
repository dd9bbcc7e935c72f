// Package docx writes WordprocessingML (.docx) files: a clean version
// (Clean), a redline between two versions with real tracked changes
// (Redline: w:ins and w:del that Word and LibreOffice offer to accept or
// reject), and a compilation text with its brackets and attributions
// (Compilation). The XML is written by hand: it is a small, fixed subset
// of the format, and tracked changes are not offered by any maintained Go
// library. Output is deterministic (the same input gives the same bytes),
// so golden files can pin it.
package docx

import (
	"archive/zip"
	"bytes"
	"time"

	"github.com/zerodraft/zerodraft/internal/export"
)

// files of a minimal package besides word/document.xml, in the order they
// are written.
const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>`

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// styles gives the default fonts and language, and the heading style that
// Word, LibreOffice and pandoc recognise.
func styles(m export.Meta) string {
	lang := xmlAttr(m.Language)
	langAttrs := `w:val="` + lang + `" w:eastAsia="` + lang + `"`
	if m.RTL() {
		langAttrs = `w:val="en" w:bidi="` + lang + `"`
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + wNS + `><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Noto Serif" w:hAnsi="Noto Serif" w:eastAsia="Noto Serif CJK SC" w:cs="Noto Naskh Arabic"/><w:sz w:val="24"/><w:lang ` + langAttrs + `/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="DocumentSymbol"><w:name w:val="Document Symbol"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="right"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="DocumentTitle"><w:name w:val="Document Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>` +
		`</w:styles>`
}

// settings turns change tracking on in a redline, so that edits a reader
// makes on top of it are tracked too.
func settings(track bool) string {
	t := ""
	if track {
		t = `<w:trackRevisions/>`
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings ` + wNS + `>` + t + `</w:settings>`
}

func coreProps(m export.Meta) string {
	date := m.Date.UTC().Format(time.RFC3339)
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(m.Symbol+" — "+m.Title) + `</dc:title><dc:identifier>` + xmlText(m.Symbol) + `</dc:identifier><dc:language>` + xmlText(m.Language) + `</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + date + `</dcterms:created></cp:coreProperties>`
}

// pack zips the parts of a package around body, the content of w:body.
func pack(m export.Meta, body string, track bool) ([]byte, error) {
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + wNS + `><w:body>` + body + sectPr(m) + `</w:body></w:document>`
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"docProps/core.xml", coreProps(m)},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", doc},
		{"word/styles.xml", styles(m)},
		{"word/settings.xml", settings(track)},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// A fixed time keeps the bytes stable; the version date is in core.xml.
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sectPr sets an A4 page, right to left for a right-to-left language.
func sectPr(m export.Meta) string {
	bidi := ""
	if m.RTL() {
		bidi = `<w:bidi/>`
	}
	return `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>` + bidi + `</w:sectPr>`
}

// xmlText escapes s as XML character data.
func xmlText(s string) string { return export.XMLText(s) }

// xmlAttr escapes s for an attribute value in double quotes.
func xmlAttr(s string) string { return xmlText(s) }
