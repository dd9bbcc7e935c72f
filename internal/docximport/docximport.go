// Package docximport reads a Word file (.docx) into the paragraphs of a
// negotiation text, for the plain-text import (internal/plaintext through
// internal/drafting) to number and classify: paragraphs in order (table
// cells included), headings by their paragraph style, and the labels Word
// draws from its numbering definitions (w:numPr: "1.", "(a)") put back in
// front of the text, as a person would have typed them. Labels typed
// literally stay in the text, where the plain-text import finds them.
//
// Tracked changes are never silently mixed into the text: the caller says
// whether to accept or reject them all, and the Report counts them, names
// their authors and says which was done.
//
// Untrusted input is expected: the file must be a ZIP package (an old .doc
// or an encrypted file is refused with a message that says so), every
// part is unpacked with a bound (a zip bomb is refused, however it
// declares its sizes), macros are ignored (never run nor kept), external
// references (linked templates, images, web addresses) are listed and
// never fetched, and the XML decoder expands no external entities.
package docximport

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Limits on what a Word file may be. They are documented in docs/api.md.
const (
	// MaxFileSize is the largest .docx accepted: 20 MB is far more than a
	// negotiation text needs (a 300-page treaty is under 2 MB) and leaves
	// room for embedded images, which are not imported.
	MaxFileSize = 20 << 20
	// MaxPartSize bounds one unpacked XML part (the document, its styles,
	// its numbering): 64 MB of WordprocessingML is about 10 MB of text.
	MaxPartSize = 64 << 20
)

// Mode says what to do with tracked changes.
type Mode string

// The modes.
const (
	Accept Mode = "accept" // keep insertions, drop deletions: the text as it would be after "Accept all"
	Reject Mode = "reject" // keep deletions, drop insertions: the text as it was before the changes
)

// ParseMode reads a mode; "" is Accept.
func ParseMode(s string) (Mode, error) {
	switch Mode(strings.TrimSpace(s)) {
	case "", Accept:
		return Accept, nil
	case Reject:
		return Reject, nil
	}
	return "", negotiation.Errorf(negotiation.EInvalid, "tracked_changes must be \"accept\" or \"reject\", not %q", s)
}

// Paragraph is one paragraph of the file.
type Paragraph struct {
	Label   string `json:"label,omitempty"` // from Word's automatic numbering, "" otherwise
	Text    string `json:"text"`
	Heading bool   `json:"heading,omitempty"` // a heading or title style
}

// Line gives the paragraph as it reads: label, then text.
func (p Paragraph) Line() string {
	if p.Label == "" {
		return p.Text
	}
	return p.Label + " " + p.Text
}

// Change is one tracked change found in the file.
type Change struct {
	Kind   string `json:"kind"` // "insertion" or "deletion"
	Author string `json:"author"`
	Date   string `json:"date,omitempty"`
	Text   string `json:"text"`
}

// Report says what the import found and did.
type Report struct {
	Paragraphs int `json:"paragraphs"`
	// Insertions and Deletions count the tracked changes; Handled says
	// what was done with them ("accepted" or "rejected"), "" when none.
	Insertions int      `json:"insertions"`
	Deletions  int      `json:"deletions"`
	Handled    string   `json:"handled,omitempty"`
	Authors    []string `json:"authors,omitempty"`
	// Changes lists the first MaxListed tracked changes.
	Changes []Change `json:"changes,omitempty"`
	// Ignored says, in sentences, what the file held that was not imported
	// (macros, external references, drawings, comments, footnotes).
	Ignored []string `json:"ignored,omitempty"`
}

// MaxListed is how many tracked changes a report lists one by one.
const MaxListed = 100

// Result is a read file.
type Result struct {
	Paragraphs []Paragraph
	Report     Report
}

// Text gives the paragraphs as plain text, one a line with a blank line
// between them, for plaintext.Parse.
func (r Result) Text() string {
	lines := make([]string, len(r.Paragraphs))
	for i, p := range r.Paragraphs {
		lines[i] = p.Line()
	}
	return strings.Join(lines, "\n\n")
}

