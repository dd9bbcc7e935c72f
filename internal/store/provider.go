package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// This file keeps the data of the built-in OpenID Provider (package
// oidcprovider): local accounts, the provider's secrets, and the state of
// the authorization code flow. Times that decide validity (expiry, lockout)
// are the database's, so that servers with skewed clocks agree.

// providerActor names the provider in the audit trail for the changes it
// makes by itself (lockouts, first-start secrets).
var providerActor = negotiation.Actor{Name: "oidc-provider"}

// purgeGrace is how long an expired authorization request is kept, so that
// a code replayed late is still recognized as a replay.
const purgeGrace = "1 hour"

// LocalAccount is an account of the built-in OpenID Provider.
type LocalAccount struct {
	ID             int64
	Email          string
	Name           string
	PasswordHash   string
	FailedAttempts int
	LockedUntil    time.Time // zero when not locked since the last success
	Locked         bool      // LockedUntil is in the future by the database's clock
	Disabled       bool
	CreatedAt      time.Time
}

const localAccountColumns = `id, email, name, password_hash, failed_attempts, locked_until,
	coalesce(locked_until > now(), false), disabled, created_at`

func scanLocalAccount(row pgx.Row) (LocalAccount, error) {
	var a LocalAccount
	var lockedUntil *time.Time
	err := row.Scan(&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.FailedAttempts, &lockedUntil,
		&a.Locked, &a.Disabled, &a.CreatedAt)
	if lockedUntil != nil {
		a.LockedUntil = lockedUntil.UTC()
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// CreateLocalAccount stores a new account and returns its id. The email is
// unique regardless of case; passwordHash is stored as given.
func (s *Store) CreateLocalAccount(ctx context.Context, actor negotiation.Actor, email, name, passwordHash string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO local_accounts (email, name, password_hash)
			VALUES ($1, $2, $3) RETURNING id`, email, name, passwordHash).Scan(&id)
		if isUniqueViolation(err, "local_accounts_email_key") {
			return negotiation.Errorf(negotiation.EConflict, "an account with the email address %s exists already", email)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "local_account.create", "local_account", strconv.FormatInt(id, 10),
			map[string]any{"email": email, "name": name})
	})
	return id, err
}

// LocalAccount returns the account with the id.
func (s *Store) LocalAccount(ctx context.Context, id int64) (LocalAccount, error) {
	a, err := scanLocalAccount(s.pool.QueryRow(ctx,
		`SELECT `+localAccountColumns+` FROM local_accounts WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return LocalAccount{}, negotiation.Errorf(negotiation.ENotFound, "account %d not found", id)
	}
	return a, err
}

// LocalAccountByEmail returns the account with the email, compared without
// regard to case.
func (s *Store) LocalAccountByEmail(ctx context.Context, email string) (LocalAccount, error) {
	a, err := scanLocalAccount(s.pool.QueryRow(ctx,
		`SELECT `+localAccountColumns+` FROM local_accounts WHERE lower(email) = lower($1)`, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return LocalAccount{}, negotiation.Errorf(negotiation.ENotFound, "no account with the email address %s", email)
	}
	return a, err
}

// LockoutPolicy says when failed sign-ins lock an account: every Threshold
// consecutive failures lock it, for Duration the first time and twice as
// long each further time, up to Max.
type LockoutPolicy struct {
	Threshold int
	Duration  time.Duration
	Max       time.Duration
}

// lockFor returns how long the failures-th consecutive failure locks the
// account; 0 when it does not.
func (p LockoutPolicy) lockFor(failures int) time.Duration {
	if p.Threshold <= 0 || failures == 0 || failures%p.Threshold != 0 {
		return 0
	}
	d := p.Duration
	for i := failures / p.Threshold; i > 1 && d < p.Max; i-- {
		d *= 2
	}
	return min(d, p.Max)
}

// RecordLoginFailure counts a failed sign-in and, when the policy says so,
// locks the account; it tells whether it did lock it.
func (s *Store) RecordLoginFailure(ctx context.Context, id int64, policy LockoutPolicy) (locked bool, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var failures int
		err := tx.QueryRow(ctx, `UPDATE local_accounts SET failed_attempts = failed_attempts + 1
			WHERE id = $1 RETURNING failed_attempts`, id).Scan(&failures)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "account %d not found", id)
		}
		if err != nil {
			return err
		}
		d := policy.lockFor(failures)
		if d == 0 {
			return nil
		}
		locked = true
		var until time.Time
		err = tx.QueryRow(ctx, `UPDATE local_accounts SET locked_until = now() + make_interval(secs => $2)
			WHERE id = $1 RETURNING locked_until`, id, d.Seconds()).Scan(&until)
		if err != nil {
			return err
		}
		return audit(ctx, tx, providerActor, "local_account.lock", "local_account", strconv.FormatInt(id, 10),
			map[string]any{"failed_attempts": failures, "locked_until": until.UTC()})
	})
	return locked, err
}

