// Package admin holds the administrative operations that the admin
// commands and the server's start-up share: adding parties, users and API
// tokens, setting passwords, the first start's secretariat account and the
// demo negotiation. It decides nothing about output: callers print.
package admin

import (
	"context"
	"crypto/rand"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Roles are the roles a user can be given.
var Roles = []string{negotiation.RoleDelegate, negotiation.RoleHead, negotiation.RoleOfficer, negotiation.RoleRepresentative}

// EnsureParty returns the party with p's code, creating it as p when it is
// missing, and tells whether it created it. An existing party is returned
// as it is, even when it differs from p.
func EnsureParty(ctx context.Context, st *store.Store, actor negotiation.Actor, p negotiation.Party) (negotiation.Party, bool, error) {
	got, err := st.PartyByCode(ctx, p.Code)
	if negotiation.ErrorCode(err) != negotiation.ENotFound {
		return got, false, err
	}
	got, err = st.CreateParty(ctx, actor, p)
	if negotiation.ErrorCode(err) == negotiation.EConflict {
		// Someone else created it in the meantime.
		got, err = st.PartyByCode(ctx, p.Code)
		return got, false, err
	}
	return got, err == nil, err
}

// NewUser is a person to add to a party.
type NewUser struct {
	Email    string
	Name     string
	Party    string // the party's code
	Role     string // empty: negotiation.DefaultRole of the party's kind
	Password string // built-in provider only; empty: generate one
}

// Added is a user just added. Password is the one generated for them, to
// be shown once; it is empty when the caller gave one or none applies.
type Added struct {
	User     negotiation.User
	Password string
}

// AddUser adds a user to a party. With the built-in provider (builtin) it
// creates their local account and the user it signs in as in one
// transaction; with an external provider it pre-registers the email
// address, which is linked to the provider's identity at the first sign-in
// with that (verified) address.
func AddUser(ctx context.Context, st *store.Store, actor negotiation.Actor, nu NewUser, builtin bool) (Added, error) {
	email, name, err := checkPerson(nu.Email, nu.Name)
	if err != nil {
		return Added{}, err
	}
	party, err := st.PartyByCode(ctx, nu.Party)
	if err != nil {
		return Added{}, err
	}
	role, err := roleFor(nu.Role, party.Kind)
	if err != nil {
		return Added{}, err
	}
	if !builtin {
		if nu.Password != "" {
			return Added{}, negotiation.Errorf(negotiation.EInvalid,
				"users sign in with the external OpenID provider, so zerodraft keeps no password for them")
		}
		u, err := st.CreateUser(ctx, actor, store.NewUser{Email: email, Name: name, PartyID: party.ID, Role: role})
		return Added{User: u}, err
	}
	password, generated := passwordOrNew(nu.Password)
	hash, err := hashPassword(password)
	if err != nil {
		return Added{}, err
	}
	u, err := st.CreateLocalUser(ctx, actor, store.NewLocalUser{Email: email, Name: name, PasswordHash: hash,
		PartyID: party.ID, Role: role, Issuer: auth.BuiltinIssuer})
	return Added{User: u, Password: generated}, err
}

// SetPassword sets a new password on the built-in provider's account with
// the email address: password, or a generated one, which it returns to be
// shown once ("" when the caller gave one). The account is unlocked too.
func SetPassword(ctx context.Context, st *store.Store, actor negotiation.Actor, email, password string) (string, error) {
	account, err := st.LocalAccountByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return "", err
	}
	password, generated := passwordOrNew(password)
	return generated, oidcprovider.SetPassword(ctx, st, actor, account.ID, password)
}

// MaxTokenTTL bounds how long an API token may live: a forgotten token
// should not outlast the negotiation by decades.
const MaxTokenTTL = 5 * 365 * 24 * time.Hour

// CreateToken makes a personal API token for the user with the email
// address, valid for ttl, and returns it. Only its hash is stored, so this
// is the one time it can be seen.
func CreateToken(ctx context.Context, st *store.Store, actor negotiation.Actor, email, name string, ttl time.Duration) (string, time.Time, error) {
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", time.Time{}, negotiation.Errorf(negotiation.EInvalid, "a token must expire within %d days", int(MaxTokenTTL.Hours()/24))
	}
	u, err := st.UserByEmail(ctx, email)
	if negotiation.ErrorCode(err) == negotiation.ENotFound {
		return "", time.Time{}, negotiation.Errorf(negotiation.ENotFound, "no user with the email address %s", email)
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if u.SuspendedAt != nil {
		return "", time.Time{}, negotiation.Errorf(negotiation.EConflict,
			"%s is suspended (%s); a token of theirs would not work", u.Email, u.SuspendedReason)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "made by an admin command"
	}
	token := auth.NewAPIToken()
	expires := time.Now().Add(ttl).UTC()
	_, err = st.CreateAPIToken(ctx, actor, u.ID, name, auth.Hash(token), expires)
	return token, expires, err
}

// ParseTTL reads a lifetime such as "90d", "36h" or "1h30m": a number of
// days, or a Go duration.
func ParseTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		// Bounding n first keeps the multiplication from overflowing.
		if err == nil && n > 0 && n <= int(MaxTokenTTL.Hours()/24) {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, negotiation.Errorf(negotiation.EInvalid,
		"%q is not a lifetime: use a number of days such as 90d, or hours and minutes such as 36h or 1h30m", s)
}

// GeneratePassword returns a new random password of 26 letters and digits
// (130 bits), easy to copy and far above the length the provider needs.
func GeneratePassword() string { return rand.Text() }

// passwordOrNew returns the password to set and, when it had to generate
// it, the same password again to be shown once.
func passwordOrNew(password string) (set, generated string) {
	if password != "" {
		return password, ""
	}
	p := GeneratePassword()
	return p, p
}

func hashPassword(password string) (string, error) {
	if err := oidcprovider.ValidatePassword(password); err != nil {
		return "", negotiation.Errorf(negotiation.EInvalid, "%s", err)
	}
	return oidcprovider.HashPassword(password)
}

// checkPerson applies oidcprovider.CreateAccount's rules for an email
// address and a name. They are repeated here because the account and its
// user are written in one transaction, which CreateAccount cannot join.
func checkPerson(email, name string) (string, string, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > oidcprovider.MaxEmailLen {
		return "", "", negotiation.Errorf(negotiation.EInvalid, "%q is not an email address (name@example.org)", email)
	}
	if name == "" || utf8.RuneCountInString(name) > oidcprovider.MaxNameLen || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", "", negotiation.Errorf(negotiation.EInvalid, "the name must have 1 to %d characters and no control characters", oidcprovider.MaxNameLen)
	}
	return email, name, nil
}

// roleFor checks a role, or gives the default one for the party's kind.
func roleFor(role string, kind negotiation.PartyKind) (string, error) {
	role = strings.TrimSpace(role)
	if role == "" {
		return negotiation.DefaultRole(kind), nil
	}
	if !slices.Contains(Roles, role) {
		return "", negotiation.Errorf(negotiation.EInvalid, "role %q: use one of: %s", role, strings.Join(Roles, ", "))
	}
	return role, nil
}