// Read reads a .docx file held in memory.
func Read(data []byte, mode Mode) (Result, error) {
	if len(data) > MaxFileSize {
		return Result{}, negotiation.Errorf(negotiation.ETooLarge, "the Word file is %.1f MB; the limit is %d MB", float64(len(data))/(1<<20), MaxFileSize>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // odd names are harmless: nothing is written to disk
		return Result{}, notZip(data)
	}
	pkg := &pkg{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		pkg.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main, err := pkg.mainDocument()
	if err != nil {
		return Result{}, err
	}
	docXML, err := pkg.read(main)
	if err != nil {
		return Result{}, err
	}
	rels := pkg.relationships(main)
	styles, err := pkg.styles(rels)
	if err != nil {
		return Result{}, err
	}
	numbering, err := pkg.numbering(rels)
	if err != nil {
		return Result{}, err
	}
	p := newParser(mode, styles, numbering)
	if err := p.parse(docXML); err != nil {
		return Result{}, err
	}
	res := Result{Paragraphs: p.out, Report: p.report}
	res.Report.Paragraphs = len(p.out)
	res.Report.Ignored = append(res.Report.Ignored, pkg.ignored(p)...)
	if len(p.out) == 0 {
		return res, negotiation.Errorf(negotiation.EInvalid, "the Word file has no text to import")
	}
	return res, nil
}

// notZip explains why data is not a .docx.
func notZip(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return negotiation.Errorf(negotiation.EInvalid, "this is an old Word 97–2003 (.doc) file or a password-protected .docx; open it in Word and save it as an unprotected \"Word Document (.docx)\"")
	}
	return negotiation.Errorf(negotiation.EInvalid, "the file is not a Word document (.docx): it is not a ZIP package; save it from Word as \"Word Document (.docx)\"")
}

// pkg is the ZIP package of a .docx.
type pkg struct {
	files map[string]*zip.File
}

// read unpacks one part, refusing to unpack more than MaxPartSize
// whatever the part declares (a zip bomb declares small sizes).
func (p *pkg) read(name string) ([]byte, error) {
	f, ok := p.files[name]
	if !ok {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the Word file lacks its part %s", name)
	}
	if f.UncompressedSize64 > MaxPartSize {
		return nil, bomb(name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the Word file is damaged: %s cannot be unpacked (%v)", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxPartSize+1))
	if err != nil {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the Word file is damaged: %s cannot be unpacked (%v)", name, err)
	}
	if len(b) > MaxPartSize {
		return nil, bomb(name)
	}
	return b, nil
}

func bomb(name string) error {
	return negotiation.Errorf(negotiation.EInvalid, "the Word file's part %s unpacks to more than %d MB, far more than any negotiation text; it was refused as a possible zip bomb", name, MaxPartSize>>20)
}

// mainDocument finds the main document part through the package's
// relationships, as Word does.
func (p *pkg) mainDocument() (string, error) {
	for _, r := range p.rels("_rels/.rels", "") {
		if strings.HasSuffix(r.Type, "/officeDocument") && r.TargetMode != "External" {
			if _, ok := p.files[r.Target]; ok {
				return r.Target, nil
			}
		}
	}
	if _, ok := p.files["word/document.xml"]; ok {
		return "word/document.xml", nil
	}
	return "", negotiation.Errorf(negotiation.EInvalid, "the file is a ZIP package but not a Word document (it has no word/document.xml); is it an Excel or PowerPoint file?")
}

// rel is one package relationship.
type rel struct {
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr"`
}

// rels reads a relationships part; internal targets are resolved against
// dir. A missing or unreadable part has no relationships.
func (p *pkg) rels(name, dir string) []rel {
	if _, ok := p.files[name]; !ok {
		return nil
	}
	b, err := p.read(name)
	if err != nil {
		return nil
	}
	var doc struct {
		Rels []rel `xml:"Relationship"`
	}
	if decode(b, &doc) != nil {
		return nil
	}
	for i, r := range doc.Rels {
		if r.TargetMode != "External" {
			if strings.HasPrefix(r.Target, "/") {
				doc.Rels[i].Target = strings.TrimPrefix(r.Target, "/")
			} else {
				doc.Rels[i].Target = path.Join(dir, r.Target)
			}
		}
	}
	return doc.Rels
}

// relationships gives the relationships of a part ("word/document.xml" →
// "word/_rels/document.xml.rels").
func (p *pkg) relationships(part string) []rel {
	dir, file := path.Split(part)
	return p.rels(dir+"_rels/"+file+".rels", strings.TrimSuffix(dir, "/"))
}

// partOf finds the target of the relationship of a type ending in kind.
func partOf(rels []rel, kind string) string {
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/"+kind) && r.TargetMode != "External" {
			return r.Target
		}
	}
	return ""
}

// ignored lists, as sentences, what the file holds that is not imported.
func (p *pkg) ignored(ps *parser) []string {
	var out []string
	var macros []string
	for name := range p.files {
		base := strings.ToLower(path.Base(name))
		if base == "vbaproject.bin" || base == "vbadata.xml" {
			macros = append(macros, name)
		}
	}
	if len(macros) > 0 {
		slices.Sort(macros)
		out = append(out, fmt.Sprintf("The file contains macros (%s); they were ignored: never run, never kept.", strings.Join(macros, ", ")))
	}
	var external []string
	for name := range p.files {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		for _, r := range p.rels(name, "") {
			if r.TargetMode == "External" {
				external = append(external, r.Target)
			}
		}
	}
	if len(external) > 0 {
		slices.Sort(external)
		shown := external[:min(3, len(external))]
		out = append(out, fmt.Sprintf("The file refers to %d external resource(s) (linked templates, images or web addresses, such as %s); they were ignored and never fetched.", len(external), strings.Join(shown, ", ")))
	}
	if ps.drawings > 0 {
		out = append(out, fmt.Sprintf("%d drawing(s), picture(s) or text box(es) were not imported.", ps.drawings))
	}
	if _, ok := p.files["word/comments.xml"]; ok {
		out = append(out, "Comments in the file were not imported.")
	}
	if ps.notes > 0 {
		out = append(out, fmt.Sprintf("%d footnote or endnote reference(s) were not imported.", ps.notes))
	}
	return out
}
