package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
)

// rlsSeed is what seedRLS made: the measured document and two readers.
type rlsSeed struct {
	doc                int64
	dis                negotiation.Disclosure
	state, observer    negotiation.Viewer
	proposals, threads int // the measured document's rows
}

// seedRLS fills a database with 1,000,000 proposals and 1,000,000
// comments over 500 documents (40 provisions each; the four presets in
// turn), from 180 states, 10 groups and 300 observers. The measured
// document, under the "observers" preset, holds 2,000 proposals and
// 10,000 comments (8,000 top-level, 2,000 replies); the rest belongs to
// the other 499. Rows of every document are interleaved in the heap, as
// they are when many negotiations run at once. Mixes (status, kind,
// scope, author kind, hidden and withdrawn comments, campaigns) are drawn
// from hashes of the row number, so that the measured document gets the
// same mix as the others. One transaction in bulk SQL, as the owner with
// triggers and foreign-key checks off (the rows are consistent by
// construction; author_kind, which a trigger sets, is set here): the
// benchmark is about reading.
func seedRLS(b *testing.B, owner *Store) rlsSeed {
	b.Helper()
	ctx := context.Background()
	var presets []json.RawMessage
	for _, name := range negotiation.Presets {
		p, err := negotiation.Preset(name)
		if err != nil {
			b.Fatal(err)
		}
		buf, err := json.Marshal(p)
		if err != nil {
			b.Fatal(err)
		}
		presets = append(presets, buf)
	}
	t0 := time.Now()
	tx, err := owner.pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	steps := []string{
		`SET LOCAL session_replication_role = replica`,
		`INSERT INTO parties (code, name, kind) SELECT 'SEC', 'Secretariat', 'secretariat'
		UNION ALL SELECT 'ST' || g, 'State ' || g, 'state' FROM generate_series(1, 180) g
		UNION ALL SELECT 'GR' || g, 'Group ' || g, 'group' FROM generate_series(1, 10) g
		UNION ALL SELECT 'NGO' || g, 'Observer ' || g, 'observer' FROM generate_series(1, 300) g`,
		`INSERT INTO users (email, name, party_id, role) SELECT lower(code) || '@bench.example', name || ' delegate', id, 'delegate' FROM parties ORDER BY id`,
		// Presets in turn; the first document ($1[2]) is the measured one.
		`INSERT INTO documents (symbol, title, language, disclosure)
		SELECT 'A/RLS/' || g, 'Benchmark resolution ' || g, 'en', ($1::jsonb[])[1 + g % 4] FROM generate_series(1, 500) g ORDER BY g`,
		// The trigger that keeps document_visibility is off in replica mode.
		`SELECT zd_visibility_refresh(id, disclosure) FROM documents`,
		`INSERT INTO versions (document_id, number, label, created_by) SELECT id, 1, 'Zero draft', 'bench' FROM documents`,
		`INSERT INTO provisions (document_id, version_number, position, key, number, kind, label, text)
		SELECT d.id, 1, n, 'k' || n, CASE WHEN n <= 10 THEN 'PP' || n ELSE 'OP' || (n - 10) END,
			CASE WHEN n <= 10 THEN 'preambular' ELSE 'operative' END, CASE WHEN n <= 10 THEN '' ELSE (n - 10) || '.' END,
			'Provision ' || n || ' of document ' || d.id || ': decides to continue its consideration of the matter at its next session.'
		FROM documents d, generate_series(1, 40) n`,
		// Proposals: g % 500 picks the document, so each holds 2,000.
		`WITH d AS (SELECT array_agg(id ORDER BY id) a FROM documents),
			m AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind IN ('state', 'group')),
			o AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind = 'observer'),
			r AS (SELECT g, (hashint4(g)::bigint + 2147483648) h, d.a[1 + g % 500] doc, m.a[1 + (hashint4(g)::bigint + 2147483648) % cardinality(m.a)] party,
				CASE WHEN (hashint4(-g)::bigint + 2147483648) % 25 = 0 THEN o.a[1 + g % cardinality(o.a)] END credited
				FROM generate_series(1, 1000000) g, d, m, o)
		INSERT INTO proposals (document_id, base_version, kind, key, start_offset, end_offset, quote, text, justification,
			party_id, created_by, status, credited_to, created_at, updated_at)
		SELECT r.doc, 1, (ARRAY['replace', 'insert_words', 'delete', 'insert', 'alternative'])[1 + r.h % 5], 'k' || (1 + r.h / 5 % 40),
			CASE WHEN r.h % 5 < 3 THEN r.h % 20 END, CASE WHEN r.h % 5 < 3 THEN r.h % 20 + 10 END,
			'continue its consideration', 'Proposal ' || r.g || ': replace with stronger wording on financing and capacity-building.',
			CASE WHEN r.h % 3 = 0 THEN 'To align with the agreed language of the previous session.' ELSE '' END,
			r.party, u.id, (ARRAY['draft', 'draft', 'tabled', 'tabled', 'tabled', 'tabled', 'tabled', 'tabled', 'tabled', 'tabled',
				'tabled', 'tabled', 'incorporated', 'incorporated', 'incorporated', 'not_retained', 'not_retained', 'withdrawn', 'withdrawn', 'orphaned'])[1 + r.h / 200 % 20],
			r.credited, now() - interval '30 days' + r.g * interval '2 s', now() - interval '30 days' + r.g * interval '2 s'
		FROM r JOIN users u ON u.party_id = r.party`,
		// One co-sponsor for a fifth of them, one position for a third.
		`WITH m AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind IN ('state', 'group'))
		INSERT INTO proposal_cosponsors (proposal_id, party_id) SELECT p.id, m.a[1 + (hashint8(p.id)::bigint + 2147483648) % cardinality(m.a)]
		FROM proposals p, m WHERE (hashint8(-p.id)::bigint + 2147483648) % 5 = 0 AND m.a[1 + (hashint8(p.id)::bigint + 2147483648) % cardinality(m.a)] <> p.party_id`,
		`WITH m AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind IN ('state', 'group'))
		INSERT INTO positions (document_id, proposal_id, party_id, stance, user_id)
		SELECT p.document_id, p.id, x.party, (ARRAY['support', 'oppose', 'reservation', 'support', 'none'])[1 + p.id % 5], u.id
		FROM proposals p CROSS JOIN m CROSS JOIN LATERAL (SELECT m.a[1 + (hashint8(p.id + 7)::bigint + 2147483648) % cardinality(m.a)] party) x
		JOIN users u ON u.party_id = x.party WHERE p.status <> 'draft' AND (hashint8(p.id + 3)::bigint + 2147483648) % 3 = 0`,
		// Top-level comments: one in a hundred on the measured document
		// (8,000), the rest over the other 499; 60 % by states, 10 % by
		// groups, 30 % by observers; one in ten confidential, one in fifty
		// hidden, one in a hundred withdrawn; a quarter on the document as
		// a whole; one in ten part of a campaign.
		`WITH d AS (SELECT array_agg(id ORDER BY id) a FROM documents),
			s AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind = 'state'),
			gr AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind = 'group'),
			o AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind = 'observer'),
			r AS (SELECT g, h, CASE WHEN g % 100 = 0 THEN d.a[1] ELSE d.a[2 + g % 499] END doc,
				CASE WHEN h % 10 < 6 THEN s.a[1 + h / 10 % cardinality(s.a)] WHEN h % 10 = 6 THEN gr.a[1 + h / 10 % cardinality(gr.a)]
					ELSE o.a[1 + h / 10 % cardinality(o.a)] END party
				FROM (SELECT g, (hashint4(g)::bigint + 2147483648) h FROM generate_series(1, 800000) g) x, d, s, gr, o)
		INSERT INTO comments (document_id, depth, provision_key, version_number, body, scope, confidential_party, author_id, party_id,
			author_kind, status, status_by, status_at, campaign_key, created_at)
		SELECT r.doc, 1, CASE WHEN r.h / 1000 % 4 <> 0 THEN 'k' || (1 + r.h / 4000 % 40) END, 1,
			'Comment ' || r.g || ': the committee should consider this point carefully before the next reading.',
			CASE WHEN r.h / 100 % 10 = 0 THEN 'secretariat' ELSE 'public' END, CASE WHEN r.h / 100 % 10 = 0 THEN r.party END,
			u.id, r.party, p.kind,
			CASE r.h / 200000 % 100 WHEN 0 THEN 'hidden' WHEN 1 THEN 'hidden' WHEN 2 THEN 'withdrawn' ELSE 'visible' END,
			CASE r.h / 200000 % 100 WHEN 0 THEN 'secretariat' WHEN 1 THEN 'secretariat' WHEN 2 THEN 'author' END,
			CASE WHEN r.h / 200000 % 100 < 3 THEN now() END,
			CASE WHEN r.h / 20000000 % 10 = 0 THEN 'campaign-' || r.doc END,
			now() - interval '20 days' + r.g * interval '2 s'
		FROM r JOIN users u ON u.party_id = r.party JOIN parties p ON p.id = r.party`,
		// Replies to a quarter of them (2,000 on the measured document).
		`WITH m AS (SELECT array_agg(id ORDER BY id) a FROM parties WHERE kind <> 'secretariat')
		INSERT INTO comments (document_id, parent_id, depth, provision_key, version_number, body, scope, confidential_party,
			author_id, party_id, author_kind, created_at)
		SELECT c.document_id, c.id, 2, c.provision_key, 1, 'A reply to ' || c.id, c.scope, c.confidential_party,
			u.id, x.party, p.kind, c.created_at + interval '1 hour'
		FROM comments c CROSS JOIN m CROSS JOIN LATERAL (SELECT CASE WHEN c.scope = 'public' THEN m.a[1 + (hashint8(c.id)::bigint + 2147483648) % cardinality(m.a)]
			ELSE c.party_id END party) x
		JOIN users u ON u.party_id = x.party JOIN parties p ON p.id = x.party
		WHERE c.parent_id IS NULL AND (hashint8(-c.id)::bigint + 2147483648) % 4 = 0`,
		`INSERT INTO comment_attachments (comment_id, name, content_type, size, sha256, data)
		SELECT id, 'submission.txt', 'text/plain; charset=utf-8', 5, '\x00', 'hello' FROM comments WHERE (hashint8(id)::bigint + 2147483648) % 100 = 1`,
	}
	for _, q := range steps {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{presets}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := owner.pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	var s rlsSeed
	var policy []byte
	var stateParty, stateUser, obsParty, obsUser int64
	err = owner.pool.QueryRow(ctx, `SELECT d.id, d.disclosure,
		(SELECT count(*) FROM proposals WHERE document_id = d.id), (SELECT count(*) FROM comments WHERE document_id = d.id),
		(SELECT id FROM parties WHERE code = 'ST7'), (SELECT u.id FROM users u JOIN parties p ON p.id = u.party_id WHERE p.code = 'ST7'),
		(SELECT id FROM parties WHERE code = 'NGO7'), (SELECT u.id FROM users u JOIN parties p ON p.id = u.party_id WHERE p.code = 'NGO7')
		FROM documents d ORDER BY d.id LIMIT 1`).Scan(&s.doc, &policy, &s.proposals, &s.threads, &stateParty, &stateUser, &obsParty, &obsUser)
	if err != nil {
		b.Fatal(err)
	}
	if s.dis.Policy, err = negotiation.ParsePolicy(policy); err != nil {
		b.Fatal(err)
	}
	until := time.Now().Add(30 * 24 * time.Hour)
	s.state = negotiation.Viewer{UserID: stateUser, PartyID: stateParty, PartyCode: "ST7", PartyKind: negotiation.PartyState}
	s.observer = negotiation.Viewer{UserID: obsUser, PartyID: obsParty, PartyCode: "NGO7", PartyKind: negotiation.PartyObserver, AccreditedUntil: &until}
	var np, nc int
	if err := owner.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM proposals), (SELECT count(*) FROM comments)`).Scan(&np, &nc); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d proposals and %d comments in %s; measured document %d (%s): %d proposals, %d comments",
		np, nc, time.Since(t0).Round(time.Second), s.doc, s.dis.Policy.Preset, s.proposals, s.threads)
	return s
}

// BenchmarkRLS measures the reads that row-level security must not slow
// (target: within 1.5× of the same read without it, at 1 million rows in
// proposals and comments): the compilation's read of a document's
// proposals and the first page of its thread, as a state delegate and as
// an accredited observer, once through the application's role (rls=on)
// and once as the schema's owner, whom the rules do not bind (rls=off),
// on the same database with the same viewer set on the connection. Each
// rls=on run reports its median over the rls=off run's median as
// "on/off"; both must return the same rows.
//
// Seeding 2 million rows takes a few minutes, so the benchmark runs only
// with ZERODRAFT_BENCH_RLS=1:
//
//	ZERODRAFT_BENCH_RLS=1 go test ./internal/store/ -run '^$' -bench BenchmarkRLS -benchtime 200x -timeout 30m
func BenchmarkRLS(b *testing.B) {
	if os.Getenv("ZERODRAFT_BENCH_RLS") != "1" {
		b.Skip("seeds 2 million rows: set ZERODRAFT_BENCH_RLS=1 to run")
	}
	ctx := context.Background()
	dsn := pgtest.NewDatabase(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	on, err := Open(ctx, dsn, log)
	if err != nil {
		b.Fatal(err)
	}
	defer on.Close()
	if err := on.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	off, err := OpenAsOwner(ctx, dsn, log)
	if err != nil {
		b.Fatal(err)
	}
	defer off.Close()
	seed := seedRLS(b, off)
	now := time.Now()
	var clock func() time.Time // nil: the database's clock, as the server does
	reads := []struct {
		name string
		run  func(s *Store, ctx context.Context, v negotiation.Viewer) (int, string, error)
	}{
		{"compilation", func(s *Store, ctx context.Context, v negotiation.Viewer) (int, string, error) {
			ps, err := s.Proposals(ctx, seed.doc, v.PartyID)
			if err != nil || len(ps) == 0 {
				return 0, "", err
			}
			return len(ps), fmt.Sprint(ps[0].ID, ps[len(ps)-1].ID, ps[len(ps)-1].Party), nil
		}},
		{"thread", func(s *Store, ctx context.Context, v negotiation.Viewer) (int, string, error) {
			p, err := s.Comments(ctx, CommentQuery{DocumentID: seed.doc, CommentViewer: CommentViewer{ViewerParty: v.PartyID,
				AuthorKinds: negotiation.VisibleAuthorKinds(seed.dis, v, now)}})
			var ids []int64
			for _, c := range p.Comments {
				ids = append(ids, c.ID)
			}
			return p.Counts.Visible + p.Counts.Hidden + p.Counts.Withdrawn, fmt.Sprint(ids), err
		}},
	}
	viewers := []struct {
		name string
		v    negotiation.Viewer
	}{{"state", seed.state}, {"observer", seed.observer}}
	for _, r := range reads {
		for _, who := range viewers {
			ctx := WithViewer(ctx, who.v, clock)
			var offMedian time.Duration
			var offRows int
			var offKey string
			for _, mode := range []struct {
				name string
				s    *Store
			}{{"off", off}, {"on", on}} {
				b.Run(r.name+"/"+who.name+"/rls="+mode.name, func(b *testing.B) {
					n, key, err := r.run(mode.s, ctx, who.v)
					if err != nil {
						b.Fatal(err)
					}
					if n == 0 {
						b.Fatalf("%s as %s reads no rows", r.name, who.name)
					}
					var ds []time.Duration
					for b.Loop() {
						t0 := time.Now()
						if _, _, err := r.run(mode.s, ctx, who.v); err != nil {
							b.Fatal(err)
						}
						ds = append(ds, time.Since(t0))
					}
					slices.Sort(ds)
					median := ds[len(ds)/2]
					b.ReportMetric(float64(median.Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(n), "rows")
					if mode.name == "off" {
						offMedian, offRows, offKey = median, n, key
						return
					}
					if n != offRows || key != offKey {
						b.Errorf("rls=on reads %d rows (%s), rls=off %d (%s): the two layers disagree", n, key, offRows, offKey)
					}
					if offMedian > 0 {
						b.ReportMetric(float64(median)/float64(offMedian), "on/off")
					}
				})
			}
		}
	}
}