// RecordLoginSuccess clears the account's failure count and lockout.
func (s *Store) RecordLoginSuccess(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE local_accounts SET failed_attempts = 0, locked_until = NULL
		WHERE id = $1 AND (failed_attempts <> 0 OR locked_until IS NOT NULL)`, id)
	return err
}

// SetLocalPassword replaces the account's password hash. Setting a password
// also unlocks the account and revokes its access tokens: whoever knew the
// old password loses what it gave them.
func (s *Store) SetLocalPassword(ctx context.Context, actor negotiation.Actor, id int64, passwordHash string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE local_accounts
			SET password_hash = $2, failed_attempts = 0, locked_until = NULL WHERE id = $1`, id, passwordHash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "account %d not found", id)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_tokens WHERE account_id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "local_account.password", "local_account", strconv.FormatInt(id, 10), nil)
	})
}

// SetLocalAccountDisabled disables or re-enables an account. Disabling
// revokes its access tokens.
func (s *Store) SetLocalAccountDisabled(ctx context.Context, actor negotiation.Actor, id int64, disabled bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE local_accounts SET disabled = $2 WHERE id = $1`, id, disabled)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "account %d not found", id)
		}
		action := "local_account.enable"
		if disabled {
			action = "local_account.disable"
			if _, err := tx.Exec(ctx, `DELETE FROM oidc_tokens WHERE account_id = $1`, id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, action, "local_account", strconv.FormatInt(id, 10), nil)
	})
}

// OIDCSecrets are the provider's persistent secrets.
type OIDCSecrets struct {
	CryptoKey    []byte // 32 bytes
	ClientID     string
	ClientSecret string
	SigningKeys  []OIDCSigningKey // newest first; the first one signs
}

// OIDCSigningKey is a private key that signs ID tokens.
type OIDCSigningKey struct {
	ID         string // the JWK "kid"
	Algorithm  string // "RS256"
	PrivateKey []byte // PKCS #8, DER
	CreatedAt  time.Time
}

// OIDCProviderSecrets returns the provider's secrets and the client
// secret of clientID. What is missing (on first start) is taken from
// generate, stored, and audited; generate is called only then. Concurrent
// first starts are serialized so that all of them end up with the same
// secrets.
func (s *Store) OIDCProviderSecrets(ctx context.Context, clientID string, generate func() (OIDCSecrets, error)) (OIDCSecrets, error) {
	var sec OIDCSecrets
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('zerodraft.oidc_provider'))`); err != nil {
			return err
		}
		var err error
		if sec, err = loadOIDCSecrets(ctx, tx, clientID); err != nil {
			return err
		}
		if len(sec.CryptoKey) != 0 && sec.ClientSecret != "" && len(sec.SigningKeys) != 0 {
			return nil
		}
		gen, err := generate()
		if err != nil {
			return err
		}
		if err := insertMissingOIDCSecrets(ctx, tx, sec, gen, clientID); err != nil {
			return err
		}
		sec, err = loadOIDCSecrets(ctx, tx, clientID)
		return err
	})
	return sec, err
}

