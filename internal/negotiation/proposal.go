package negotiation

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ProposalKind says what a proposal does to the text.
type ProposalKind string

// The kinds of proposal (amendment).
const (
	InsertProvision ProposalKind = "insert"       // a new provision after Key (Key "" = at the top)
	InsertWords     ProposalKind = "insert_words" // Text inserted at Start (Start == End) in provision Key
	Delete          ProposalKind = "delete"       // delete provision Key, or the span [Start, End) of it
	Replace         ProposalKind = "replace"      // replace provision Key, or the span, by Text
	Alternative     ProposalKind = "alternative"  // a competing formulation of the span or provision; Text "" = "no text"
	Move            ProposalKind = "move"         // move provision Key after provision Target ("" = to the top)
)

// Valid reports whether k is a known kind.
func (k ProposalKind) Valid() bool {
	switch k {
	case InsertProvision, InsertWords, Delete, Replace, Alternative, Move:
		return true
	}
	return false
}

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// Proposal statuses. A draft is visible to its own delegation only.
const (
	Draft        ProposalStatus = "draft"
	Tabled       ProposalStatus = "tabled"
	Incorporated ProposalStatus = "incorporated"
	NotRetained  ProposalStatus = "not_retained"
	Withdrawn    ProposalStatus = "withdrawn"
	Orphaned     ProposalStatus = "orphaned" // its anchor vanished from a later version
)

// Active reports whether a proposal in this status still brackets text.
func (s ProposalStatus) Active() bool { return s == Tabled }

// Proposal is an attributed change request against one base version.
// A span is anchored by provision key, rune offsets [Start, End) in the
// provision's text, and the quoted text, so the anchor can be checked and
// re-found when the text moves.
type Proposal struct {
	ID            int64          `json:"id"`
	DocumentID    int64          `json:"document_id"`
	BaseVersion   int            `json:"base_version"`
	Kind          ProposalKind   `json:"kind"`
	Key           string         `json:"key,omitempty"`
	Start         *int           `json:"start,omitempty"`
	End           *int           `json:"end,omitempty"`
	Quote         string         `json:"quote,omitempty"`
	Text          string         `json:"text"`
	Target        string         `json:"target,omitempty"` // for move: after which key
	Justification string         `json:"justification"`
	Party         string         `json:"party"` // proposer's code
	PartyID       int64          `json:"-"`
	Cosponsors    []string       `json:"cosponsors"`
	Status        ProposalStatus `json:"status"`
	CreditedTo    string         `json:"credited_to,omitempty"` // an observer whose suggestion this was
	CreatedAt     time.Time      `json:"created_at"`
	Positions     []Position     `json:"positions"`
}

// HasSpan tells whether the proposal targets part of a provision rather
// than the whole of it.
func (p Proposal) HasSpan() bool { return p.Start != nil && p.End != nil }

// Stance is a party's position on a proposal or a provision.
type Stance string

// The stances.
const (
	Support     Stance = "support"
	Oppose      Stance = "oppose"
	Reservation Stance = "reservation"
	AdRef       Stance = "agreed_ad_ref"
)

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool {
	switch s {
	case Support, Oppose, Reservation, AdRef:
		return true
	}
	return false
}

// Position is one party's current stance.
type Position struct {
	Party  string    `json:"party"`
	Stance Stance    `json:"stance"`
	At     time.Time `json:"at"`
}

// ProvisionStatus is set by the chair or secretariat; "bracketed" is not
// stored but derived from the active proposals and reservations.
type ProvisionStatus string

// Provision statuses.
const (
	StatusOpen      ProvisionStatus = "open"
	StatusBracketed ProvisionStatus = "bracketed"
	StatusAdRef     ProvisionStatus = "agreed_ad_ref"
	StatusAgreed    ProvisionStatus = "agreed"
	StatusReopened  ProvisionStatus = "reopened"
)

// CheckAnchor validates a proposal against the provisions of its base
// version: the key must exist (or, for an insertion, may be empty), the
// span must lie inside the provision text, and the quote must be exactly
// the text at the span. It returns the provision.
func CheckAnchor(p Proposal, provs []Provision) error {
	if !p.Kind.Valid() {
		return Errorf(EInvalid, "kind %q: use insert, insert_words, delete, replace, alternative or move", p.Kind)
	}
	if p.Kind == InsertProvision && p.Key == "" {
		return checkNewText(p)
	}
	prov, ok := findProvision(provs, p.Key)
	if !ok {
		return Errorf(EInvalid, "version %d has no provision with key %q", p.BaseVersion, p.Key)
	}
	if p.Kind == Move {
		if p.Target != "" {
			if _, ok := findProvision(provs, p.Target); !ok || p.Target == p.Key {
				return Errorf(EInvalid, "move target %q is not another provision of version %d", p.Target, p.BaseVersion)
			}
		}
		return nil
	}
	if p.Kind == InsertProvision {
		return checkNewText(p)
	}
	if err := checkSpan(p, prov); err != nil {
		return err
	}
	if (p.Kind == Replace || p.Kind == InsertWords) && strings.TrimSpace(p.Text) == "" {
		return Errorf(EInvalid, "a %s proposal needs the new text", p.Kind)
	}
	return nil
}

