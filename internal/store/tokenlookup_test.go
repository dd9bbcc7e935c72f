package store

import (
	"context"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestTokenLookupsShareAQuery answers one batch of lookups: a live token
// asked twice, a revoked one, an expired one, one of a suspended user and
// an unknown one each get their own answer, and the live token's use is
// noted.
func TestTokenLookupsShareAQuery(t *testing.T) {
	t.Parallel()
	s, f := newPolicyFixture(t, nil)
	sys := AsSystem(context.Background())
	token := func(user int64, name string, expires time.Time) []byte {
		hash := []byte("hash of " + name)
		if _, err := s.CreateAPIToken(sys, admin, user, name, hash, expires); err != nil {
			t.Fatal(err)
		}
		return hash
	}
	day := time.Now().Add(24 * time.Hour)
	live := token(f.fraUser, "live", day)
	revoked := token(f.fraUser, "revoked", day)
	expired := token(f.fraUser, "expired", time.Now().Add(-time.Minute))
	suspended := token(f.usaUser, "suspended", day)
	if _, err := s.Pool().Exec(sys, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1`, revoked); err != nil {
		t.Fatal(err)
	}
	if err := s.SuspendUser(sys, admin, f.usaUser, "test"); err != nil {
		t.Fatal(err)
	}
	hashes := [][]byte{live, revoked, live, expired, suspended, []byte("unknown")}
	batch := make([]*tokenLookup, len(hashes))
	for i, h := range hashes {
		batch[i] = &tokenLookup{hash: h, done: make(chan struct{})}
	}
	s.lookupTokens(batch)
	for i, l := range batch {
		<-l.done
		wantLive := i == 0 || i == 2
		switch {
		case wantLive && (l.err != nil || l.v.UserID != f.fraUser || l.v.PartyCode != "FRA"):
			t.Errorf("lookup %d (live): %+v, %v", i, l.v, l.err)
		case !wantLive && (negotiation.ErrorCode(l.err) != negotiation.EUnauthorized || l.v.UserID != 0):
			t.Errorf("lookup %d: %+v, %v; want unauthorized", i, l.v, l.err)
		}
	}
	var noted int
	if err := s.Pool().QueryRow(sys, `SELECT count(*) FROM api_tokens WHERE last_used_at IS NOT NULL`).Scan(&noted); err != nil || noted != 1 {
		t.Errorf("%d tokens noted as used (%v), want the live one", noted, err)
	}
	// Through ViewerByToken, as a request asks.
	if v, err := s.ViewerByToken(context.Background(), live); err != nil || v.UserID != f.fraUser {
		t.Errorf("ViewerByToken(live): %+v, %v", v, err)
	}
	if _, err := s.ViewerByToken(context.Background(), revoked); negotiation.ErrorCode(err) != negotiation.EUnauthorized {
		t.Errorf("ViewerByToken(revoked): %v", err)
	}
}
