package attachment

import (
	"archive/zip"
	"bytes"
	"testing"
)

func zipped(t *testing.T, names ...string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	z.Close()
	return buf.Bytes()
}

func TestDetectJudgesBytesNotNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a.pdf", []byte("%PDF-1.7\n"), PDF},
		{"a.txt", []byte("Dear Chair,\n\tthank you.\r\n"), Text},
		{"a.txt", []byte("中文提交"), Text},
		{"a.pdf", []byte("MZ\x90\x00"), ""},
		{"a.txt", []byte{0xff, 0xfe, 'a'}, ""},
		{"a.txt", []byte("null\x00byte"), ""},
		{"a.docx", zipped(t, "word/document.xml"), ""},
		{"a.xlsx", zipped(t, "[Content_Types].xml"), ""},
		{"a.docx", []byte("PK\x03\x04 truncated"), ""},
		{"a.txt", nil, ""},
	} {
		got, err := Detect(tc.name, tc.data)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%s %q: %q, %v; want %q", tc.name, tc.data[:min(len(tc.data), 12)], got, err, tc.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":      "passwd",
		`C:\Users\x\brief.docx`: "brief.docx",
		"a\x00b\nc.pdf":         "abc.pdf",
		"":                      "attachment",
		"<b>x</b>.pdf":          "b>.pdf", // a slash makes it a path: only the last element is kept
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
