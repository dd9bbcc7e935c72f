package server_test

// Benchmarks for negotiating the text: the compilation text of a large
// document with many tabled proposals, and proposal submission over HTTP.
// docs/performance.md gives the commands and the figures.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
	"github.com/zerodraft/zerodraft/internal/testtext"
)

const (
	benchProvisions = 1200 // size of the synthetic text, about that of UNEP/PP/INC.5/4
	benchProposals  = 2000
	benchParties    = 30
)

// negotiationTexts are the texts the negotiation benchmarks run on: the
// real one named by ZERODRAFT_REALTEXT_NEW (skipped when unset) and a
// synthetic one of the same size, which always runs.
func negotiationTexts() []struct{ name, env string } {
	return []struct{ name, env string }{{"realtext", "ZERODRAFT_REALTEXT_NEW"}, {"synthetic", ""}}
}

// negotiationText reads the text named by env, or makes the synthetic one
// when env is "".
func negotiationText(b *testing.B, env string) string {
	b.Helper()
	if env == "" {
		return testtext.Synthetic(benchProvisions)
	}
	return testtext.Real(b, env)
}

// wordSpans gives the rune offsets [start, end) of each word of s.
func wordSpans(s string) [][2]int {
	var out [][2]int
	start := -1
	i := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i++
	}
	if start >= 0 {
		out = append(out, [2]int{start, i})
	}
	return out
}

// spanProposal picks a random run of one to four words of a random
// provision and makes a replace, delete or alternative proposal on it, its
// quote being the runes at the span. ok is false for a provision without
// words.
func spanProposal(v negotiation.Version, words [][][2]int, rng *rand.Rand, kinds []negotiation.ProposalKind) (negotiation.Proposal, bool) {
	i := rng.IntN(len(v.Provisions))
	ws := words[i]
	if len(ws) == 0 {
		return negotiation.Proposal{}, false
	}
	w := rng.IntN(len(ws))
	last := min(len(ws)-1, w+rng.IntN(4))
	start, end := ws[w][0], ws[last][1]
	p := negotiation.Proposal{
		BaseVersion: v.Number, Key: v.Provisions[i].Key, Kind: kinds[rng.IntN(len(kinds))],
		Start: &start, End: &end, Quote: negotiation.RuneSlice(v.Provisions[i].Text, start, end),
		Justification: "Consistency with the agreed language of the instrument.",
		Status:        negotiation.Tabled,
	}
	if p.Kind != negotiation.Delete {
		p.Text = "[alternative wording " + fmt.Sprint(rng.IntN(1000)) + "]"
	}
	return p, true
}

// benchDelegate is one party's delegate: ids for the store, token for HTTP.
type benchDelegate struct {
	partyID, userID int64
	code, token     string
}

