package negotiation

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// DefaultSilenceMin is the shortest silence procedure an installation
// allows unless configured otherwise: the UN General Assembly has used at
// least 72 hours since 2020.
const DefaultSilenceMin = 72 * time.Hour

// Limits on what closing requests may bring; documented in docs/api.md.
const (
	MaxStatementLen   = 20000 // characters of a silence-break statement or an explanation of position
	MaxSilenceKeys    = 200   // provisions a break may name
	MaxVoteCount      = 100000
	MaxTranslationLen = MaxProvisionText
)

// SilenceStatus is where a silence procedure stands.
type SilenceStatus string

// A silence runs until its deadline; a break by a delegation marks it
// broken (other parties may still break before the deadline); the
// secretariat may return the text to negotiation; unbroken at the deadline,
// it ends in adoption. While running or broken the version is frozen.
const (
	SilenceRunning  SilenceStatus = "running"
	SilenceBroken   SilenceStatus = "broken"
	SilenceReturned SilenceStatus = "returned"
	SilenceAdopted  SilenceStatus = "adopted"
)

// Open tells whether the silence still freezes its document.
func (s SilenceStatus) Open() bool { return s == SilenceRunning || s == SilenceBroken }

// Silence is one silence procedure on one exact version.
type Silence struct {
	ID           int64          `json:"id"`
	DocumentID   int64          `json:"document_id"`
	Version      int            `json:"version"`
	VersionLabel string         `json:"version_label"`
	Deadline     time.Time      `json:"deadline"`
	Status       SilenceStatus  `json:"status"`
	StartedBy    string         `json:"started_by"`
	StartedAt    time.Time      `json:"started_at"`
	EndedAt      *time.Time     `json:"ended_at,omitempty"`
	PublicFrom   *time.Time     `json:"public_from,omitempty"`
	Breaks       []SilenceBreak `json:"breaks"`
}

// SilenceBreak is a delegation's statement breaking silence, with the
// provisions it names and the text it proposes, if any.
type SilenceBreak struct {
	Party     string    `json:"party"`
	PartyName string    `json:"party_name"`
	Statement string    `json:"statement"`
	Keys      []string  `json:"keys"`
	Text      string    `json:"text,omitempty"`
	BrokenAt  time.Time `json:"broken_at"`
}

