package store

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m)
}

// newStore opens a migrated store on a fresh database.
func newStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

var admin = negotiation.Actor{Name: "admin"}

func createAccount(t *testing.T, s *Store, email string) int64 {
	t.Helper()
	id, err := s.CreateLocalAccount(context.Background(), admin, email, "Ann Example", "$argon2id$fake")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// actions lists the audit actions about one account.
func actions(t *testing.T, s *Store, objectType, objectID string) []string {
	t.Helper()
	events, err := s.AuditTrail(AsSystem(context.Background()), objectType, objectID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action)
	}
	return got
}

func TestLocalAccountEmailIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "Ann@Example.org")

	a, err := s.LocalAccountByEmail(ctx, "ann@EXAMPLE.org")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != id || a.Email != "Ann@Example.org" || a.Name != "Ann Example" || a.Locked || a.Disabled {
		t.Errorf("LocalAccountByEmail = %+v", a)
	}
	_, err = s.CreateLocalAccount(ctx, admin, "ann@example.ORG", "Other", "x")
	if got := negotiation.ErrorCode(err); got != negotiation.EConflict {
		t.Errorf("second account with the same email: code %q, want %q (%v)", got, negotiation.EConflict, err)
	}
	_, err = s.LocalAccountByEmail(ctx, "bob@example.org")
	if got := negotiation.ErrorCode(err); got != negotiation.ENotFound {
		t.Errorf("unknown email: code %q, want %q", got, negotiation.ENotFound)
	}
	if got := actions(t, s, "local_account", itoa(id)); len(got) != 1 || got[0] != "local_account.create" {
		t.Errorf("audit trail = %v, want [local_account.create]", got)
	}
}

func TestLoginFailuresLockTheAccount(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "ann@example.org")
	policy := LockoutPolicy{Threshold: 5, Duration: 15 * time.Minute, Max: 24 * time.Hour}

	for i := 1; i <= 5; i++ {
		locked, err := s.RecordLoginFailure(ctx, id, policy)
		if err != nil {
			t.Fatal(err)
		}
		if want := i == 5; locked != want {
			t.Errorf("failure %d: locked = %v, want %v", i, locked, want)
		}
	}
	a, err := s.LocalAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Locked || a.FailedAttempts != 5 {
		t.Errorf("after 5 failures: Locked %v, FailedAttempts %d", a.Locked, a.FailedAttempts)
	}
	if d := time.Until(a.LockedUntil); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("locked for %v, want 15m", d)
	}
	if got := actions(t, s, "local_account", itoa(id)); len(got) != 2 || got[1] != "local_account.lock" {
		t.Errorf("audit trail = %v, want [local_account.create local_account.lock]", got)
	}

	if err := s.RecordLoginSuccess(ctx, id); err != nil {
		t.Fatal(err)
	}
	a, err = s.LocalAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Locked || a.FailedAttempts != 0 || !a.LockedUntil.IsZero() {
		t.Errorf("after success: %+v", a)
	}
}

