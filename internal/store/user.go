package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// NewUser is a user to create: by an admin command, by the secretariat, or
// by an observer's application. Issuer and Subject may be empty for a user
// pre-registered by email who has not signed in yet.
type NewUser struct {
	Email, Name     string
	PartyID         int64 // 0: no party, no rights
	Role            string
	Issuer, Subject string
}

// CreateUser stores a user.
func (s *Store) CreateUser(ctx context.Context, actor negotiation.Actor, nu NewUser) (negotiation.User, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = createUser(ctx, tx, actor, nu)
		return err
	})
	if err != nil {
		return negotiation.User{}, err
	}
	return s.User(ctx, id)
}

func createUser(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, nu NewUser) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO users (email, name, party_id, role, issuer, subject)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		strings.TrimSpace(nu.Email), strings.TrimSpace(nu.Name), nullID(nu.PartyID), nu.Role, nullText(nu.Issuer), nullText(nu.Subject)).Scan(&id)
	if isUniqueViolation(err, "users_email_key") {
		return 0, negotiation.Errorf(negotiation.EConflict, "a user with the email %s exists already", nu.Email)
	}
	if err != nil {
		return 0, err
	}
	return id, audit(ctx, tx, actor, "user.create", "user", strconv.FormatInt(id, 10),
		map[string]any{"party_id": nu.PartyID, "role": nu.Role})
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

const userSelect = `SELECT u.id, u.email, u.name, coalesce(u.party_id, 0), coalesce(p.code, ''), u.role,
	u.suspended_at, coalesce(u.suspended_reason, ''), u.last_login_at
	FROM users u LEFT JOIN parties p ON p.id = u.party_id`

func scanUser(r pgx.CollectableRow) (negotiation.User, error) {
	var u negotiation.User
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.PartyID, &u.PartyCode, &u.Role, &u.SuspendedAt, &u.SuspendedReason, &u.LastLoginAt)
	return u, err
}

// User returns one user.
func (s *Store) User(ctx context.Context, id int64) (negotiation.User, error) {
	return s.oneUser(ctx, ` WHERE u.id = $1`, id)
}

// UserByEmail finds a user by email, in any case.
func (s *Store) UserByEmail(ctx context.Context, email string) (negotiation.User, error) {
	return s.oneUser(ctx, ` WHERE lower(u.email) = lower($1)`, strings.TrimSpace(email))
}

func (s *Store) oneUser(ctx context.Context, where string, arg any) (negotiation.User, error) {
	rows, err := s.pool.Query(ctx, userSelect+where, arg)
	if err != nil {
		return negotiation.User{}, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, negotiation.Errorf(negotiation.ENotFound, "no such user")
	}
	return u, err
}

// Users lists users; partyID 0 lists all.
func (s *Store) Users(ctx context.Context, partyID int64) ([]negotiation.User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` WHERE $1 = 0 OR u.party_id = $1 ORDER BY p.code NULLS FIRST, u.name`, partyID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUser)
}

// CountUsers tells how many users exist (0 on a brand-new installation).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// SignIn finds the user an OpenID provider vouched for, by issuer and
// subject; failing that it links a user pre-registered with the same
// (verified) email, or creates a user without rights. A suspended user is
// refused.
func (s *Store) SignIn(ctx context.Context, issuer, subject, email, name string, emailVerified bool) (negotiation.User, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = signIn(ctx, tx, issuer, subject, email, name, emailVerified)
		return err
	})
	if err != nil {
		return negotiation.User{}, err
	}
	u, err := s.User(ctx, id)
	if err == nil && u.SuspendedAt != nil {
		return u, negotiation.Errorf(negotiation.EForbidden, "this account is suspended: %s", u.SuspendedReason)
	}
	return u, err
}

func signIn(ctx context.Context, tx pgx.Tx, issuer, subject, email, name string, emailVerified bool) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `UPDATE users SET last_login_at = now() WHERE issuer = $1 AND subject = $2 RETURNING id`, issuer, subject).Scan(&id)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return id, err
	}
	if emailVerified && email != "" {
		err = tx.QueryRow(ctx, `UPDATE users SET issuer = $1, subject = $2, last_login_at = now()
			WHERE lower(email) = lower($3) AND issuer IS NULL RETURNING id`, issuer, subject, email).Scan(&id)
		if err == nil {
			return id, audit(ctx, tx, negotiation.Actor{UserID: id, Name: email}, "user.link_identity", "user", strconv.FormatInt(id, 10), nil)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return 0, err
		}
	}
	if email == "" {
		email = subject + "@" + issuer
	}
	if name == "" {
		name = email
	}
	id, err = createUser(ctx, tx, negotiation.Actor{Name: email}, NewUser{Email: email, Name: name, Issuer: issuer, Subject: subject})
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, id)
	return id, err
}