func loadOIDCSecrets(ctx context.Context, tx pgx.Tx, clientID string) (OIDCSecrets, error) {
	sec := OIDCSecrets{ClientID: clientID}
	err := tx.QueryRow(ctx, `SELECT crypto_key FROM oidc_provider`).Scan(&sec.CryptoKey)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return sec, err
	}
	err = tx.QueryRow(ctx, `SELECT secret FROM oidc_clients WHERE id = $1`, clientID).Scan(&sec.ClientSecret)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return sec, err
	}
	rows, err := tx.Query(ctx, `SELECT id, algorithm, private_key, created_at FROM oidc_signing_keys
		ORDER BY created_at DESC, id`)
	if err != nil {
		return sec, err
	}
	sec.SigningKeys, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OIDCSigningKey, error) {
		var k OIDCSigningKey
		err := r.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &k.CreatedAt)
		return k, err
	})
	return sec, err
}

// insertMissingOIDCSecrets stores those of gen's secrets that are missing
// from have, and audits which (never the secrets themselves).
func insertMissingOIDCSecrets(ctx context.Context, tx pgx.Tx, have, gen OIDCSecrets, clientID string) error {
	var created []string
	if len(have.CryptoKey) == 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO oidc_provider (crypto_key) VALUES ($1)`, gen.CryptoKey); err != nil {
			return fmt.Errorf("store crypto key: %w", err)
		}
		created = append(created, "crypto_key")
	}
	if have.ClientSecret == "" {
		if _, err := tx.Exec(ctx, `INSERT INTO oidc_clients (id, secret) VALUES ($1, $2)`, clientID, gen.ClientSecret); err != nil {
			return fmt.Errorf("store client secret: %w", err)
		}
		created = append(created, "client_secret:"+clientID)
	}
	if len(have.SigningKeys) == 0 {
		for _, k := range gen.SigningKeys {
			_, err := tx.Exec(ctx, `INSERT INTO oidc_signing_keys (id, algorithm, private_key) VALUES ($1, $2, $3)`,
				k.ID, k.Algorithm, k.PrivateKey)
			if err != nil {
				return fmt.Errorf("store signing key: %w", err)
			}
			created = append(created, "signing_key:"+k.ID)
		}
	}
	return audit(ctx, tx, providerActor, "oidc_provider.secrets_create", "oidc_provider", "1",
		map[string]any{"created": created})
}

// OIDCAuthRequest is an authorization request between /authorize and the
// code exchange.
type OIDCAuthRequest struct {
	ID                  string
	ClientID            string
	RedirectURI         string
	Scopes              []string
	ResponseType        string
	ResponseMode        string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	AccountID           int64     // 0 until someone signed in
	AuthTime            time.Time // when AccountID signed in
	CreatedAt           time.Time
}

const authRequestColumns = `id, client_id, redirect_uri, scopes, response_type, response_mode, state,
	nonce, code_challenge, code_challenge_method, coalesce(account_id, 0), auth_time, created_at`

func scanAuthRequest(row pgx.Row) (OIDCAuthRequest, error) {
	var r OIDCAuthRequest
	var authTime *time.Time
	err := row.Scan(&r.ID, &r.ClientID, &r.RedirectURI, &r.Scopes, &r.ResponseType, &r.ResponseMode,
		&r.State, &r.Nonce, &r.CodeChallenge, &r.CodeChallengeMethod, &r.AccountID, &authTime, &r.CreatedAt)
	if authTime != nil {
		r.AuthTime = authTime.UTC()
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err
}

// errAuthRequestGone is what every lookup of a missing, expired or used
// authorization request answers, so that none tells which it was.
func errAuthRequestGone() error {
	return negotiation.Errorf(negotiation.ENotFound, "this sign-in request has expired or was used already")
}

// CreateOIDCAuthRequest stores r under a new random id, valid for ttl, and
// returns it. It also deletes long-expired requests.
func (s *Store) CreateOIDCAuthRequest(ctx context.Context, r OIDCAuthRequest, ttl time.Duration) (OIDCAuthRequest, error) {
	if _, err := s.pool.Exec(ctx, `DELETE FROM oidc_auth_requests WHERE expires_at < now() - interval '`+purgeGrace+`'`); err != nil {
		return OIDCAuthRequest{}, err
	}
	if r.Scopes == nil {
		r.Scopes = []string{}
	}
	return scanAuthRequest(s.pool.QueryRow(ctx, `INSERT INTO oidc_auth_requests (id, client_id, redirect_uri,
			scopes, response_type, response_mode, state, nonce, code_challenge, code_challenge_method, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(secs => $11))
		RETURNING `+authRequestColumns,
		rand.Text(), r.ClientID, r.RedirectURI, r.Scopes, r.ResponseType, r.ResponseMode, r.State,
		r.Nonce, r.CodeChallenge, r.CodeChallengeMethod, ttl.Seconds()))
}

// OIDCAuthRequest returns the unexpired authorization request with the id.
func (s *Store) OIDCAuthRequest(ctx context.Context, id string) (OIDCAuthRequest, error) {
	r, err := scanAuthRequest(s.pool.QueryRow(ctx, `SELECT `+authRequestColumns+`
		FROM oidc_auth_requests WHERE id = $1 AND expires_at > now()`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, errAuthRequestGone()
	}
	return r, err
}

// PendingOIDCAuthRequest returns the authorization request with the id if
// it still waits for someone to sign in.
func (s *Store) PendingOIDCAuthRequest(ctx context.Context, id string) (OIDCAuthRequest, error) {
	r, err := scanAuthRequest(s.pool.QueryRow(ctx, `SELECT `+authRequestColumns+`
		FROM oidc_auth_requests WHERE id = $1 AND expires_at > now() AND account_id IS NULL`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, errAuthRequestGone()
	}
	return r, err
}

// CompleteOIDCAuthRequest records that accountID signed in for the
// request. It succeeds once per request: a second sign-in is refused.
func (s *Store) CompleteOIDCAuthRequest(ctx context.Context, id string, accountID int64) (OIDCAuthRequest, error) {
	r, err := scanAuthRequest(s.pool.QueryRow(ctx, `UPDATE oidc_auth_requests SET account_id = $2, auth_time = now()
		WHERE id = $1 AND expires_at > now() AND account_id IS NULL RETURNING `+authRequestColumns, id, accountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, errAuthRequestGone()
	}
	return r, err
}

// SaveOIDCAuthCode attaches the (hash of the) authorization code to a
// signed-in request, valid for ttl. A request gets one code only.
func (s *Store) SaveOIDCAuthCode(ctx context.Context, id string, codeHash []byte, ttl time.Duration) error {
	tag, err := s.pool.Exec(ctx, `UPDATE oidc_auth_requests
		SET code_hash = $2, code_expires_at = least(expires_at, now() + make_interval(secs => $3))
		WHERE id = $1 AND expires_at > now() AND account_id IS NOT NULL AND code_hash IS NULL`,
		id, codeHash, ttl.Seconds())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errAuthRequestGone()
	}
	return nil
}

// ConsumeOIDCAuthCode returns the request the code was issued for and marks
// the code used. A code that was used already revokes the access tokens
// issued for it (RFC 6749, section 4.1.2: a replay means it was stolen) and
// is refused like an unknown or expired one.
func (s *Store) ConsumeOIDCAuthCode(ctx context.Context, codeHash []byte) (OIDCAuthRequest, error) {
	var r OIDCAuthRequest
	var valid bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var used, expired bool
		err := tx.QueryRow(ctx, `SELECT id, code_used_at IS NOT NULL, code_expires_at <= now()
			FROM oidc_auth_requests WHERE code_hash = $1 FOR UPDATE`, codeHash).Scan(&r.ID, &used, &expired)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if used {
			_, err := tx.Exec(ctx, `DELETE FROM oidc_tokens WHERE auth_request_id = $1`, r.ID)
			return err
		}
		if expired {
			return nil
		}
		valid = true
		r, err = scanAuthRequest(tx.QueryRow(ctx, `UPDATE oidc_auth_requests SET code_used_at = now()
			WHERE id = $1 RETURNING `+authRequestColumns, r.ID))
		return err
	})
	if err != nil {
		return OIDCAuthRequest{}, err
	}
	if !valid {
		return OIDCAuthRequest{}, errAuthRequestGone()
	}
	return r, nil
}

// DeleteOIDCAuthRequest forgets a request that is finished with. A request
// whose code was used stays until it is purged, for replay detection.
func (s *Store) DeleteOIDCAuthRequest(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM oidc_auth_requests WHERE id = $1 AND code_used_at IS NULL`, id)
	return err
}

