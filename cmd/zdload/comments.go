package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// surgeWords make each comment's text different, as real submissions are
// (identical ones would be grouped as a campaign, which is not what a
// surge measures).
var surgeWords = strings.Fields(`plastic pollution marine environment production consumption design
	recycling waste management financing capacity building technology transfer just transition
	workers health communities indigenous peoples monitoring reporting review national action plans`)

// surgeResult is what a run saw: a comment surge, or proposal submissions.
type surgeResult struct {
	Acked    []int64         // ids of the comments (proposals) answered 201
	Times    []time.Duration // of every answered request
	ByStatus map[int]int     // 0: no answer (transport error)
	Sample   map[int]string
	Elapsed  time.Duration
	Missing  int // acknowledged comments not found afterwards (with --verify-token)
}

// runComments posts cfg.comments comments from the observers' tokens in
// turn, then (with a verify token) checks that every acknowledged one is
// there.
func runComments(ctx context.Context, cfg config, out io.Writer) (surgeResult, error) {
	c := newClient(cfg, cfg.concurrency)
	t, err := c.fetchTarget(ctx)
	if err != nil {
		return surgeResult{}, err
	}
	u := c.url("/api/v1/documents/%d/comments", cfg.document)
	fmt.Fprintf(out, "zdload: POST %s, %d comments from %d observers, %d clients, at most %v\n",
		u, cfg.comments, len(cfg.tokens), cfg.concurrency, cfg.duration)
	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	res := surgeResult{ByStatus: map[int]int{}, Sample: map[int]string{}}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for runCtx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= cfg.comments {
					return
				}
				status, id, d, msg := c.post(runCtx, cfg.tokens[i%len(cfg.tokens)], u, commentBody(rng, t, i))
				if status == 0 && runCtx.Err() != nil {
					return // the run ended while the request was in flight
				}
				if status == 0 {
					// The server is not answering (restarting?): do not
					// spend the remaining comments in a tight loop.
					time.Sleep(50 * time.Millisecond)
				}
				mu.Lock()
				res.record(status, id, d, msg)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	report(out, res)
	if err := writeAcked(cfg.acked, res.Acked); err != nil {
		return res, err
	}
	if cfg.verifyToken != "" {
		if res.Missing, err = c.verify(ctx, cfg.verifyToken, res.Acked); err != nil {
			return res, err
		}
		fmt.Fprintf(out, "verified  %d acknowledged comments: %d present, %d missing\n", len(res.Acked), len(res.Acked)-res.Missing, res.Missing)
		if res.Missing > 0 {
			return res, fmt.Errorf("%d acknowledged comments are missing", res.Missing)
		}
	}
	if len(res.Acked) == 0 {
		return res, errors.New("no comment was acknowledged")
	}
	return res, nil
}

// commentBody is the i-th comment: on a random provision one time in four.
func commentBody(rng *rand.Rand, t target, i int) []byte {
	words := make([]string, 12+rng.IntN(30))
	for j := range words {
		words[j] = surgeWords[rng.IntN(len(surgeWords))]
	}
	body := map[string]any{"body": fmt.Sprintf("Submission %d before the deadline: %s.", i, strings.Join(words, " "))}
	if rng.IntN(4) == 0 {
		body["key"] = t.provisions[rng.IntN(len(t.provisions))].key
	}
	buf, _ := json.Marshal(body)
	return buf
}

// post posts one comment or proposal as the token's user and returns the
// status (0: no answer), the id of what a 201 created, the time taken and
// the answer's text.
func (c *client) post(ctx context.Context, token, u string, body []byte) (int, int64, time.Duration, string) {
	req, err := c.requestAs(ctx, token, "POST", u, body)
	if err != nil {
		return 0, 0, 0, err.Error()
	}
	t0 := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, 0, 0, err.Error()
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return 0, 0, 0, err.Error()
	}
	var created struct {
		ID int64 `json:"id"`
	}
	if resp.StatusCode == http.StatusCreated && json.Unmarshal(raw, &created) != nil {
		return 0, 0, d, "201 without an id: " + string(raw)
	}
	return resp.StatusCode, created.ID, d, string(bytes.TrimSpace(raw))
}

// record counts one answer: status 0 for none, id that of a 201.
func (r *surgeResult) record(status int, id int64, d time.Duration, msg string) {
	r.ByStatus[status]++
	if status != 0 {
		r.Times = append(r.Times, d)
	}
	if status == http.StatusCreated {
		r.Acked = append(r.Acked, id)
	} else if _, ok := r.Sample[status]; !ok {
		r.Sample[status] = msg
	}
}

// writeAcked writes the acknowledged ids to the named file, one a line;
// nothing without a name.
func writeAcked(name string, ids []int64) error {
	if name == "" {
		return nil
	}
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10) + "\n")
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

func report(out io.Writer, r surgeResult) {
	fmt.Fprintf(out, "requests  %d answered in %.1fs: %.0f/s\n", len(r.Times), r.Elapsed.Seconds(), float64(len(r.Times))/r.Elapsed.Seconds())
	fmt.Fprintf(out, "created   %d (201): %.0f/s\n", len(r.Acked), float64(len(r.Acked))/r.Elapsed.Seconds())
	fmt.Fprintf(out, "latency   %s\n", percentiles(append([]time.Duration(nil), r.Times...)))
	writeErrors(out, r.ByStatus, r.Sample)
}

// verify looks every acknowledged comment up (its edit history answers 200
// for a comment that exists) and counts those not found.
func (c *client) verify(ctx context.Context, token string, ids []int64) (int, error) {
	var missing, failed atomic.Int64
	var firstErr atomic.Value
	work := make(chan int64)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				req, err := c.requestAs(ctx, token, "GET", c.url("/api/v1/comments/%d/history", id), nil)
				if err != nil {
					failed.Add(1)
					continue
				}
				resp, err := c.http.Do(req)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
				case http.StatusNotFound:
					missing.Add(1)
				default:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, "status "+strconv.Itoa(resp.StatusCode))
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return int(missing.Load()), fmt.Errorf("verification: %d look-ups failed (e.g. %v)", n, firstErr.Load())
	}
	return int(missing.Load()), nil
}
