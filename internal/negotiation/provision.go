// Package negotiation is the domain of zerodraft: processes, documents,
// immutable versions and their provisions. It imports neither the web
// framework nor the database driver, so every other package can depend on it.
package negotiation

// ProvisionKind says what role a provision plays in a text.
type ProvisionKind string

// The kinds a provision can have. Preambular paragraphs ("Recalling …")
// come before operative ones ("Decides …"); sub-paragraphs hang below an
// operative paragraph; headings structure treaties (Part I, Article 3).
const (
	KindHeading      ProvisionKind = "heading"
	KindPreambular   ProvisionKind = "preambular"
	KindOperative    ProvisionKind = "operative"
	KindSubparagraph ProvisionKind = "subparagraph"
	KindText         ProvisionKind = "text"
)

// Valid reports whether k is one of the known kinds.
func (k ProvisionKind) Valid() bool {
	switch k {
	case KindHeading, KindPreambular, KindOperative, KindSubparagraph, KindText:
		return true
	}
	return false
}

// Provision is one paragraph of a version. Key is stable across versions of
// the same document; Number is the display number recomputed per version
// (PP1, OP3bis, OP2(a)); Label is the marker as it was typed in the source
// ("3.", "(a)", "OP5 bis"), kept so the full text can be given back as it came;
// Text is the body without that marker, brackets kept verbatim.
type Provision struct {
	Key    string        `json:"key"`
	Number string        `json:"number"`
	Kind   ProvisionKind `json:"kind"`
	Label  string        `json:"label,omitempty"`
	Text   string        `json:"text"`
}

// FullText gives the paragraph as a person would type it: label, then body.
func (p Provision) FullText() string {
	if p.Label == "" {
		return p.Text
	}
	if p.Text == "" {
		return p.Label
	}
	return p.Label + " " + p.Text
}

// Warning is a non-fatal finding of an import, such as an unbalanced
// bracket. Provision is the 0-based index of the provision in the version,
// Offset the byte offset inside its Text.
type Warning struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Provision int    `json:"provision"`
	Number    string `json:"number,omitempty"`
	Offset    int    `json:"offset"`
}
