package negotiation

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Artefact is a kind of content whose disclosure a document's policy rules.
type Artefact string

// The artefacts. Attributions are who proposed, co-sponsored, supported or
// opposed, and who wrote a comment; the content itself is ruled by the
// other artefacts.
const (
	ArtText             Artefact = "text"               // draft versions, the document's title and symbol, diffs
	ArtProposals        Artefact = "proposals"          // proposals' content, the compilation text
	ArtAttributions     Artefact = "attributions"       // which party proposed, co-sponsored, took a position, commented
	ArtPositions        Artefact = "positions"          // support, opposition, reservations
	ArtMemberComments   Artefact = "comments_members"   // comments by states, groups and the secretariat
	ArtObserverComments Artefact = "comments_observers" // comments and suggestions by observers
	ArtAttachments      Artefact = "attachments"        // files attached to comments
	ArtFinal            Artefact = "final"              // the adopted text
)

// Artefacts lists every artefact, in the order the policy table shows them.
var Artefacts = []Artefact{ArtText, ArtProposals, ArtAttributions, ArtPositions, ArtMemberComments, ArtObserverComments, ArtAttachments, ArtFinal}

// Audience is a class of viewer a policy cell speaks to. The secretariat
// is not one: it always sees everything.
type Audience string

// The audiences, from the narrowest to the widest.
const (
	AudMembers   Audience = "members"   // state delegations and negotiating groups
	AudObservers Audience = "observers" // accredited observers
	AudPublic    Audience = "public"    // anyone, signed in or not
)

// Audiences lists every audience, in the order the policy table shows them.
var Audiences = []Audience{AudMembers, AudObservers, AudPublic}

// When says from when a cell's audience sees an artefact.
type When string

// The kinds of cell.
const (
	Never      When = "never"
	Now        When = "now"
	From       When = "from"     // an embargo: from a date and time
	AtAdoption When = "adoption" // once the document is adopted
	Anonymised When = "anonymised"
)

// Rule is one cell of the policy table: when an audience sees an artefact.
// Anonymised is for attributions only: the audience sees that someone
// proposed ("Proposal A"), never who.
type Rule struct {
	When When       `json:"when"`
	From *time.Time `json:"from,omitempty"`
}

// Policy is a document's disclosure table: artefact → audience → rule.
// Preset names the preset it was filled from ("" once edited by hand).
type Policy struct {
	Preset string                         `json:"preset"`
	Rules  map[Artefact]map[Audience]Rule `json:"rules"`
}

// The presets.
const (
	PresetClosed        = "closed"
	PresetObservers     = "observers"
	PresetTransparent   = "transparent"
	PresetChathamHouse  = "chatham-house"
	PresetCustom        = "custom"
	DefaultPresetPolicy = PresetClosed
)

// Presets lists the preset names.
var Presets = []string{PresetClosed, PresetObservers, PresetTransparent, PresetChathamHouse}

// Preset returns the named preset's table.
func Preset(name string) (Policy, error) {
	p := Policy{Preset: name, Rules: map[Artefact]map[Audience]Rule{}}
	set := func(when When, auds []Audience, arts ...Artefact) {
		for _, a := range arts {
			for _, aud := range auds {
				p.Rules[a][aud] = Rule{When: when}
			}
		}
	}
	for _, a := range Artefacts {
		p.Rules[a] = map[Audience]Rule{}
	}
	all := Audiences
	set(Never, all, Artefacts...)
	set(AtAdoption, all, ArtFinal)
	members := []Audience{AudMembers}
	everyone := []Audience{AudMembers, AudObservers, AudPublic}
	switch name {
	case PresetClosed:
		set(Now, members, ArtText, ArtProposals, ArtAttributions, ArtPositions, ArtMemberComments, ArtObserverComments, ArtAttachments)
	case PresetObservers:
		set(Now, members, ArtText, ArtProposals, ArtAttributions, ArtPositions, ArtMemberComments, ArtObserverComments, ArtAttachments)
		set(Now, []Audience{AudObservers}, ArtText, ArtProposals, ArtAttributions, ArtObserverComments, ArtAttachments)
	case PresetTransparent:
		set(Now, everyone, ArtText, ArtProposals, ArtAttributions, ArtPositions, ArtMemberComments, ArtObserverComments, ArtAttachments)
	case PresetChathamHouse:
		set(Now, everyone, ArtText, ArtProposals, ArtPositions, ArtMemberComments, ArtObserverComments, ArtAttachments)
		set(Anonymised, everyone, ArtAttributions)
	default:
		return Policy{}, Errorf(EInvalid, "preset %q: use %s", name, strings.Join(Presets, ", "))
	}
	return p, nil
}

