package store

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// ViewerByToken returns the owner of a live API token. It notes when the
// token was last used, at most once a minute, so that a script's calls stay
// reads. Every call asks the database, so that a revoked token, or one of
// a suspended user, stops working at once, on every server process; the
// lookups of requests that arrive together share one query (batcher,
// lookupTokens), since a busy API asks this of every request.
func (s *Store) ViewerByToken(ctx context.Context, hash []byte) (negotiation.Viewer, error) {
	l := &tokenLookup{hash: hash, done: make(chan struct{})}
	s.tokenLookups.add(l)
	select {
	case <-l.done:
		return l.v, l.err
	case <-ctx.Done():
		return negotiation.Viewer{}, ctx.Err()
	}
}

// liveTokenJoin, after viewerSelect, keeps the owners of live API tokens,
// their hashes compared with what follows.
const liveTokenJoin = ` JOIN api_tokens t ON t.user_id = u.id
	WHERE t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL AND t.token_hash`

// errTokenNotLive answers for a token that is unknown, revoked, expired or
// whose owner is suspended.
var errTokenNotLive = negotiation.Errorf(negotiation.EUnauthorized, "the session or token is not valid (expired, revoked or suspended); sign in again")

// A tokenLookup is a request's API token (hashed) waiting for its owner.
type tokenLookup struct {
	hash []byte
	v    negotiation.Viewer
	err  error
	done chan struct{} // closed when v and err are the answer
	// answered guards done: a batch that panicked answers whoever is
	// still waiting.
	answered atomic.Bool
}

// answer gives the lookup its answer; only the first counts.
func (l *tokenLookup) answer(v negotiation.Viewer, err error) {
	if l.answered.CompareAndSwap(false, true) {
		l.v, l.err = v, err
		close(l.done)
	}
}

// maxTokenLookups bounds the tokens looked up in one query, and
// tokenLookupTurns the queries in flight: one, since a lookup is short,
// and the requests that come in while it runs are gathered for the next.
const (
	maxTokenLookups  = 128
	tokenLookupTurns = 1
)

// newTokenLookups gathers API token lookups into shared queries.
func (s *Store) newTokenLookups() *batcher[*tokenLookup] {
	return &batcher[*tokenLookup]{turns: tokenLookupTurns, limit: maxTokenLookups, run: s.lookupTokens,
		fail: func(l *tokenLookup, err error) { l.answer(negotiation.Viewer{}, err) },
		name: "API token lookup", log: s.log}
}

// lookupTokens answers a batch of lookups with one query for the owners
// of the live tokens among them and, if some were not used for a minute,
// one update of their last use.
func (s *Store) lookupTokens(batch []*tokenLookup) {
	ctx, cancel := batchContext()
	defer cancel()
	owners, err := s.tokenOwners(outsideRowRules(ctx), batch)
	for _, l := range batch {
		v, ok := owners[string(l.hash)]
		switch {
		case err != nil:
			l.answer(negotiation.Viewer{}, err)
		case ok:
			l.answer(v, nil)
		default:
			l.answer(negotiation.Viewer{}, errTokenNotLive)
		}
	}
}

// tokenOwners reads the owners of the live tokens among the batch's, by
// hash, and notes their use.
func (s *Store) tokenOwners(ctx context.Context, batch []*tokenLookup) (map[string]negotiation.Viewer, error) {
	hashes := make([][]byte, 0, len(batch))
	seen := map[string]bool{}
	for _, l := range batch {
		if !seen[string(l.hash)] {
			seen[string(l.hash)] = true
			hashes = append(hashes, l.hash)
		}
	}
	rows, err := s.pool.Query(ctx, viewerSelectWith("t.token_hash, t.last_used_at")+liveTokenJoin+` = ANY ($1)`, hashes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	owners := map[string]negotiation.Viewer{}
	var unnoted [][]byte
	for rows.Next() {
		var hash []byte
		var lastUsed *time.Time
		v, err := scanViewer(rows, &hash, &lastUsed)
		if err != nil {
			return nil, err
		}
		owners[string(hash)] = v
		if lastUsed == nil || time.Since(*lastUsed) >= time.Minute {
			unnoted = append(unnoted, hash)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(unnoted) > 0 {
		if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE token_hash = ANY ($1)`, unnoted); err != nil {
			return nil, err
		}
	}
	return owners, nil
}