// seedNegotiation creates the document from text, benchParties state
// delegations with a delegate and an API token each, and n tabled span
// proposals spread over them, written through the store (8 at a time).
func seedNegotiation(b *testing.B, e *testEnv, text string, n int) (negotiation.Version, []benchDelegate) {
	b.Helper()
	ctx := store.AsSystem(context.Background())
	c := e.createDoc("UNEP/PP/INC.5/4", text)
	v, err := e.store.Version(ctx, c.ID, c.Version)
	if err != nil {
		b.Fatal(err)
	}
	sys := negotiation.Actor{Name: "bench"}
	dels := make([]benchDelegate, benchParties)
	for i := range dels {
		code := fmt.Sprintf("P%02d", i)
		p, err := e.store.CreateParty(ctx, sys, negotiation.Party{Code: code, Name: "Party " + code, Kind: negotiation.PartyState})
		if err != nil {
			b.Fatal(err)
		}
		u, err := e.store.CreateUser(ctx, sys, store.NewUser{Email: strings.ToLower(code) + "@bench.example", Name: "Delegate of " + code,
			PartyID: p.ID, Role: negotiation.DefaultRole(negotiation.PartyState)})
		if err != nil {
			b.Fatal(err)
		}
		token := auth.NewAPIToken()
		if _, err := e.store.CreateAPIToken(ctx, sys, u.ID, "bench", auth.Hash(token), time.Now().Add(24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		dels[i] = benchDelegate{partyID: p.ID, userID: u.ID, code: code, token: token}
	}
	words := make([][][2]int, len(v.Provisions))
	for i, p := range v.Provisions {
		words[i] = wordSpans(p.Text)
	}
	kinds := []negotiation.ProposalKind{negotiation.Replace, negotiation.Delete, negotiation.Alternative}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for next.Add(1) <= int64(n) {
				var p negotiation.Proposal
				for ok := false; !ok; {
					p, ok = spanProposal(v, words, rng, kinds)
				}
				p.DocumentID = c.ID
				d := dels[rng.IntN(len(dels))]
				if _, err := e.store.CreateProposal(ctx, negotiation.Actor{UserID: d.userID, Name: "bench " + d.code},
					store.NewProposal{Proposal: p, UserID: d.userID, PartyID: d.partyID}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d provisions, %d proposals from %d parties", len(v.Provisions), n, len(dels))
	return v, dels
}

// timedEnv is newEnv with the handler timed: each request's server time
// (from the request reaching the handler to the handler returning, the
// response written to the socket) is appended to times.
type timedEnv struct {
	*testEnv
	mu    sync.Mutex
	times []time.Duration
}

func newTimedEnv(b *testing.B) *timedEnv {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, pgtest.NewDatabase(b), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	srv, err := server.New(ctx, server.Options{Store: st, Logger: log, BaseURL: "http://" + hs.Listener.Addr().String()})
	if err != nil {
		b.Fatal(err)
	}
	srv.StartBackground(ctx)
	te := &timedEnv{}
	h := srv.Handler()
	hs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		te.mu.Lock()
		te.times = append(te.times, d)
		te.mu.Unlock()
	})
	hs.Start()
	b.Cleanup(hs.Close)
	te.testEnv = &testEnv{t: b, url: hs.URL, store: st}
	te.token = te.tokenFor("SECRETARIAT", negotiation.PartySecretariat, "officer@un.example")
	return te
}

// takeTimes returns the server times recorded since the last call.
func (te *timedEnv) takeTimes() []time.Duration {
	te.mu.Lock()
	defer te.mu.Unlock()
	out := te.times
	te.times = nil
	return out
}

// percentile returns the q-quantile (0 < q ≤ 1) of ds, nearest rank.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

func reportPercentiles(b *testing.B, prefix string, ds []time.Duration) {
	b.Helper()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(ds, 0.50)), prefix+"p50-ms")
	b.ReportMetric(ms(percentile(ds, 0.99)), prefix+"p99-ms")
}

// BenchmarkCompilationEndpoint measures GET /api/v1/documents/{id}/compilation
// (JSON) on a ~1,200-provision text with 2,000 tabled proposals from 30
// parties, asked by one of them. server-p50/p99 are the handler's times
// (store reads, compilation, JSON encoding, writing the answer);
// client-p50/p99 add the loopback transfer and reading the body.
func BenchmarkCompilationEndpoint(b *testing.B) {
	for _, tx := range negotiationTexts() {
		b.Run(tx.name, func(b *testing.B) {
			text := negotiationText(b, tx.env)
			e := newTimedEnv(b)
			_, dels := seedNegotiation(b, e.testEnv, text, benchProposals)
			req, err := http.NewRequest("GET", e.url+"/api/v1/documents/1/compilation", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+dels[0].token)
			get := func() int64 {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("compilation: %d", resp.StatusCode)
				}
				return n
			}
			size := get() // warm the connection and the database caches
			e.takeTimes()
			client := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				get()
				client = append(client, time.Since(start))
			}
			b.StopTimer()
			reportPercentiles(b, "server-", e.takeTimes())
			reportPercentiles(b, "client-", client)
			b.ReportMetric(float64(size)/1e6, "MB/answer")
		})
	}
}

