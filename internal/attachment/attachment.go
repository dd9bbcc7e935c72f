// Package attachment checks files attached to observers' comments: which
// kinds are accepted, detected from the bytes (never from the name), and
// the documented limits.
package attachment

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Limits, documented in docs/api.md. Three files of 3 MB and the comment
// fit within the server's 10 MB request limit.
const (
	MaxFiles    = 3
	MaxFileSize = 3 << 20 // bytes per file
	MaxNameLen  = 200     // characters of a file name, longer ones are cut
)

// Accepted content types.
const (
	PDF  = "application/pdf"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ODT  = "application/vnd.oasis.opendocument.text"
	Text = "text/plain; charset=utf-8"
)

// Extensions gives the usual extension of each accepted type, used to
// name downloads whose given name lacks one.
var Extensions = map[string]string{PDF: ".pdf", DOCX: ".docx", ODT: ".odt", Text: ".txt"}

// Detect tells what data is from its bytes: a PDF, a DOCX or ODT document
// (zip files whose manifest says so) or UTF-8 plain text. Anything else,
// whatever its name, is refused with a message naming the file.
func Detect(name string, data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", negotiation.Errorf(negotiation.EInvalid, "attachment %q is empty", name)
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return detectZip(name, data)
	case isText(data):
		return Text, nil
	}
	return "", refused(name)
}

func refused(name string) error {
	return negotiation.Errorf(negotiation.EInvalid,
		"attachment %q is not a PDF, DOCX, ODT or plain-text file (judged from its content, not its name)", name)
}

// detectZip accepts an ODT (first entry "mimetype", stored, naming the ODF
// text type) or a DOCX ([Content_Types].xml naming the main WordprocessingML
// part); other zip files (spreadsheets, archives, executables) are refused.
func detectZip(name string, data []byte) (string, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(z.File) == 0 {
		return "", refused(name)
	}
	if f := z.File[0]; f.Name == "mimetype" && f.Method == zip.Store {
		if b, err := readEntry(f, 100); err == nil && string(b) == ODT {
			return ODT, nil
		}
		return "", refused(name)
	}
	for _, f := range z.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		b, err := readEntry(f, 1<<20)
		if err != nil {
			return "", refused(name)
		}
		var types struct {
			Overrides []struct {
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if xml.Unmarshal(b, &types) != nil {
			return "", refused(name)
		}
		for _, o := range types.Overrides {
			if o.ContentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" {
				return DOCX, nil
			}
		}
	}
	return "", refused(name)
}

// readEntry reads at most limit bytes of a zip entry (a zip bomb stops there).
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}

// isText accepts valid UTF-8 without NUL or other control characters
// besides tab, line and page breaks.
func isText(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return false
		}
	}
	return true
}

// CleanName keeps the last element of a file name as plain text: no
// directories, no control characters, at most MaxNameLen characters. It is
// only ever shown escaped and sent in Content-Disposition.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "attachment"
	}
	if r := []rune(name); len(r) > MaxNameLen {
		name = string(r[:MaxNameLen])
	}
	return name
}