// Validate checks a policy sent by a client: every artefact and audience
// known, every cell complete, "from" cells with a time, "anonymised" for
// attributions only. Missing cells are an error rather than a silent
// "never", so that a client's typo cannot change what it meant.
func (p *Policy) Validate() error {
	for a, row := range p.Rules {
		if !slices.Contains(Artefacts, a) {
			return Errorf(EInvalid, "unknown artefact %q: use %s", a, joinStrings(Artefacts))
		}
		for aud, r := range row {
			if !slices.Contains(Audiences, aud) {
				return Errorf(EInvalid, "unknown audience %q: use %s", aud, joinStrings(Audiences))
			}
			if err := r.validate(a, aud); err != nil {
				return err
			}
		}
	}
	for _, a := range Artefacts {
		for _, aud := range Audiences {
			if _, ok := p.Rules[a][aud]; !ok {
				return Errorf(EInvalid, "the policy has no rule for %s / %s: every artefact needs one per audience (%s)", a, aud, joinStrings(Audiences))
			}
		}
	}
	if p.Preset == "" {
		p.Preset = PresetCustom
	}
	return nil
}

func (r Rule) validate(a Artefact, aud Audience) error {
	switch r.When {
	case Never, Now, AtAdoption:
		if r.From != nil {
			return Errorf(EInvalid, "%s / %s: \"from\" goes with \"when\": \"from\" only", a, aud)
		}
	case From:
		if r.From == nil {
			return Errorf(EInvalid, "%s / %s: an embargo needs \"from\" (RFC 3339, e.g. 2026-12-01T09:00:00Z)", a, aud)
		}
	case Anonymised:
		if a != ArtAttributions {
			return Errorf(EInvalid, "%s / %s: only attributions can be anonymised", a, aud)
		}
	default:
		return Errorf(EInvalid, "%s / %s: when %q: use never, now, from, adoption or anonymised", a, aud, r.When)
	}
	return nil
}

