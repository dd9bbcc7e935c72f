package negotiation

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// PartyKind says what a party is.
type PartyKind string

// The kinds of party. A group (G-77/China, EU) negotiates as one for its
// member states; observers (NGOs, IGOs, observer states) are accredited.
const (
	PartySecretariat PartyKind = "secretariat"
	PartyState       PartyKind = "state"
	PartyGroup       PartyKind = "group"
	PartyObserver    PartyKind = "observer"
)

// Valid reports whether k is a known kind.
func (k PartyKind) Valid() bool {
	switch k {
	case PartySecretariat, PartyState, PartyGroup, PartyObserver:
		return true
	}
	return false
}

// Party is a participant in negotiations: the secretariat, a state
// delegation, a negotiating group or an observer organisation.
type Party struct {
	ID      int64     `json:"id"`
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Kind    PartyKind `json:"kind"`
	Members []string  `json:"members,omitempty"` // member codes, for groups
}

var partyCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_./-]{0,31}$`)

// Normalize checks a new party and puts its code in upper case.
func (p *Party) Normalize() error {
	p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
	p.Name = strings.TrimSpace(p.Name)
	if !partyCode.MatchString(p.Code) {
		return Errorf(EInvalid, "party code %q: use 1–32 letters, digits, '.', '_', '/' or '-' (e.g. FRA, G77, EU)", p.Code)
	}
	if err := checkLine("party name", p.Name, 200); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return Errorf(EInvalid, "party kind %q: use secretariat, state, group or observer", p.Kind)
	}
	if len(p.Members) > 0 && p.Kind != PartyGroup {
		return Errorf(EInvalid, "only a group has member states")
	}
	return nil
}

// Roles a user can hold in their party.
const (
	RoleDelegate       = "delegate"
	RoleHead           = "head of delegation"
	RoleOfficer        = "secretariat officer"
	RoleRepresentative = "observer representative"
)

// DefaultRole is the role a user gets in a party of the given kind when
// none is named.
func DefaultRole(k PartyKind) string {
	switch k {
	case PartySecretariat:
		return RoleOfficer
	case PartyObserver:
		return RoleRepresentative
	}
	return RoleDelegate
}

// User is a person who signs in. PartyID 0 means no rights yet.
type User struct {
	ID              int64      `json:"id"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	PartyID         int64      `json:"party_id,omitempty"`
	PartyCode       string     `json:"party,omitempty"`
	Role            string     `json:"role"`
	SuspendedAt     *time.Time `json:"suspended_at,omitempty"`
	SuspendedReason string     `json:"suspended_reason,omitempty"`
	LastLoginAt     *time.Time `json:"last_login_at,omitempty"`
}

// Viewer is who makes a request, as the authorisation check sees it. The
// zero Viewer is an anonymous visitor.
type Viewer struct {
	UserID    int64
	Name      string
	Email     string
	PartyID   int64
	PartyCode string
	PartyName string
	PartyKind PartyKind
	Role      string
	// AccreditedUntil is the end of an observer's accreditation; nil for
	// other parties, or for an observer whose accreditation is not approved.
	AccreditedUntil *time.Time
	// SessionID identifies the browser session (empty for API tokens); it
	// lets a page revoke "this" session at sign-out.
	SessionHash []byte
	// ChairOf lists the documents this user chairs or facilitates.
	ChairOf []int64
}

// Same tells whether two viewers are the same person with the same
// rights: party, role, accreditation and chairs (the session aside).
func (v Viewer) Same(o Viewer) bool {
	sameUntil := (v.AccreditedUntil == nil) == (o.AccreditedUntil == nil) &&
		(v.AccreditedUntil == nil || v.AccreditedUntil.Equal(*o.AccreditedUntil))
	return v.UserID == o.UserID && v.Name == o.Name && v.Email == o.Email && v.PartyID == o.PartyID &&
		v.PartyCode == o.PartyCode && v.PartyName == o.PartyName && v.PartyKind == o.PartyKind &&
		v.Role == o.Role && sameUntil && slices.Equal(v.ChairOf, o.ChairOf)
}

// SignedIn tells whether the viewer has an identity.
func (v Viewer) SignedIn() bool { return v.UserID != 0 }

// Actor is the viewer as the audit trail names them.
func (v Viewer) Actor() Actor {
	if !v.SignedIn() {
		return Actor{Name: "anonymous"}
	}
	name := v.Email
	if v.PartyCode != "" {
		name += " (" + v.PartyCode + ")"
	}
	return Actor{UserID: v.UserID, Name: name}
}
