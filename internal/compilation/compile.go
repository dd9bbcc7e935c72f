package compilation

import (
	"cmp"
	"slices"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Filter selects the proposals a compilation shows. The zero Filter shows
// every tabled proposal.
type Filter struct {
	// Parties keeps the proposals proposed or co-sponsored by one of these
	// party codes; empty keeps all.
	Parties []string `json:"parties,omitempty"`
	// Statuses are the proposal statuses shown inline; empty means tabled.
	// Drafts are private to their delegation and never shown, whatever is
	// asked; orphaned proposals are always listed apart (Orphans).
	Statuses []negotiation.ProposalStatus `json:"statuses,omitempty"`
}

// Compilation is a version with the selected proposals inline.
type Compilation struct {
	Version int `json:"version"`
	// Provisions are the version's provisions in order, with entries for
	// provisions proposed for insertion and for move targets in between.
	Provisions []Entry `json:"provisions"`
	// Provenance says who proposed what where, in document order.
	Provenance []Source `json:"provenance"`
	// Orphans are the selected proposals that cannot be shown inline: their
	// status is orphaned, or their anchor does not fit this version. They
	// are listed so that nothing a delegation tabled disappears unseen.
	Orphans []Orphan `json:"orphans"`
	Counts  Counts   `json:"counts"`
}

// Entry is one line of the compilation: a provision of the version, a
// provision proposed for insertion (Inserted set) or the place a provision
// is proposed to move to (Moved set). Key is empty for the last two, as
// they are no provisions of the version.
type Entry struct {
	Key    string                      `json:"key"`
	Number string                      `json:"number"`
	Kind   negotiation.ProvisionKind   `json:"kind"`
	Status negotiation.ProvisionStatus `json:"status"`
	// Segments cut the text into plain runs and brackets; their Text fields
	// concatenate to the provision's text.
	Segments []Segment `json:"segments"`
	// Whole holds the proposals on the provision as a whole (replace,
	// alternative, delete, move) as options to the provision as it stands.
	Whole []Option `json:"whole,omitempty"`
	// Proposals are the ids of the shown proposals touching the provision,
	// ascending.
	Proposals []int64    `json:"proposals,omitempty"`
	Inserted  *Insertion `json:"inserted,omitempty"`
	Moved     *Move      `json:"moved,omitempty"`
}

// Insertion marks an entry as a provision proposed for insertion. Its
// number is provisional ("OP3bis") until a revision incorporates it.
type Insertion struct {
	After    string `json:"after"` // key of the provision it follows; "" = at the top
	Proposal int64  `json:"proposal"`
}

// Move marks an entry as the place a provision is proposed to move to.
type Move struct {
	Key      string   `json:"key"`    // the provision proposed for moving
	Number   string   `json:"number"` // its number where it stands now
	Proposal int64    `json:"proposal"`
	Parties  []string `json:"parties"`
}

// Segment is a run of a provision's text. Without options it is plain
// text; with options it is a bracket: Text is the base text (as is Option
// 0), "" at an insertion point, and each further option is one proposal's
// formulation of that same span.
type Segment struct {
	Text    string   `json:"text"`
	Options []Option `json:"options,omitempty"`
}

// Option is one formulation inside a bracket: the base text (Proposal 0)
// or a proposal's. Text "" means the proposal deletes the span (Kind
// delete), offers "no text" (Kind alternative) or moves the provision
// (Kind move, to after Target).
type Option struct {
	Text     string                   `json:"text"`
	Proposal int64                    `json:"proposal,omitempty"`
	Kind     negotiation.ProposalKind `json:"kind,omitempty"`
	// Parties are the proposer, then its co-sponsors.
	Parties    []string `json:"parties,omitempty"`
	CreditedTo string   `json:"credited_to,omitempty"` // the observer whose suggestion it was
	// Target and TargetNumber say where a move goes: after that provision,
	// or to the top when empty.
	Target       string `json:"target,omitempty"`
	TargetNumber string `json:"target_number,omitempty"`
	// The parties holding each stance on the proposal, sorted.
	Support     []string `json:"support,omitempty"`
	Oppose      []string `json:"oppose,omitempty"`
	Reservation []string `json:"reservation,omitempty"`
	AdRef       []string `json:"agreed_ad_ref,omitempty"`
}

// Orphan is a proposal listed apart because it cannot be shown in the
// text; Option.Text is its proposed text.
type Orphan struct {
	Option
	Status      negotiation.ProposalStatus `json:"status"`
	BaseVersion int                        `json:"base_version"`
	Key         string                     `json:"key,omitempty"`
	Quote       string                     `json:"quote,omitempty"`
	Reason      string                     `json:"reason"`
}

// Source is one row of the provenance table: proposal Proposal by Party
// touches provision Key, shown as Number. For an insertion Key is the
// provision it follows and Number the provisional number.
type Source struct {
	Key      string                   `json:"key"`
	Number   string                   `json:"number"`
	Proposal int64                    `json:"proposal"`
	Party    string                   `json:"party"`
	Kind     negotiation.ProposalKind `json:"kind"`
}

// Counts summarise a compilation. Provisions counts the version's
// provisions by status (every status present, zeros included); Proposals
// the proposals shown in the text; Brackets the bracketed places (bracket
// segments and provisions with options as a whole); Orphans the orphans.
type Counts struct {
	Provisions map[negotiation.ProvisionStatus]int `json:"provisions"`
	Proposals  int                                 `json:"proposals"`
	Brackets   int                                 `json:"brackets"`
	Orphans    int                                 `json:"orphans"`
}

// Compile builds the compilation text of version v: every proposal the
// filter selects inline in brackets with its attribution, insertions and
// moves as entries of their own, and orphans listed apart.
//
// statuses holds the chair's status per provision key. Agreed, agreed ad
// ref and reopened are shown as they are; otherwise a provision is
// bracketed when an active (tabled) proposal touches it, whoever tabled it
// and whatever the filter shows, and open when none does. Positions on
// provisions are stored apart from proposals, so a caller passes
// StatusBracketed for a provision on which a party holds a reservation.
//
// Proposals are anchored to v as they are: one whose key, span or quote
// does not fit v (not carried forward, say) is listed as an orphan with
// the reason instead of being guessed into place.
func Compile(v negotiation.Version, proposals []negotiation.Proposal, statuses map[string]negotiation.ProvisionStatus, f Filter) Compilation {
	c := newCompiler(v)
	for _, p := range sortedByID(proposals) {
		c.add(p, f)
	}
	return c.build(statuses)
}

// sortedByID gives pointers to the proposals in id order, so the output
// does not depend on the order the store read them in.
func sortedByID(ps []negotiation.Proposal) []*negotiation.Proposal {
	out := make([]*negotiation.Proposal, len(ps))
	for i := range ps {
		out[i] = &ps[i]
	}
	slices.SortStableFunc(out, func(a, b *negotiation.Proposal) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// shows reports whether f selects p for the text.
func (f Filter) shows(p *negotiation.Proposal) bool {
	if p.Status == negotiation.Draft || !f.byParty(p) {
		return false
	}
	if len(f.Statuses) == 0 {
		return p.Status == negotiation.Tabled
	}
	return slices.Contains(f.Statuses, p.Status)
}

// byParty reports whether p is proposed or co-sponsored by a party of f.
func (f Filter) byParty(p *negotiation.Proposal) bool {
	if len(f.Parties) == 0 {
		return true
	}
	for _, party := range f.Parties {
		if p.Party == party || slices.Contains(p.Cosponsors, party) {
			return true
		}
	}
	return false
}
