package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testEnv is a running server on a fresh, migrated database, with a
// secretariat officer whose API token signs the env's calls.
type testEnv struct {
	t     testing.TB
	url   string
	store *store.Store
	token string // sent as Bearer by call; "" for anonymous calls
	srv   *server.Server
}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	return newEnvOpen(t, store.Open)
}

// newEnvOpen is newEnv with the store opened by open (store.OpenAsOwner
// to test the application's checks without the database's).
func newEnvOpen(t testing.TB, open func(context.Context, string, *slog.Logger) (*store.Store, error)) *testEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := open(ctx, pgtest.NewDatabase(t), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// The relying party reaches the built-in provider over real HTTP, so
	// the server must know its own address before it is built.
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	srv, err := server.New(ctx, server.Options{Store: st, Logger: log, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	srv.StartBackground(ctx)
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	e := &testEnv{t: t, url: hs.URL, store: st, srv: srv}
	e.token = e.tokenFor("SECRETARIAT", negotiation.PartySecretariat, "officer@un.example")
	return e
}

// tokenFor makes a party (if new) and a user in it, and returns an API
// token acting as that user.
func (e *testEnv) tokenFor(code string, kind negotiation.PartyKind, email string) string {
	e.t.Helper()
	ctx := context.Background()
	sys := negotiation.Actor{Name: "test"}
	p, err := e.store.PartyByCode(ctx, code)
	if err != nil {
		if p, err = e.store.CreateParty(ctx, sys, negotiation.Party{Code: code, Name: code, Kind: kind}); err != nil {
			e.t.Fatal(err)
		}
	}
	u, err := e.store.CreateUser(ctx, sys, store.NewUser{Email: email, Name: email, PartyID: p.ID, Role: negotiation.DefaultRole(kind)})
	if err != nil {
		e.t.Fatal(err)
	}
	token := auth.NewAPIToken()
	if _, err := e.store.CreateAPIToken(ctx, sys, u.ID, "test", auth.Hash(token), time.Now().Add(time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	return token
}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
// It returns the status and the raw body.
func (e *testEnv) call(method, path string, body any, out any) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

// apiErr decodes an error body.
func apiErr(t *testing.T, raw []byte) (code, msg string) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("error body %q is not JSON: %v", raw, err)
	}
	return body.Error.Code, body.Error.Message
}
