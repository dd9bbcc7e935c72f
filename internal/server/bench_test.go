package server_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/zerodraft/zerodraft/internal/testtext"
)

// realTexts reads the two versions named by ZERODRAFT_REALTEXT_OLD and
// ZERODRAFT_REALTEXT_NEW.
func realTexts(b *testing.B) (string, string) {
	return testtext.Real(b, "ZERODRAFT_REALTEXT_OLD"), testtext.Real(b, "ZERODRAFT_REALTEXT_NEW")
}

func benchEnv(b *testing.B) *testEnv { return newEnv(b) }

func postJSON(b *testing.B, e *testEnv, path string, body any) {
	b.Helper()
	if status, raw := e.call("POST", path, body, nil); status != http.StatusCreated {
		b.Fatalf("%s: %d %s", path, status, raw)
	}
}

// BenchmarkImportRealText measures POST /api/v1/documents with a whole
// treaty text: parse, key, store in one transaction.
func BenchmarkImportRealText(b *testing.B) {
	old, _ := realTexts(b)
	e := benchEnv(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		postJSON(b, e, "/api/v1/documents", map[string]string{"symbol": fmt.Sprintf("BENCH/%d", i), "title": "Bench", "text": old})
	}
}

// BenchmarkDiffEndpointRealText measures GET …/diff between the two real
// versions over HTTP, JSON encoding included.
func BenchmarkDiffEndpointRealText(b *testing.B) {
	old, nw := realTexts(b)
	e := benchEnv(b)
	postJSON(b, e, "/api/v1/documents", map[string]string{"symbol": "BENCH/DIFF", "title": "Bench", "text": old})
	postJSON(b, e, "/api/v1/documents/1/versions", map[string]string{"label": "Rev.1", "text": nw})
	req, err := http.NewRequest("GET", e.url+"/api/v1/documents/1/diff?from=1&to=2", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.DefaultClient.Do(req)
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