func TestLockoutGrows(t *testing.T) {
	t.Parallel()
	p := LockoutPolicy{Threshold: 5, Duration: 15 * time.Minute, Max: 24 * time.Hour}
	for _, c := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {4, 0}, {5, 15 * time.Minute}, {6, 0}, {10, 30 * time.Minute}, {15, time.Hour},
		{40, 24 * time.Hour}, {5000, 24 * time.Hour},
	} {
		if got := p.lockFor(c.failures); got != c.want {
			t.Errorf("lockFor(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestSetLocalPassword(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "ann@example.org")
	policy := LockoutPolicy{Threshold: 1, Duration: time.Hour, Max: time.Hour}
	if _, err := s.RecordLoginFailure(ctx, id, policy); err != nil {
		t.Fatal(err)
	}

	if err := s.SetLocalPassword(ctx, admin, id, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	a, err := s.LocalAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.PasswordHash != "$argon2id$new" || a.Locked || a.FailedAttempts != 0 {
		t.Errorf("after SetLocalPassword: %+v", a)
	}
	got := actions(t, s, "local_account", itoa(id))
	if len(got) != 3 || got[2] != "local_account.password" {
		t.Errorf("audit trail = %v", got)
	}
	err = s.SetLocalPassword(ctx, admin, id+1, "x")
	if code := negotiation.ErrorCode(err); code != negotiation.ENotFound {
		t.Errorf("unknown account: code %q, want %q", code, negotiation.ENotFound)
	}
}

func TestDisablingRevokesTokens(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "ann@example.org")
	tok, err := s.CreateOIDCToken(ctx, OIDCToken{ClientID: "c", AccountID: id}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetLocalAccountDisabled(ctx, admin, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OIDCToken(ctx, tok.ID); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("token of a disabled account: err %v, want not found", err)
	}
	a, err := s.LocalAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Disabled {
		t.Error("account not disabled")
	}
}

// signedInRequest makes an authorization request that id signed in to.
func signedInRequest(t *testing.T, s *Store, accountID int64) OIDCAuthRequest {
	t.Helper()
	ctx := context.Background()
	r, err := s.CreateOIDCAuthRequest(ctx, OIDCAuthRequest{
		ClientID: "c", RedirectURI: "http://127.0.0.1/cb", Scopes: []string{"openid"},
		ResponseType: "code", Nonce: "n", CodeChallenge: "ch", CodeChallengeMethod: "S256",
	}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r.AccountID != 0 || r.Nonce != "n" || len(r.ID) < 20 {
		t.Errorf("new request = %+v", r)
	}
	done, err := s.CompleteOIDCAuthRequest(ctx, r.ID, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if done.AccountID != accountID || done.AuthTime.IsZero() {
		t.Errorf("completed request = %+v", done)
	}
	return done
}

func TestAuthRequestIsSignedInOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "ann@example.org")
	r := signedInRequest(t, s, id)

	if _, err := s.CompleteOIDCAuthRequest(ctx, r.ID, id); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("second sign-in: err %v, want not found", err)
	}
	if _, err := s.PendingOIDCAuthRequest(ctx, r.ID); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("signed-in request still pending: err %v", err)
	}
}

func TestAuthCodeIsUsedOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	id := createAccount(t, s, "ann@example.org")
	r := signedInRequest(t, s, id)

	if err := s.SaveOIDCAuthCode(ctx, r.ID, []byte("code-hash"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOIDCAuthCode(ctx, r.ID, []byte("other-hash"), time.Minute); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("second code for one request: err %v, want not found", err)
	}
	got, err := s.ConsumeOIDCAuthCode(ctx, []byte("code-hash"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.AccountID != id || got.CodeChallenge != "ch" {
		t.Errorf("ConsumeOIDCAuthCode = %+v", got)
	}
	tok, err := s.CreateOIDCToken(ctx, OIDCToken{AuthRequestID: r.ID, ClientID: "c", AccountID: id, Scopes: []string{"openid"}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteOIDCAuthRequest(ctx, r.ID); err != nil {
		t.Fatal(err)
	}

	_, err = s.ConsumeOIDCAuthCode(ctx, []byte("code-hash"))
	if negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("replayed code: err %v, want not found", err)
	}
	if _, err := s.OIDCToken(ctx, tok.ID); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("token issued for a replayed code: err %v, want revoked", err)
	}
}

func TestExpiredAuthCodeIsRefused(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	r := signedInRequest(t, s, createAccount(t, s, "ann@example.org"))
	if err := s.SaveOIDCAuthCode(ctx, r.ID, []byte("code-hash"), -time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeOIDCAuthCode(ctx, []byte("code-hash")); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("expired code: err %v, want not found", err)
	}
}

func TestExpiredAuthRequestIsGone(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	r, err := s.CreateOIDCAuthRequest(ctx, OIDCAuthRequest{ClientID: "c", RedirectURI: "x", ResponseType: "code"}, -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OIDCAuthRequest(ctx, r.ID); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("expired request: err %v, want not found", err)
	}
	id := createAccount(t, s, "ann@example.org")
	if _, err := s.CompleteOIDCAuthRequest(ctx, r.ID, id); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("sign-in to an expired request: err %v, want not found", err)
	}
}

func TestOIDCProviderSecretsAreMadeOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	var mu sync.Mutex
	calls := 0
	generate := func() (OIDCSecrets, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return OIDCSecrets{
			CryptoKey:    make([]byte, 32),
			ClientSecret: "secret",
			SigningKeys:  []OIDCSigningKey{{ID: "kid1", Algorithm: "RS256", PrivateKey: []byte("der")}},
		}, nil
	}

	// Concurrent first starts must agree on one set of secrets.
	var wg sync.WaitGroup
	results := make([]OIDCSecrets, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = s.OIDCProviderSecrets(ctx, "zerodraft", generate) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
	}
	if calls != 1 {
		t.Errorf("generate called %d times, want 1", calls)
	}
	for i, sec := range results {
		if sec.ClientSecret != "secret" || len(sec.CryptoKey) != 32 || len(sec.SigningKeys) != 1 || sec.SigningKeys[0].ID != "kid1" {
			t.Errorf("start %d: %+v", i, sec)
		}
	}
	if got := actions(t, s, "oidc_provider", "1"); len(got) != 1 {
		t.Errorf("audit trail = %v, want one event", got)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
