package store

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// This file holds what the admin commands and the server's start-up
// (first start, demo) need beyond the other files: writes that must happen
// together in one transaction.

// NewLocalUser is a user of the built-in provider: their local account and
// the user it signs in as, made together.
type NewLocalUser struct {
	Email, Name  string
	PasswordHash string // as oidcprovider.HashPassword makes it
	PartyID      int64
	Role         string
	Issuer       string // how the relying party names the built-in provider (auth.BuiltinIssuer)
}

// CreateLocalUser stores a local account and the user it signs in as
// (issuer, subject = the account's id), linked to a party, in one
// transaction: either both exist afterwards or neither does.
func (s *Store) CreateLocalUser(ctx context.Context, actor negotiation.Actor, nu NewLocalUser) (negotiation.User, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = createLocalUser(ctx, tx, actor, nu)
		return err
	})
	if err != nil {
		return negotiation.User{}, err
	}
	return s.User(ctx, id)
}

// CreateFirstLocalUser is CreateLocalUser on a brand-new installation
// only: it creates nothing and returns false when any user exists. Servers
// starting at the same time on one database take turns, so exactly one of
// them creates the first user.
func (s *Store) CreateFirstLocalUser(ctx context.Context, actor negotiation.Actor, nu NewLocalUser) (negotiation.User, bool, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('zerodraft.first_user'))`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exists); err != nil || exists {
			return err
		}
		var err error
		id, err = createLocalUser(ctx, tx, actor, nu)
		return err
	})
	if err != nil || id == 0 {
		return negotiation.User{}, false, err
	}
	u, err := s.User(ctx, id)
	return u, true, err
}

func createLocalUser(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, nu NewLocalUser) (int64, error) {
	var accountID int64
	err := tx.QueryRow(ctx, `INSERT INTO local_accounts (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`,
		nu.Email, nu.Name, nu.PasswordHash).Scan(&accountID)
	if isUniqueViolation(err, "local_accounts_email_key") {
		return 0, negotiation.Errorf(negotiation.EConflict, "an account with the email address %s exists already", nu.Email)
	}
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, actor, "local_account.create", "local_account", strconv.FormatInt(accountID, 10),
		map[string]any{"email": nu.Email, "name": nu.Name}); err != nil {
		return 0, err
	}
	return createUser(ctx, tx, actor, NewUser{Email: nu.Email, Name: nu.Name, PartyID: nu.PartyID, Role: nu.Role,
		Issuer: nu.Issuer, Subject: strconv.FormatInt(accountID, 10)})
}

// SeedAccreditation is an observer's accreditation recorded as approved
// from the start, as the demo needs it; applications from the web go
// through the secretariat's decision instead.
type SeedAccreditation struct {
	UserID       int64 // the representative, who "applied"
	PartyID      int64 // the observer party accredited
	Organisation string
	Country      string
	Website      string
	ContactName  string
	ContactEmail string
	ValidUntil   time.Time
}

// EnsureApprovedAccreditation records a.PartyID as accredited until
// a.ValidUntil unless it holds an approved accreditation already, and
// tells whether it recorded one.
func (s *Store) EnsureApprovedAccreditation(ctx context.Context, actor negotiation.Actor, a SeedAccreditation) (bool, error) {
	created := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Locking the party keeps two seeders from both finding none.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM parties WHERE id = $1 FOR UPDATE`, a.PartyID); err != nil {
			return err
		}
		var exists bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accreditations WHERE party_id = $1 AND status = 'approved')`,
			a.PartyID).Scan(&exists)
		if err != nil || exists {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO accreditations (user_id, organisation, country, website, contact_name,
				contact_email, status, party_id, valid_until, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'approved', $7, $8, now()) RETURNING id`,
			a.UserID, a.Organisation, a.Country, a.Website, a.ContactName, a.ContactEmail, a.PartyID, a.ValidUntil).Scan(&id)
		if err != nil {
			return err
		}
		created = true
		return audit(ctx, tx, actor, "accreditation.approve", "accreditation", strconv.FormatInt(id, 10),
			map[string]any{"party_id": a.PartyID, "valid_until": a.ValidUntil, "user_id": a.UserID})
	})
	return created, err
}
