package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

// realTexts reads the two versions named by ZERODRAFT_REALTEXT_OLD and
// ZERODRAFT_REALTEXT_NEW, dropping a first "# Source:" line.
func realTexts(b *testing.B) (string, string) {
	b.Helper()
	read := func(env string) string {
		path := os.Getenv(env)
		if path == "" {
			b.Skipf("set %s to a real negotiation text to run this benchmark", env)
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		s := string(buf)
		if strings.HasPrefix(s, "# ") {
			s = s[strings.IndexByte(s, '\n')+1:]
		}
		return s
	}
	return read("ZERODRAFT_REALTEXT_OLD"), read("ZERODRAFT_REALTEXT_NEW")
}

func benchEnv(b *testing.B) string {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, pgtest.NewDatabase(b), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: st, Logger: log, BaseURL: "http://example.test"})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)
	return hs.URL
}

func postJSON(b *testing.B, url string, body any) string {
	b.Helper()
	buf, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", strings.NewReader(string(buf)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("%s: %d %s", url, resp.StatusCode, raw)
	}
	return string(raw)
}

// BenchmarkImportRealText measures POST /api/v1/documents with a whole
// treaty text: parse, key, store in one transaction.
func BenchmarkImportRealText(b *testing.B) {
	old, _ := realTexts(b)
	url := benchEnv(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		postJSON(b, url+"/api/v1/documents", map[string]string{"symbol": fmt.Sprintf("BENCH/%d", i), "title": "Bench", "text": old})
	}
}

// BenchmarkDiffEndpointRealText measures GET …/diff between the two real
// versions over HTTP, JSON encoding included.
func BenchmarkDiffEndpointRealText(b *testing.B) {
	old, nw := realTexts(b)
	url := benchEnv(b)
	postJSON(b, url+"/api/v1/documents", map[string]string{"symbol": "BENCH/DIFF", "title": "Bench", "text": old})
	postJSON(b, url+"/api/v1/documents/1/versions", map[string]string{"label": "Rev.1", "text": nw})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(url + "/api/v1/documents/1/diff?from=1&to=2")
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n == 0 {
			b.Fatalf("diff: %d", resp.StatusCode)
		}
	}
}
