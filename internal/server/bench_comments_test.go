package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// seedThread gives a document 10,000 comments as a busy consultation has
// them: 8,000 top-level (a quarter on one provision, one in ten part of a
// single campaign, one in fifty hidden, every hundredth with an
// attachment) and 2,000 replies to the first 1,000. It writes them in bulk
// SQL: the benchmark is about reading.
func seedThread(b *testing.B, e *testEnv, docID int64, key string) {
	b.Helper()
	ctx := context.Background()
	e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")
	u, err := e.store.UserByEmail(ctx, "d@ken.example")
	if err != nil {
		b.Fatal(err)
	}
	pool := e.store.Pool()
	for _, q := range []string{
		`INSERT INTO comments (document_id, depth, provision_key, version_number, body, scope, author_id, party_id, campaign_key, created_at)
		SELECT $1, 1, CASE WHEN g % 4 = 0 THEN $2 END, 1, 'Comment number ' || g || ': the committee should consider this point carefully.',
			'public', $3, $4, CASE WHEN g % 10 = 0 THEN 'campaign' ELSE md5(g::text) END, now() - interval '2 hours' + g * interval '10 ms'
		FROM generate_series(1, 8000) g`,
		`INSERT INTO comments (document_id, parent_id, depth, provision_key, version_number, body, scope, author_id, party_id, created_at)
		SELECT c.document_id, c.id, 2, c.provision_key, 1, 'A reply to ' || c.id, 'public', $3, $4, c.created_at + interval '1 second'
		FROM comments c, generate_series(1, 2) r WHERE c.document_id = $1 AND $2::text <> ''
		AND c.id <= (SELECT min(id) + 999 FROM comments WHERE document_id = $1)`,
		`UPDATE comments SET status = 'hidden', status_by = 'secretariat', status_reason = 'off topic', status_at = now()
		WHERE document_id = $1 AND id % 50 = 0 AND $2::text <> '' AND $3::bigint <> $4::bigint`,
		`INSERT INTO comment_attachments (comment_id, name, content_type, size, sha256, data)
		SELECT id, 'submission.txt', 'text/plain; charset=utf-8', 5, '\x00', 'hello' FROM comments WHERE document_id = $1 AND id % 100 = 1
		AND $2::text <> '' AND $3::bigint <> $4::bigint`,
		`VACUUM ANALYZE comments`,
	} {
		args := []any{docID, key, u.ID, u.PartyID}
		if q == `VACUUM ANALYZE comments` {
			args = nil
		}
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// BenchmarkCommentThreadFirstPage measures the first page of a document's
// thread with 10,000 comments: the store's one query, the API answer and
// the document page, over loopback HTTP. It reports p50 and p99 of each
// request (target: first page p50 under 30 ms).
func BenchmarkCommentThreadFirstPage(b *testing.B) {
	e := benchEnv(b)
	c := e.createDoc("A/COM/BENCH", zeroDraft)
	key, _ := e.keyOf(c.ID, 1, "Decides")
	seedThread(b, e, c.ID, key)
	ken := &testEnv{t: b, url: e.url, token: e.tokenFor("KEN2", negotiation.PartyState, "d2@ken.example")}
	ctx := context.Background()
	run := func(b *testing.B, one func() error) {
		var ds []time.Duration
		for b.Loop() {
			t0 := time.Now()
			if err := one(); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
	}
	get := func(path string) func() error {
		req, _ := http.NewRequest("GET", ken.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+ken.token)
		return func() error {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || n == 0 {
				return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
			}
			return nil
		}
	}
	b.Run("store", func(b *testing.B) {
		run(b, func() error {
			p, err := e.store.Comments(ctx, store.CommentQuery{DocumentID: c.ID, ViewerParty: 2})
			if err == nil && (len(p.Comments) != store.CommentPageSize || p.Counts.Visible+p.Counts.Hidden != 10000) {
				err = fmt.Errorf("page of %d, counts %+v", len(p.Comments), p.Counts)
			}
			return err
		})
	})
	b.Run("store-provision", func(b *testing.B) {
		run(b, func() error {
			_, err := e.store.Comments(ctx, store.CommentQuery{DocumentID: c.ID, ViewerParty: 2, Key: key})
			return err
		})
	})
	b.Run("api", func(b *testing.B) { run(b, get(fmt.Sprintf("/api/v1/documents/%d/comments", c.ID))) })
	b.Run("page", func(b *testing.B) { run(b, get(fmt.Sprintf("/documents/%d", c.ID))) })
}