func checkNewText(p Proposal) error {
	if strings.TrimSpace(p.Text) == "" {
		return Errorf(EInvalid, "an inserted provision needs its text")
	}
	return nil
}

func checkSpan(p Proposal, prov Provision) error {
	if p.Kind == InsertWords && !p.HasSpan() {
		return Errorf(EInvalid, "insert_words needs a point: start = end")
	}
	if !p.HasSpan() {
		return nil // the whole provision
	}
	start, end := *p.Start, *p.End
	n := utf8.RuneCountInString(prov.Text)
	if start < 0 || end < start || end > n {
		return Errorf(EInvalid, "span [%d, %d) is outside %s, which has %d characters", start, end, prov.Number, n)
	}
	if p.Kind == InsertWords && start != end {
		return Errorf(EInvalid, "insert_words needs a point: start = end")
	}
	if p.Kind != InsertWords && start == end {
		return Errorf(EInvalid, "the span is empty; select the words to %s", p.Kind)
	}
	if got := RuneSlice(prov.Text, start, end); got != p.Quote {
		return &Error{Code: EAnchor, Message: "the quoted text does not match the provision at that place: the provision has " +
			quoteFor(got) + ", the proposal quotes " + quoteFor(p.Quote)}
	}
	return nil
}

// EAnchor is the code of an anchor whose quote does not match the text.
const EAnchor = "anchor_mismatch"

func quoteFor(s string) string { return "“" + s + "”" }

// RuneSlice returns the runes [start, end) of s, without converting the
// whole string (anchors are checked for every proposal of a compilation).
func RuneSlice(s string, start, end int) string {
	if !utf8.ValidString(s) {
		// Texts are checked to be UTF-8 on the way in; should one not be,
		// behave like a conversion to runes (invalid bytes become U+FFFD).
		return string([]rune(s)[start:end])
	}
	from, to, i := len(s), len(s), 0
	for b := range s {
		if i == start {
			from = b
		}
		if i == end {
			to = b
			break
		}
		i++
	}
	if from > to {
		return ""
	}
	return s[from:to]
}

func findProvision(provs []Provision, key string) (Provision, bool) {
	for _, p := range provs {
		if p.Key == key {
			return p, true
		}
	}
	return Provision{}, false
}

// Reanchor finds a span's quote in a provision's new text: at the same
// offsets if it is still there, else the occurrence nearest to the old
// start (the earlier one on a tie). ok is false when the quote is gone (the
// proposal is orphaned). Offsets count runes; an empty quote stays at start,
// clamped to the text.
//
// It runs once per carried-forward proposal over texts of up to
// MaxProvisionText bytes, so it searches bytes with strings.Index and
// counts runes only between matches instead of comparing a fresh string at
// every position.
func Reanchor(text, quote string, start int) (newStart int, ok bool) {
	if !utf8.ValidString(quote) {
		return -1, false // the text's runes, as RuneSlice gives them, never spell it
	}
	if !utf8.ValidString(text) {
		// Byte matches would not be rune matches here; decoding maps each
		// invalid byte to U+FFFD, as RuneSlice does.
		return reanchorRunes([]rune(text), []rune(quote), start)
	}
	if quote == "" {
		return min(max(start, 0), utf8.RuneCountInString(text)), true
	}
	if start >= 0 {
		if b, ok := runeByteOffset(text, start); ok && strings.HasPrefix(text[b:], quote) {
			return start, true
		}
	}
	best, bestDist := -1, 0
	pos, runes := 0, 0 // byte offset searched from, and its rune offset
	for {
		i := strings.Index(text[pos:], quote)
		if i < 0 {
			break
		}
		runes += utf8.RuneCountInString(text[pos : pos+i])
		pos += i
		if d := runeDistance(runes, start); best < 0 || d < bestDist {
			best, bestDist = runes, d
		}
		if runes >= start {
			break // later matches are only farther away
		}
		// Step one rune, not the whole quote: matches may overlap.
		_, size := utf8.DecodeRuneInString(text[pos:])
		pos += size
		runes++
	}
	return best, best >= 0
}

// runeByteOffset gives the byte offset of rune offset n in s; ok is false when
// s has fewer runes.
func runeByteOffset(s string, n int) (int, bool) {
	for b := range s {
		if n == 0 {
			return b, true
		}
		n--
	}
	return len(s), n == 0
}

// reanchorRunes is Reanchor on decoded runes, for texts that are not valid
// UTF-8.
func reanchorRunes(r, q []rune, start int) (int, bool) {
	if start >= 0 && start+len(q) <= len(r) && slices.Equal(r[start:start+len(q)], q) {
		return start, true
	}
	best, bestDist := -1, 0
	for i := 0; i+len(q) <= len(r); i++ {
		if d := runeDistance(i, start); slices.Equal(r[i:i+len(q)], q) && (best < 0 || d < bestDist) {
			best, bestDist = i, d
		}
	}
	return best, best >= 0
}

// runeDistance is |a - b|.
func runeDistance(a, b int) int {
	if a < b {
		return b - a
	}
	return a - b
}
