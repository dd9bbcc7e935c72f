package admin

import (
	"context"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// The secretariat's party, which the first start creates when missing.
var secretariat = negotiation.Party{Code: "SECRETARIAT", Name: "Secretariat", Kind: negotiation.PartySecretariat}

// DefaultAdminEmail is the first start's account when none is configured.
const DefaultAdminEmail = "admin@zerodraft.local"

// FirstAccount is what a first start did. Password is the generated
// password, to be shown once; it is empty when the caller gave one.
type FirstAccount struct {
	Created  bool // false: the installation had users already, nothing was done
	User     negotiation.User
	Password string
}

// FirstStart makes a brand-new installation usable with the built-in
// provider: when no user exists yet, it creates the SECRETARIAT party (if
// missing) and a secretariat officer's account with the email address and
// password (generated when empty). On every later start it does nothing,
// so the account is made once even when several servers start together.
func FirstStart(ctx context.Context, st *store.Store, actor negotiation.Actor, email, password string) (FirstAccount, error) {
	// Counting first spares every later start the party lookup and the
	// deliberately slow password hash.
	if n, err := st.CountUsers(ctx); err != nil || n > 0 {
		return FirstAccount{}, err
	}
	if email == "" {
		email = DefaultAdminEmail
	}
	email, name, err := checkPerson(email, "Secretariat administrator")
	if err != nil {
		return FirstAccount{}, err
	}
	party, err := secretariatParty(ctx, st, actor)
	if err != nil {
		return FirstAccount{}, err
	}
	password, generated := passwordOrNew(password)
	hash, err := hashPassword(password)
	if err != nil {
		return FirstAccount{}, err
	}
	u, created, err := st.CreateFirstLocalUser(ctx, actor, store.NewLocalUser{Email: email, Name: name, PasswordHash: hash,
		PartyID: party.ID, Role: negotiation.RoleOfficer, Issuer: auth.BuiltinIssuer})
	if err != nil || !created {
		return FirstAccount{}, err
	}
	return FirstAccount{Created: true, User: u, Password: generated}, nil
}

// secretariatParty returns the SECRETARIAT party, creating it if missing.
func secretariatParty(ctx context.Context, st *store.Store, actor negotiation.Actor) (negotiation.Party, error) {
	p, _, err := EnsureParty(ctx, st, actor, secretariat)
	if err != nil {
		return p, err
	}
	if p.Kind != negotiation.PartySecretariat {
		return p, negotiation.Errorf(negotiation.EConflict,
			"the party %s is a %s, not the secretariat; add the secretariat's account with \"zerodraft admin user add\"", p.Code, p.Kind)
	}
	return p, nil
}
