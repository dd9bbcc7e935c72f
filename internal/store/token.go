package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// APIToken is a personal API token as its owner sees it later: never the
// token itself, which is shown once.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// CreateAPIToken stores the hash of a new token for a user.
func (s *Store) CreateAPIToken(ctx context.Context, actor negotiation.Actor, userID int64, name string, hash []byte, expires time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			userID, name, hash, expires).Scan(&id)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "token.create", "user", strconv.FormatInt(userID, 10), map[string]any{"token_id": id, "name": name, "expires_at": expires})
	})
	return id, err
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_at, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[APIToken])
}

// RevokeAPIToken revokes one of a user's own tokens.
func (s *Store) RevokeAPIToken(ctx context.Context, actor negotiation.Actor, userID, tokenID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, tokenID, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "no such active token")
		}
		return audit(ctx, tx, actor, "token.revoke", "user", strconv.FormatInt(userID, 10), map[string]any{"token_id": tokenID})
	})
}

// Login is a sign-in attempt in flight.
type Login struct {
	BrowserHash []byte
	Nonce       string
	Verifier    string
	ReturnTo    string
	ExpiresAt   time.Time
}

// SaveLogin stores a sign-in attempt under the hash of its state.
func (s *Store) SaveLogin(ctx context.Context, stateHash []byte, l Login) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM oidc_logins WHERE expires_at < now()`)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO oidc_logins (state_hash, browser_hash, nonce, verifier, return_to, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, stateHash, l.BrowserHash, l.Nonce, l.Verifier, l.ReturnTo, l.ExpiresAt)
	return err
}

// TakeLogin removes and returns a sign-in attempt: a state works once.
func (s *Store) TakeLogin(ctx context.Context, stateHash []byte) (Login, error) {
	var l Login
	err := s.pool.QueryRow(ctx, `DELETE FROM oidc_logins WHERE state_hash = $1
		RETURNING browser_hash, nonce, verifier, return_to, expires_at`, stateHash).Scan(&l.BrowserHash, &l.Nonce, &l.Verifier, &l.ReturnTo, &l.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, negotiation.Errorf(negotiation.EMalformed, "this sign-in is unknown, was already used, or has expired; start again")
	}
	return l, err
}