// SetUserParty links a user to a party with a role (the secretariat's
// decision for users who signed in without rights, or a change of party).
func (s *Store) SetUserParty(ctx context.Context, actor negotiation.Actor, userID, partyID int64, role string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET party_id = $2, role = $3 WHERE id = $1`, userID, nullID(partyID), role)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "no such user")
		}
		return audit(ctx, tx, actor, "user.set_party", "user", strconv.FormatInt(userID, 10), map[string]any{"party_id": partyID, "role": role})
	})
}

// SuspendUser suspends a user with a reason: their sessions and tokens die
// at once; nothing they wrote is touched.
func (s *Store) SuspendUser(ctx context.Context, actor negotiation.Actor, userID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return negotiation.Errorf(negotiation.EInvalid, "a suspension needs a reason")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET suspended_at = now(), suspended_reason = $2 WHERE id = $1 AND suspended_at IS NULL`, userID, reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.EConflict, "no such user, or already suspended")
		}
		if err := revokeAll(ctx, tx, userID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.suspend", "user", strconv.FormatInt(userID, 10), map[string]any{"reason": reason})
	})
}

// ReinstateUser lifts a suspension.
func (s *Store) ReinstateUser(ctx context.Context, actor negotiation.Actor, userID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET suspended_at = NULL, suspended_reason = NULL WHERE id = $1 AND suspended_at IS NOT NULL`, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.EConflict, "no such user, or not suspended")
		}
		return audit(ctx, tx, actor, "user.reinstate", "user", strconv.FormatInt(userID, 10), nil)
	})
}

// RevokeSessions ends every session of a user (the secretariat's button).
func (s *Store) RevokeSessions(ctx context.Context, actor negotiation.Actor, userID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.revoke_sessions", "user", strconv.FormatInt(userID, 10), nil)
	})
}

func revokeAll(ctx context.Context, tx pgx.Tx, userID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	return err
}

// RecordDenial writes a refused action to the audit trail.
func (s *Store) RecordDenial(ctx context.Context, actor negotiation.Actor, action, objectType, objectID string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return audit(ctx, tx, actor, "denied", objectType, objectID, map[string]any{"action": action})
	})
}

// viewerSelect reads a signed-in viewer: a user who is not suspended, with
// their party and, for observers, the end of their valid accreditation.
const viewerSelect = `SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
	coalesce(p.kind, ''), u.role,
	(SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
	coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}')
	FROM users u LEFT JOIN parties p ON p.id = u.party_id`

// viewerSelectWith is viewerSelect with extra columns after the viewer's.
func viewerSelectWith(cols string) string {
	return strings.Replace(viewerSelect, "\n\tFROM users u", ", "+cols+"\n\tFROM users u", 1)
}

func scanViewer(row pgx.Row, extra ...any) (negotiation.Viewer, error) {
	var v negotiation.Viewer
	dest := append([]any{&v.UserID, &v.Name, &v.Email, &v.PartyID, &v.PartyCode, &v.PartyName, &v.PartyKind, &v.Role, &v.AccreditedUntil, &v.ChairOf}, extra...)
	err := row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, negotiation.Errorf(negotiation.EUnauthorized, "the session or token is not valid (expired, revoked or suspended); sign in again")
	}
	return v, err
}

// ViewerBySession returns the viewer of a live session: not revoked, not
// past its absolute expiry, seen within idle, its user not suspended. It
// refreshes last_seen_at at most once a minute, so reads stay reads.
func (s *Store) ViewerBySession(ctx context.Context, idHash []byte, idle time.Duration) (negotiation.Viewer, error) {
	ctx = outsideRowRules(ctx)
	v, err := scanViewer(s.pool.QueryRow(ctx, viewerSelect+` JOIN sessions s ON s.user_id = u.id
		WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
		AND s.last_seen_at > now() - $2::interval AND u.suspended_at IS NULL`, idHash, idle.String()))
	if err != nil {
		return v, err
	}
	v.SessionHash = idHash
	_, err = s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1 AND last_seen_at < now() - interval '1 minute'`, idHash)
	return v, err
}

// CreateSession stores a new session for a user who just signed in.
func (s *Store) CreateSession(ctx context.Context, userID int64, idHash []byte, expires time.Time, idToken string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, expires_at, id_token) VALUES ($1, $2, $3, $4)`,
			idHash, userID, expires, idToken); err != nil {
			return err
		}
		return audit(ctx, tx, negotiation.Actor{UserID: userID, Name: "user " + strconv.FormatInt(userID, 10)}, "session.create", "user", strconv.FormatInt(userID, 10), nil)
	})
}

// EndSession revokes one session (sign-out) and returns its ID token, for
// the provider's logout.
func (s *Store) EndSession(ctx context.Context, actor negotiation.Actor, idHash []byte) (string, error) {
	var idToken string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL RETURNING id_token`, idHash).Scan(&idToken)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "session.end", "user", strconv.FormatInt(actor.UserID, 10), nil)
	})
	return idToken, err
}
