package negotiation

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limits on what one request may bring. They are documented in docs/api.md.
const (
	MaxSymbolLen     = 120
	MaxTitleLen      = 500
	MaxLabelLen      = 100
	MaxProvisions    = 20000
	MaxProvisionText = 100000 // bytes in one provision
)

// Process is a negotiating mandate or session that holds documents.
type Process struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Document is a text under negotiation. Its versions are immutable.
type Document struct {
	ID        int64     `json:"id"`
	Symbol    string    `json:"symbol"`
	Title     string    `json:"title"`
	Language  string    `json:"language"`
	Process   string    `json:"process,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Versions  []Version `json:"versions"`
	// TablingDeadline, when set, ends the tabling of new proposals.
	TablingDeadline *time.Time `json:"tabling_deadline,omitempty"`
	// ObserversConsulted opens the text to accredited observers' suggestions.
	ObserversConsulted bool `json:"observers_consulted"`
	// Disclosure is the document's disclosure policy and adoption state;
	// it has its own endpoint.
	Disclosure Disclosure `json:"-"`
}

// Access is what the authorisation check needs to know of d.
func (d Document) Access() DocumentAccess {
	return DocumentAccess{ID: d.ID, ObserversConsulted: d.ObserversConsulted, Disclosure: d.Disclosure}
}

// Latest returns the number of the newest version, 0 when there is none.
func (d Document) Latest() int {
	if len(d.Versions) == 0 {
		return 0
	}
	return d.Versions[len(d.Versions)-1].Number
}

// Version is an immutable, numbered snapshot of a document's text.
type Version struct {
	Number     int         `json:"number"`
	Label      string      `json:"label"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	Provisions []Provision `json:"provisions,omitempty"`
	Warnings   []Warning   `json:"warnings,omitempty"`
}

// Actor is whoever causes a state change; it is written to the audit trail.
type Actor struct {
	UserID int64  // 0 when not a signed-in user (e.g. an admin command)
	Name   string // how the audit trail names the actor
}

// NewDocument is what it takes to create a document with its first version.
type NewDocument struct {
	Symbol   string
	Title    string
	Language string
	Process  string
	Label    string
}

// Normalize trims the fields and fills defaults, then validates them.
func (n *NewDocument) Normalize() error {
	n.Symbol = strings.TrimSpace(n.Symbol)
	n.Title = strings.TrimSpace(n.Title)
	n.Process = strings.TrimSpace(n.Process)
	n.Label = strings.TrimSpace(n.Label)
	if n.Label == "" {
		n.Label = "Zero draft"
	}
	lang, err := NormalizeLanguage(n.Language)
	if err != nil {
		return err
	}
	n.Language = lang
	if err := checkLine("symbol", n.Symbol, MaxSymbolLen); err != nil {
		return err
	}
	if err := checkLine("title", n.Title, MaxTitleLen); err != nil {
		return err
	}
	if n.Process != "" {
		if err := checkLine("process", n.Process, MaxTitleLen); err != nil {
			return err
		}
	}
	return CheckLabel(n.Label)
}

// CheckLabel validates a version label such as "Rev.1".
func CheckLabel(label string) error {
	return checkLine("label", label, MaxLabelLen)
}

// NormalizeLanguage turns a BCP 47 tag into its canonical form ("en" when
// empty) and refuses what is not a language tag.
func NormalizeLanguage(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "en", nil
	}
	tag, err := language.Parse(s)
	if err != nil || len(s) > 35 {
		return "", Errorf(EInvalid, "language %q is not a language tag such as \"en\", \"fr\" or \"zh-Hans\"", truncate(s, 40))
	}
	return tag.String(), nil
}

// checkLine validates a one-line field: present, valid UTF-8, no control
// characters, not longer than max characters.
func checkLine(field, v string, max int) error {
	if v == "" {
		return Errorf(EInvalid, "%s is required", field)
	}
	if !utf8.ValidString(v) {
		return Errorf(EInvalid, "%s is not valid UTF-8 text", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return Errorf(EInvalid, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return Errorf(EInvalid, "%s contains a control character (line breaks and tabs are not allowed here)", field)
		}
	}
	return nil
}

// CheckText validates a whole pasted text before it is parsed: valid
// UTF-8, not binary, not empty.
func CheckText(text string) error {
	if !utf8.ValidString(text) {
		off := firstInvalidUTF8(text)
		return Errorf(EInvalid, "the text is not valid UTF-8 (first invalid byte at offset %d); save it as UTF-8 and try again", off)
	}
	for i, r := range text {
		if r == 0 || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v') {
			return Errorf(EInvalid, "the text contains a control character (U+%04X at offset %d); it looks like a binary file, not a text", r, i)
		}
	}
	if strings.TrimSpace(strings.TrimPrefix(text, "\ufeff")) == "" {
		return Errorf(EInvalid, "the text is empty")
	}
	return nil
}

func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