// CheckSilenceDeadline refuses a deadline in the past or closer to now than
// the installation's minimum.
func CheckSilenceDeadline(deadline, now time.Time, min time.Duration) error {
	if deadline.IsZero() {
		return Errorf(EInvalid, "deadline is required, as an RFC 3339 time such as 2026-03-01T15:00:00Z")
	}
	if !deadline.After(now) {
		return Errorf(EInvalid, "the deadline %s is in the past", deadline.UTC().Format(time.RFC3339))
	}
	if deadline.Sub(now) < min {
		return Errorf(EInvalid, "the deadline %s is too close: a silence procedure lasts at least %s on this installation (until %s or later)",
			deadline.UTC().Format(time.RFC3339), min, now.Add(min).UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckStatement validates a statement or explanation: present, UTF-8, not
// over the limit.
func CheckStatement(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EInvalid, "%s is required", field)
	}
	if !utf8.ValidString(s) {
		return Errorf(EInvalid, "%s is not valid UTF-8 text", field)
	}
	if n := utf8.RuneCountInString(s); n > MaxStatementLen {
		return Errorf(ETooLarge, "%s is %d characters long; the limit is %d", field, n, MaxStatementLen)
	}
	return nil
}

// AdoptionMethod says how a text was adopted.
type AdoptionMethod string

// Consensus and vote are decided by the secretariat; silence is the
// automatic adoption of a silence procedure that nobody broke.
const (
	ByConsensus AdoptionMethod = "consensus"
	ByVote      AdoptionMethod = "vote"
	BySilence   AdoptionMethod = "silence"
)

// Vote is one party's recorded vote.
type Vote string

// The votes a tally counts.
const (
	VoteYes     Vote = "yes"
	VoteNo      Vote = "no"
	VoteAbstain Vote = "abstain"
)

// Tally is the result of a recorded vote: the counts, and how each party
// voted where that was recorded (party code → yes/no/abstain).
type Tally struct {
	Yes     int             `json:"yes"`
	No      int             `json:"no"`
	Abstain int             `json:"abstain"`
	ByParty map[string]Vote `json:"by_party,omitempty"`
}

// Check validates the tally: counts not negative, votes by party known
// and not more numerous than the counts they belong to.
func (t Tally) Check() error {
	for name, n := range map[string]int{"yes": t.Yes, "no": t.No, "abstain": t.Abstain} {
		if n < 0 || n > MaxVoteCount {
			return Errorf(EInvalid, "tally.%s must be between 0 and %d", name, MaxVoteCount)
		}
	}
	count := map[Vote]int{}
	for party, v := range t.ByParty {
		if v != VoteYes && v != VoteNo && v != VoteAbstain {
			return Errorf(EInvalid, "tally.by_party: %s voted %q; use yes, no or abstain", party, v)
		}
		count[v]++
	}
	if count[VoteYes] > t.Yes || count[VoteNo] > t.No || count[VoteAbstain] > t.Abstain {
		return Errorf(EInvalid, "tally.by_party records more votes than the counts (yes %d, no %d, abstain %d)", t.Yes, t.No, t.Abstain)
	}
	return nil
}

// CheckAdoptionMethod validates a method chosen by the secretariat and its
// tally: a vote needs one, consensus has none.
func CheckAdoptionMethod(m AdoptionMethod, t *Tally) error {
	switch m {
	case ByConsensus:
		if t != nil {
			return Errorf(EInvalid, "adoption by consensus has no tally; use method \"vote\" to record one")
		}
		return nil
	case ByVote:
		if t == nil {
			return Errorf(EInvalid, "adoption by vote needs its tally: {\"yes\": n, \"no\": n, \"abstain\": n}")
		}
		return t.Check()
	}
	return Errorf(EInvalid, "method %q: use \"consensus\" or \"vote\"", m)
}

// Adoption is the record of a document's adoption; a document is adopted
// at most once.
type Adoption struct {
	DocumentID   int64          `json:"document_id"`
	Version      int            `json:"version"`
	VersionLabel string         `json:"version_label"`
	AdoptedAt    time.Time      `json:"adopted_at"`
	Method       AdoptionMethod `json:"method"`
	Tally        *Tally         `json:"tally,omitempty"`
	// PublicFrom, when set, embargoes the final text until that time.
	PublicFrom *time.Time `json:"public_from,omitempty"`
	SilenceID  *int64     `json:"silence_id,omitempty"`
	AdoptedBy  string     `json:"adopted_by"`
	// SHA256 is the hex digest of CanonicalText of the adopted version.
	SHA256 string `json:"sha256"`
	// Versions are the labels of the versions the text came from, oldest first.
	Versions []string `json:"versions"`
}

// Explanation is a party's explanation of position, attached after adoption.
type Explanation struct {
	Party     string    `json:"party"`
	PartyName string    `json:"party_name"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// MayReadFinalText is the one decision whether viewer v may see the final
// text of document adopted as a, under the document's disclosure policy p,
// at time now: the policy's "final" cells (by default: everyone, from the
// adoption), never before an embargo set at adoption, the secretariat
// always. A hidden text is "not found", so an embargo reveals nothing.
func MayReadFinalText(v Viewer, a Adoption, p Policy, now time.Time) error {
	d := Disclosure{Policy: p, AdoptedAt: &a.AdoptedAt, FinalFrom: a.PublicFrom}
	if d.CanSee(v, ArtFinal, false, now) {
		return nil
	}
	return Errorf(ENotFound, "not found")
}

// CheckFinalText refuses to close on a text that still has square
// brackets: what is adopted and published is agreed text.
func CheckFinalText(v Version) error {
	for _, p := range v.Provisions {
		if strings.ContainsAny(p.Text, "[]") {
			return Errorf(EConflict, "%s (version %d) still has bracketed text in %s; agree the text and issue a clean version first",
				v.Label, v.Number, p.Number)
		}
	}
	return nil
}

// CanonicalText is the form of a version's text whose SHA-256 is
// published: every provision in order, one per line, as FullText gives it
// (label, one space, body), Unicode NFC, line breaks inside a provision
// replaced by a space, trailing spaces removed, each line ended by "\n"
// (LF), UTF-8 without byte-order mark. Anyone can rebuild it from the
// published text and check the digest.
func CanonicalText(provs []Provision) string {
	var b strings.Builder
	for _, p := range provs {
		line := norm.NFC.String(p.FullText())
		line = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(line)
		b.WriteString(strings.TrimRight(line, " \t"))
		b.WriteByte('\n')
	}
	return b.String()
}

// TextDigest is the hex SHA-256 of CanonicalText.
func TextDigest(provs []Provision) string {
	sum := sha256.Sum256([]byte(CanonicalText(provs)))
	return hex.EncodeToString(sum[:])
}

// UNLanguages are the six official languages of the United Nations, the
// least a final text is offered in once translated.
var UNLanguages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// RightToLeft tells whether a language is written right to left.
func RightToLeft(lang string) bool {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "ar", "he", "fa", "ur", "ps", "yi", "dv", "ku", "syr":
		return true
	}
	return false
}
