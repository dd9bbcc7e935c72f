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

	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testEnv is a running server on a fresh, migrated database.
type testEnv struct {
	t     *testing.T
	url   string
	store *store.Store
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, pgtest.NewDatabase(t), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: st, Logger: log, BaseURL: "http://example.test"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testEnv{t: t, url: hs.URL, store: st}
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