// BenchmarkCompilationStages splits the endpoint's work: the three store
// reads it makes, compilation.Compile, and JSON encoding, each timed on its
// own over the same data as BenchmarkCompilationEndpoint.
func BenchmarkCompilationStages(b *testing.B) {
	for _, tx := range negotiationTexts() {
		b.Run(tx.name, func(b *testing.B) {
			text := negotiationText(b, tx.env)
			e := newEnv(b)
			v, dels := seedNegotiation(b, e, text, benchProposals)
			ctx := store.AsSystem(context.Background())
			read := func() (negotiation.Version, []negotiation.Proposal, map[string]negotiation.ProvisionStatus) {
				v, err := e.store.Version(ctx, 1, v.Number)
				if err != nil {
					b.Fatal(err)
				}
				ps, err := e.store.Proposals(ctx, 1, dels[0].partyID)
				if err != nil {
					b.Fatal(err)
				}
				st, err := e.store.ProvisionStatuses(ctx, 1)
				if err != nil {
					b.Fatal(err)
				}
				return v, ps, st
			}
			v, ps, st := read()
			comp := compilation.Compile(v, ps, st, compilation.Filter{})
			b.Run("store", func(b *testing.B) {
				for b.Loop() {
					read()
				}
			})
			b.Run("store-version", func(b *testing.B) {
				for b.Loop() {
					if _, err := e.store.Version(ctx, 1, v.Number); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("store-proposals", func(b *testing.B) {
				for b.Loop() {
					if _, err := e.store.Proposals(ctx, 1, dels[0].partyID); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("compile", func(b *testing.B) {
				for b.Loop() {
					compilation.Compile(v, ps, st, compilation.Filter{})
				}
			})
			b.Run("json", func(b *testing.B) {
				var buf bytes.Buffer
				for b.Loop() {
					buf.Reset()
					if err := json.NewEncoder(&buf).Encode(comp); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkProposalSubmit measures POST /api/v1/documents/{id}/proposals
// (token lookup, authorisation, validation against the base text, the
// proposal, its live-update event and audit event in one transaction) from
// 8 concurrent clients per CPU, each a delegation with its own token, on
// the same text as BenchmarkCompilationEndpoint. The zdload command
// does the same against a running server.
//
// The "small" variant, on a seven-paragraph resolution, shows the cost of
// a submission apart from reading the base version's provisions.
func BenchmarkProposalSubmit(b *testing.B) {
	texts := append(negotiationTexts(), struct{ name, env string }{"small", "small"})
	for _, tx := range texts {
		b.Run(tx.name, func(b *testing.B) {
			text := zeroDraft
			if tx.env != "small" {
				text = negotiationText(b, tx.env)
			}
			e := newTimedEnv(b)
			// Existing proposals do not enter into a submission's work, and
			// the benchmark function runs more than once: no seeding.
			v, dels := seedNegotiation(b, e.testEnv, text, 0)
			words := make([][][2]int, len(v.Provisions))
			for i, p := range v.Provisions {
				words[i] = wordSpans(p.Text)
			}
			tr := &http.Transport{MaxIdleConnsPerHost: 256}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := e.url + "/api/v1/documents/1/proposals"
			kinds := []negotiation.ProposalKind{negotiation.Replace, negotiation.Delete}
			var seq atomic.Uint64
			e.takeTimes()
			b.SetParallelism(8)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				n := seq.Add(1)
				rng := rand.New(rand.NewPCG(n, 7))
				d := dels[int(n)%len(dels)]
				for pb.Next() {
					var p negotiation.Proposal
					for ok := false; !ok; {
						p, ok = spanProposal(v, words, rng, kinds)
					}
					body, _ := json.Marshal(map[string]any{"base_version": p.BaseVersion, "kind": p.Kind, "key": p.Key,
						"start": p.Start, "end": p.End, "quote": p.Quote, "text": p.Text, "justification": p.Justification})
					req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+d.token)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("propose: %d %s", resp.StatusCode, raw)
						return
					}
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "proposals/s")
			reportPercentiles(b, "server-", e.takeTimes())
		})
	}
}
