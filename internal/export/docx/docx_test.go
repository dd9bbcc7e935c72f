package docx_test

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// part reads one part of a DOCX package.
func part(t *testing.T, file []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s in the package", name)
	return nil
}

// pandoc reads a DOCX back with every tracked change kept, as markdown.
func pandoc(t *testing.T, file []byte) string {
	t.Helper()
	p := exporttest.Need(t, "pandoc", "pandoc")
	return string(exporttest.Run(t, file, p, "--track-changes=all", "-f", "docx", "-t", "markdown", "--wrap=none"))
}

// plain reads a DOCX back as plain text, with its tracked changes accepted
// or rejected.
func plain(t *testing.T, file []byte, changes string) string {
	t.Helper()
	p := exporttest.Need(t, "pandoc", "pandoc")
	return string(exporttest.Run(t, file, p, "--track-changes="+changes, "-f", "docx", "-t", "plain", "--wrap=none"))
}

func TestClean(t *testing.T) {
	out, err := docx.Clean(exporttest.Meta(), exporttest.To())
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Golden(t, "clean.document.xml", part(t, out, "word/document.xml"))
	again, _ := docx.Clean(exporttest.Meta(), exporttest.To())
	if !bytes.Equal(out, again) {
		t.Error("two exports of the same version differ")
	}
	text := plain(t, out, "accept")
	for _, p := range exporttest.To() {
		if !strings.Contains(text, p.FullText()) {
			t.Errorf("pandoc does not read back %q:\n%s", p.FullText(), text)
		}
	}
	for _, want := range []string{"A/C.2/80/L.5 (Rev.1)", "Sustainable oceans & <coasts>"} {
		if !strings.Contains(text, want) {
			t.Errorf("pandoc does not read back %q:\n%s", want, text)
		}
	}
	if md := pandoc(t, out); !strings.Contains(md, "# The General Assembly,") {
		t.Errorf("the heading is not a heading:\n%s", md)
	}
}

func TestRedline(t *testing.T) {
	m := exporttest.Meta()
	m.Label = "Rev.1 compared with version 1"
	out, err := docx.Redline(m, exporttest.From(), exporttest.To(), docx.Changes{Authors: exporttest.Authors(), Fallback: "Secretariat"})
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Golden(t, "redline.document.xml", part(t, out, "word/document.xml"))

	// Accepting every change gives the newer version, rejecting every
	// change the older one, paragraph for paragraph.
	accepted, rejected := paragraphs(plain(t, out, "accept")), paragraphs(plain(t, out, "reject"))
	for name, c := range map[string]struct {
		got  []string
		want []string
	}{"accepted": {accepted, texts(exporttest.To())}, "rejected": {rejected, texts(exporttest.From())}} {
		if strings.Join(c.got[2:], "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s changes:\n%s\nwant\n%s", name, strings.Join(c.got[2:], "\n"), strings.Join(c.want, "\n"))
		}
	}

	// The changes are real tracked changes with their authors and date.
	md := pandoc(t, out)
	for _, want := range []string{
		`[an open-ended]{.insertion author="EU" date="2026-03-02T09:30:00Z"}`,
		`[a]{.deletion author="EU" date="2026-03-02T09:30:00Z"}`,
		`{.insertion author="G77, BRA"`,
		`[4. Decides to remain seized of the matter.]{.deletion author="Secretariat"`,
		`[Noting with concern 海洋污染 and التلوث البحري,]{.insertion author="Secretariat"`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("pandoc does not see %s in:\n%s", want, md)
		}
	}
	ins := regexp.MustCompile(`\{\.insertion`).FindAllString(md, -1)
	del := regexp.MustCompile(`\{\.deletion`).FindAllString(md, -1)
	if len(ins) < 4 || len(del) < 4 {
		t.Errorf("%d insertions and %d deletions seen; want at least 4 of each:\n%s", len(ins), len(del), md)
	}
}

func TestCompilation(t *testing.T) {
	c := exporttest.Compilation()
	out, err := docx.Compilation(exporttest.Meta(), c)
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Golden(t, "compilation.document.xml", part(t, out, "word/document.xml"))
	// The document reads as the compilation's plain text, line for line.
	got := paragraphs(plain(t, out, "accept"))[2:]
	want := paragraphs(compilation.Text(c))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pandoc reads:\n%s\nwant the compilation text:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(strings.Join(want, "\n"), "{#4 CHN, EGY}") {
		t.Errorf("the fixture lacks its attributed insertion:\n%s", strings.Join(want, "\n"))
	}
}

// paragraphs gives the non-blank lines of a text, trimmed.
func paragraphs(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// texts gives the provisions as typed.
func texts(ps []negotiation.Provision) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.FullText())
	}
	return out
}