// OIDCToken is an opaque access token.
type OIDCToken struct {
	ID            string
	AuthRequestID string // "" when not from an authorization request
	ClientID      string
	AccountID     int64
	Scopes        []string
	ExpiresAt     time.Time
}

// CreateOIDCToken stores an access token under a new random id, valid for
// ttl, and returns it. It also deletes expired tokens.
func (s *Store) CreateOIDCToken(ctx context.Context, t OIDCToken, ttl time.Duration) (OIDCToken, error) {
	if _, err := s.pool.Exec(ctx, `DELETE FROM oidc_tokens WHERE expires_at < now()`); err != nil {
		return OIDCToken{}, err
	}
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	var authRequestID *string
	if t.AuthRequestID != "" {
		authRequestID = &t.AuthRequestID
	}
	t.ID = rand.Text()
	err := s.pool.QueryRow(ctx, `INSERT INTO oidc_tokens (id, auth_request_id, client_id, account_id, scopes, expires_at)
		VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING expires_at`,
		t.ID, authRequestID, t.ClientID, t.AccountID, t.Scopes, ttl.Seconds()).Scan(&t.ExpiresAt)
	t.ExpiresAt = t.ExpiresAt.UTC()
	return t, err
}

// OIDCToken returns the unexpired access token with the id.
func (s *Store) OIDCToken(ctx context.Context, id string) (OIDCToken, error) {
	var t OIDCToken
	var authRequestID *string
	err := s.pool.QueryRow(ctx, `SELECT id, auth_request_id, client_id, account_id, scopes, expires_at
		FROM oidc_tokens WHERE id = $1 AND expires_at > now()`, id).
		Scan(&t.ID, &authRequestID, &t.ClientID, &t.AccountID, &t.Scopes, &t.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, negotiation.Errorf(negotiation.ENotFound, "the access token is invalid or has expired")
	}
	if authRequestID != nil {
		t.AuthRequestID = *authRequestID
	}
	t.ExpiresAt = t.ExpiresAt.UTC()
	return t, err
}

// RevokeOIDCToken deletes the access token if it was issued to clientID.
// Revoking an unknown token is not an error (RFC 7009, section 2.2).
func (s *Store) RevokeOIDCToken(ctx context.Context, id, clientID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM oidc_tokens WHERE id = $1 AND client_id = $2`, id, clientID)
	return err
}

// RevokeOIDCTokens deletes the access tokens of the account issued to
// clientID, as when the account signs out of that client.
func (s *Store) RevokeOIDCTokens(ctx context.Context, accountID int64, clientID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM oidc_tokens WHERE account_id = $1 AND client_id = $2`, accountID, clientID)
	return err
}