func joinStrings[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

// Sight is how much of an artefact a viewer sees.
type Sight int

// The sights, ordered: a wider audience's Shown beats a narrower one's
// Anonymised.
const (
	Hidden Sight = iota
	Anonymous
	Shown
)

// Disclosure is what the visibility predicate needs to know of a document:
// its policy and whether (and when) it was adopted.
type Disclosure struct {
	Policy    Policy
	AdoptedAt *time.Time
	// FinalFrom is an embargo on the final text set at adoption.
	FinalFrom *time.Time
}

// AudiencesOf lists the audiences whose cells apply to v at now, narrowest
// first. A wider audience's rights flow to the narrower ones: what the
// public may see, observers and members see too, and members see what
// observers see. The secretariat has none: it sees everything.
func AudiencesOf(v Viewer, now time.Time) []Audience {
	switch {
	case v.isSecretariat():
		return nil
	case v.isMember():
		return []Audience{AudMembers, AudObservers, AudPublic}
	case v.Accredited(now):
		return []Audience{AudObservers, AudPublic}
	}
	return []Audience{AudPublic}
}

// Sees is the one predicate of disclosure that every path asks: how much
// of artefact a of this document viewer v sees at now. own says the
// content is v's party's own (its proposal, its comment; see Viewer.Owns).
// It is Decide, except in the backstop test build, where the application's
// checks are switched off to prove that the database's alone hold.
func (d Disclosure) Sees(v Viewer, a Artefact, own bool, now time.Time) Sight {
	if !enforced {
		return Shown
	}
	return d.Decide(v, a, own, now)
}

// Decide is the rule itself: a party always sees its own contributions,
// the secretariat everything, and other viewers what the cells of their
// audiences allow.
func (d Disclosure) Decide(v Viewer, a Artefact, own bool, now time.Time) Sight {
	if v.isSecretariat() || own {
		return Shown
	}
	best := Hidden
	for _, aud := range AudiencesOf(v, now) {
		if s := d.cell(a, aud, now); s > best {
			best = s
		}
	}
	return best
}

func (d Disclosure) cell(a Artefact, aud Audience, now time.Time) Sight {
	r, ok := d.Policy.Rules[a][aud]
	if !ok {
		return Hidden
	}
	var s Sight
	switch r.When {
	case Now:
		s = Shown
	case Anonymised:
		s = Anonymous
	case From:
		if !now.Before(*r.From) {
			s = Shown
		}
	case AtAdoption:
		if d.AdoptedAt != nil && !now.Before(*d.AdoptedAt) {
			s = Shown
		}
	}
	if a == ArtFinal && d.FinalFrom != nil && now.Before(*d.FinalFrom) {
		return Hidden
	}
	return s
}

// CanSee is Sees for an all-or-nothing artefact.
func (d Disclosure) CanSee(v Viewer, a Artefact, own bool, now time.Time) bool {
	return d.Sees(v, a, own, now) != Hidden
}

// ReadsText tells whether v may open the document at all: its title and
// symbol, its versions and diffs. The adopted text alone does not open the
// drafts; it has its own public page.
func (d Disclosure) ReadsText(v Viewer, now time.Time) bool {
	return d.CanSee(v, ArtText, false, now)
}

// Owns tells whether content of the given party is v's party's own.
func (v Viewer) Owns(party int64) bool { return party != 0 && party == v.PartyID }

// OwnsCode is Owns for a party named by its code.
func (v Viewer) OwnsCode(code string) bool { return code != "" && code == v.PartyCode }

// AnonymousLabel names the n-th proposal of a document (1-based) for
// viewers who see proposals but not who made them: A, B, … Z, AA, AB, …
func AnonymousLabel(n int) string {
	if n <= 0 {
		return "Proposal ?"
	}
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return "Proposal " + string(b)
}

// ParsePolicy reads a policy stored as JSON.
func ParsePolicy(buf []byte) (Policy, error) {
	var p Policy
	if err := json.Unmarshal(buf, &p); err != nil {
		return Policy{}, fmt.Errorf("stored disclosure policy: %w", err)
	}
	return p, nil
}

// Summary lists the cells that differ from "never", for audit details.
func (p Policy) Summary() string {
	var out []string
	for _, a := range Artefacts {
		for _, aud := range Audiences {
			r := p.Rules[a][aud]
			if r.When == Never {
				continue
			}
			cell := fmt.Sprintf("%s/%s=%s", a, aud, r.When)
			if r.From != nil {
				cell += "@" + r.From.UTC().Format(time.RFC3339)
			}
			out = append(out, cell)
		}
	}
	sort.Strings(out)
	return p.Preset + ": " + strings.Join(out, " ")
}

// consultedArtefacts are what accredited observers need to read to take
// part in a consultation: the preset "observers" is "closed" plus these.
var consultedArtefacts = []Artefact{ArtText, ArtProposals, ArtAttributions, ArtObserverComments, ArtAttachments}

// OpenToObservers is what opening a document to consultation does to its
// policy: observers who are to comment must read what they comment on, so
// the cells that keep it from them ("never") become "now"; embargoes,
// adoption rules and anonymised attributions stay. It reports whether any
// cell changed.
func (p *Policy) OpenToObservers() bool {
	changed := false
	for _, a := range consultedArtefacts {
		if p.Rules[a][AudObservers].When == Never {
			p.Rules[a][AudObservers] = Rule{When: Now}
			changed = true
		}
	}
	if changed {
		if p.Preset == PresetClosed {
			p.Preset = PresetObservers
		} else {
			p.Preset = PresetCustom
		}
	}
	return changed
}
