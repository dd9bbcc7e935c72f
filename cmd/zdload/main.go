// Command zdload is a small load generator for a zerodraft server running
// on the same machine. It talks to loopback addresses only, runs for a
// bounded time and number of requests, and stops by itself.
//
// Proposal mode (the default) fetches the document's latest version and
// its provisions, then POSTs valid delete or replace proposals on random
// word spans from --concurrency clients with keep-alive for --duration,
// and prints the count, the rate, latency percentiles and the errors by
// HTTP status. With --tokens the clients take the tokens in turn, as the
// delegates of several delegations would:
//
//	zdload --token $TOKEN --document 1 --duration 20s --concurrency 16 --kind mixed
//
// Live-update mode (--sse N) opens N event streams on the document, tables
// one proposal, and reports how long each stream took to see it; with
// --pid it also reads the server's resident memory before and after
// opening the streams:
//
//	zdload --token $TOKEN --document 1 --sse 1000 --pid $(pgrep -n zerodraft)
//
// With --tokens (a file, one token per line) the streams take the tokens
// in turn, as the screens of as many delegates would; --token still
// tables the proposal.
//
// Comment mode (--comments N) is a deadline surge: N comments posted as
// fast as --concurrency clients can, each signed with the next of the
// observer tokens in --tokens (one per line), a quarter of them on random
// provisions. It reports latency percentiles and errors by status, writes
// the id of every acknowledged (201) comment to --acked, and with
// --verify-token (a secretariat token) checks afterwards that every one
// of them is there:
//
//	zdload --comments 10000 --tokens observers.txt --concurrency 64 --duration 60s \
//	    --acked acked.txt --verify-token $SECRETARIAT_TOKEN
//
// See docs/performance.md for how the figures there were made.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// Bounds: whatever the flags say, zdload does no more than this.
const (
	maxDuration    = 10 * time.Minute
	maxConcurrency = 512
	maxRequests    = 1_000_000
	maxStreams     = 10_000
)

type config struct {
	base        *url.URL
	token       string
	document    int64
	duration    time.Duration
	concurrency int
	kind        string
	max         int
	sse         int
	pid         int
	sseTimeout  time.Duration
	hold        time.Duration
	comments    int
	tokens      []string
	acked       string
	verifyToken string
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "zdload: %v\n", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration+cfg.sseTimeout+cfg.hold+2*time.Minute)
	defer cancel()
	switch {
	case cfg.comments > 0:
		_, err = runComments(ctx, cfg, os.Stdout)
	case cfg.sse > 0:
		err = runSSE(ctx, cfg, os.Stdout)
	default:
		_, err = runProposals(ctx, cfg, os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "zdload: %v\n", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("zdload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	rawURL := fs.String("url", "http://127.0.0.1:8080", "the server's address (loopback only)")
	fs.StringVar(&cfg.token, "token", os.Getenv("ZDLOAD_TOKEN"), "API token of a state or group delegate (or $ZDLOAD_TOKEN)")
	fs.Int64Var(&cfg.document, "document", 1, "document id")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to submit proposals (at most 10m)")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "concurrent clients (at most 512)")
	fs.StringVar(&cfg.kind, "kind", "mixed", "proposals to submit: delete, replace or mixed")
	fs.IntVar(&cfg.max, "max", 200_000, "stop after this many requests (at most 1,000,000)")
	fs.IntVar(&cfg.sse, "sse", 0, "open this many live-update streams, table one proposal and time its arrival (at most 10,000)")
	fs.IntVar(&cfg.pid, "pid", 0, "with --sse: the server's process id, to report its resident memory per stream")
	fs.DurationVar(&cfg.sseTimeout, "sse-timeout", 10*time.Second, "with --sse: how long to wait for the streams and the event")
	fs.DurationVar(&cfg.hold, "hold", 0, "with --sse: keep the streams open this long afterwards and count those the server closed (at most 10m)")
	fs.IntVar(&cfg.comments, "comments", 0, "post this many comments, a deadline surge (at most 1,000,000)")
	tokensFile := fs.String("tokens", "", "with --comments: file of observer API tokens, one per line, used in turn; with --sse: the streams' tokens, one per stream in turn; in proposal mode: the clients' tokens, one per client in turn (delegates of several delegations)")
	fs.StringVar(&cfg.acked, "acked", "", "write the id of every acknowledged comment (--comments) or proposal to this file")
	fs.StringVar(&cfg.verifyToken, "verify-token", "", "with --comments: a secretariat token to check afterwards that every acknowledged comment is there")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if *tokensFile != "" {
		raw, err := os.ReadFile(*tokensFile)
		if err != nil {
			return cfg, fmt.Errorf("--tokens: %v", err)
		}
		cfg.tokens = strings.Fields(string(raw))
		if cfg.token == "" && len(cfg.tokens) > 0 {
			cfg.token = cfg.tokens[0]
		}
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	u, err := loopbackURL(*rawURL)
	if err != nil {
		return cfg, err
	}
	cfg.base = u
	switch {
	case cfg.token == "":
		return cfg, errors.New("--token is required (zerodraft admin token create --email …)")
	case cfg.duration <= 0 || cfg.duration > maxDuration:
		return cfg, fmt.Errorf("--duration must be between 0 and %v", maxDuration)
	case cfg.concurrency < 1 || cfg.concurrency > maxConcurrency:
		return cfg, fmt.Errorf("--concurrency must be between 1 and %d", maxConcurrency)
	case cfg.max < 1 || cfg.max > maxRequests:
		return cfg, fmt.Errorf("--max must be between 1 and %d", maxRequests)
	case cfg.sse < 0 || cfg.sse > maxStreams:
		return cfg, fmt.Errorf("--sse must be between 0 and %d", maxStreams)
	case cfg.sseTimeout <= 0 || cfg.sseTimeout > maxDuration || cfg.hold < 0 || cfg.hold > maxDuration:
		return cfg, fmt.Errorf("--sse-timeout and --hold must be at most %v", maxDuration)
	case cfg.comments < 0 || cfg.comments > maxRequests:
		return cfg, fmt.Errorf("--comments must be between 0 and %d", maxRequests)
	case cfg.comments > 0 && len(cfg.tokens) == 0:
		return cfg, errors.New("--comments needs --tokens: a file of observer API tokens")
	case cfg.kind != "delete" && cfg.kind != "replace" && cfg.kind != "mixed":
		return cfg, fmt.Errorf("--kind %q: use delete, replace or mixed", cfg.kind)
	}
	return cfg, nil
}

// loopbackURL parses the server address and refuses anything that is not
// this machine: zdload is not for loading other people's servers.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	addrs := []string{host}
	if net.ParseIP(host) == nil {
		if addrs, err = net.LookupHost(host); err != nil {
			return nil, fmt.Errorf("--url: %v", err)
		}
	}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("--url %q: %s is not a loopback address; zdload loads this machine only", raw, a)
		}
	}
	return u, nil
}

// client is the HTTP client with the token.
type client struct {
	cfg  config
	http *http.Client
}

func newClient(cfg config, conns int) *client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &client{cfg: cfg, http: &http.Client{Transport: tr}}
}

func (c *client) url(format string, args ...any) string {
	return strings.TrimRight(c.cfg.base.String(), "/") + fmt.Sprintf(format, args...)
}

func (c *client) request(ctx context.Context, method, u string, body []byte) (*http.Request, error) {
	return c.requestAs(ctx, c.cfg.token, method, u, body)
}

func (c *client) requestAs(ctx context.Context, token, method, u string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (c *client) getJSON(ctx context.Context, u string, out any) error {
	req, err := c.request(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, bytes.TrimSpace(raw))
	}
	return json.Unmarshal(raw, out)
}

// provision is one provision of the base version with its word spans.
type provision struct {
	key   string
	text  []rune
	words [][2]int
}

// target is the document's latest version, ready for proposals.
type target struct {
	version    int
	provisions []provision // those with words
}

func (c *client) fetchTarget(ctx context.Context) (target, error) {
	var doc struct {
		Versions []struct {
			Number int `json:"number"`
		} `json:"versions"`
	}
	if err := c.getJSON(ctx, c.url("/api/v1/documents/%d", c.cfg.document), &doc); err != nil {
		return target{}, err
	}
	var t target
	for _, v := range doc.Versions {
		t.version = max(t.version, v.Number)
	}
	if t.version == 0 {
		return t, fmt.Errorf("document %d has no version", c.cfg.document)
	}
	var ver struct {
		Provisions []struct {
			Key  string `json:"key"`
			Text string `json:"text"`
		} `json:"provisions"`
	}
	if err := c.getJSON(ctx, c.url("/api/v1/documents/%d/versions/%d", c.cfg.document, t.version), &ver); err != nil {
		return t, err
	}
	for _, p := range ver.Provisions {
		text := []rune(p.Text)
		if ws := wordSpans(text); len(ws) > 0 {
			t.provisions = append(t.provisions, provision{key: p.Key, text: text, words: ws})
		}
	}
	if len(t.provisions) == 0 {
		return t, fmt.Errorf("version %d of document %d has no words to propose on", t.version, c.cfg.document)
	}
	return t, nil
}

// wordSpans gives the rune offsets [start, end) of each word of s.
func wordSpans(s []rune) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

type proposalBody struct {
	BaseVersion   int    `json:"base_version"`
	Kind          string `json:"kind"`
	Key           string `json:"key"`
	Start         int    `json:"start"`
	End           int    `json:"end"`
	Quote         string `json:"quote"`
	Text          string `json:"text,omitempty"`
	Justification string `json:"justification"`
}

// proposal makes a valid proposal on one to four random words of a random
// provision: the quote is the text at the span.
func (t target) proposal(rng *rand.Rand, kind string) []byte {
	p := t.provisions[rng.IntN(len(t.provisions))]
	w := rng.IntN(len(p.words))
	last := min(len(p.words)-1, w+rng.IntN(4))
	start, end := p.words[w][0], p.words[last][1]
	if kind == "mixed" {
		kind = [...]string{"delete", "replace"}[rng.IntN(2)]
	}
	body := proposalBody{BaseVersion: t.version, Kind: kind, Key: p.key, Start: start, End: end,
		Quote: string(p.text[start:end]), Justification: "zdload: consistency with agreed language."}
	if kind == "replace" {
		body.Text = "alternative wording " + strconv.Itoa(rng.IntN(10000))
	}
	buf, _ := json.Marshal(body)
	return buf
}

// result is what one client saw.
type result struct {
	times    []time.Duration // of every answered request
	byStatus map[int]int     // 0: no answer (transport error)
	sample   map[int]string  // one answer body or error per status
}

func runProposals(ctx context.Context, cfg config, out io.Writer) (surgeResult, error) {
	c := newClient(cfg, cfg.concurrency)
	t, err := c.fetchTarget(ctx)
	if err != nil {
		return surgeResult{}, err
	}
	u := c.url("/api/v1/documents/%d/proposals", cfg.document)
	fmt.Fprintf(out, "zdload: POST %s, version %d (%d provisions with words), kind %s, %d clients, %d tokens, %v\n",
		u, t.version, len(t.provisions), cfg.kind, cfg.concurrency, max(1, len(cfg.tokens)), cfg.duration)
	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var issued atomic.Int64
	var mu sync.Mutex
	res := surgeResult{ByStatus: map[int]int{}, Sample: map[int]string{}}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			token := cfg.token
			if len(cfg.tokens) > 0 { // each client a delegate of its own
				token = cfg.tokens[i%len(cfg.tokens)]
			}
			for runCtx.Err() == nil && issued.Add(1) <= int64(cfg.max) {
				status, id, d, msg := c.post(runCtx, token, u, t.proposal(rng, cfg.kind))
				if status == 0 && runCtx.Err() != nil {
					return // the run ended while the request was in flight
				}
				if status == 0 {
					time.Sleep(50 * time.Millisecond) // not answering (restarting?): no tight loop
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
	if len(res.Acked) == 0 {
		return res, errors.New("no proposal was created")
	}
	return res, nil
}

// percentiles formats p50, p90, p99 and the maximum of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.999999) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return fmt.Sprintf("p50 %v  p90 %v  p99 %v  max %v", r(at(0.50)), r(at(0.90)), r(at(0.99)), r(at(1)))
}

// stream is one open live-update connection and the proposal events it saw.
type stream struct {
	mu     sync.Mutex
	seen   map[int64]time.Time // proposal id → when its event arrived
	closed time.Time           // when the server ended the stream, if it did
}

func (s *stream) saw(id int64) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.seen[id]
	return at, ok
}

// open connects one stream and reads it until ctx ends; ready is closed
// once the server's ": connected" comment arrived.
func (c *client) open(ctx context.Context, token string, s *stream, ready chan<- error) {
	req, err := c.requestAs(ctx, token, "GET", c.url("/api/v1/documents/%d/events", c.cfg.document), nil)
	if err != nil {
		ready <- err
		return
	}
	resp, err := c.http.Do(req)
	if err != nil {
		ready <- err
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		ready <- fmt.Errorf("events: %d %s", resp.StatusCode, bytes.TrimSpace(raw))
		return
	}
	br := bufio.NewReader(resp.Body)
	signalled := false
	var kind string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if ctx.Err() == nil {
				s.mu.Lock()
				s.closed = time.Now()
				s.mu.Unlock()
			}
			if !signalled {
				ready <- fmt.Errorf("events: stream ended before it was connected: %v", err)
			}
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == ": connected" && !signalled:
			signalled = true
			ready <- nil
		case strings.HasPrefix(line, "event:"):
			kind = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:") && kind == "proposal":
			var ev struct {
				Object int64 `json:"object"`
			}
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &ev) == nil {
				now := time.Now()
				s.mu.Lock()
				if _, ok := s.seen[ev.Object]; !ok {
					s.seen[ev.Object] = now
				}
				s.mu.Unlock()
			}
		case line == "":
			kind = ""
		}
	}
}

// rssKB reads a process's resident set size from /proc, in KiB.
func rssKB(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

func runSSE(ctx context.Context, cfg config, out io.Writer) error {
	c := newClient(cfg, 4)
	t, err := c.fetchTarget(ctx)
	if err != nil {
		return err
	}
	var before int64
	if cfg.pid > 0 {
		if before, err = rssKB(cfg.pid); err != nil {
			return fmt.Errorf("--pid %d: %v", cfg.pid, err)
		}
	}
	// Each stream needs a connection of its own; a separate transport
	// keeps the proposal's request off them.
	sc := newClient(cfg, 0)
	streamCtx, closeStreams := context.WithCancel(ctx)
	defer closeStreams()
	streams := make([]*stream, cfg.sse)
	ready := make(chan error, cfg.sse)
	gate := make(chan struct{}, 64) // connections being opened at once
	start := time.Now()
	go func() {
		for i := range streams {
			streams[i] = &stream{seen: map[int64]time.Time{}}
			gate <- struct{}{}
			r := make(chan error, 1)
			token := cfg.token
			if len(cfg.tokens) > 0 { // each stream a sender of its own
				token = cfg.tokens[i%len(cfg.tokens)]
			}
			go sc.open(streamCtx, token, streams[i], r)
			go func() { err := <-r; <-gate; ready <- err }()
		}
	}()
	timeout := time.After(cfg.sseTimeout)
	var failed []error
	for range cfg.sse {
		select {
		case err := <-ready:
			if err != nil {
				failed = append(failed, err)
			}
		case <-timeout:
			return fmt.Errorf("only part of the %d streams connected within %v", cfg.sse, cfg.sseTimeout)
		}
	}
	opened := cfg.sse - len(failed)
	fmt.Fprintf(out, "streams   %d of %d connected in %v\n", opened, cfg.sse, time.Since(start).Round(time.Millisecond))
	if len(failed) > 0 {
		fmt.Fprintf(out, "          %d failed, e.g. %v\n", len(failed), failed[0])
	}
	if opened == 0 {
		return errors.New("no stream connected")
	}
	if cfg.pid > 0 {
		time.Sleep(2 * time.Second) // let the server settle
		after, err := rssKB(cfg.pid)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "server    RSS %.1f MiB before, %.1f MiB with %d streams: %.1f KiB per stream\n",
			float64(before)/1024, float64(after)/1024, opened, float64(after-before)/float64(opened))
	}

	// Table one proposal and watch it arrive.
	body := t.proposal(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1)), "delete")
	req, err := c.request(ctx, "POST", c.url("/api/v1/documents/%d/proposals", cfg.document), body)
	if err != nil {
		return err
	}
	sent := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answered := time.Now()
	var created struct {
		ID int64 `json:"id"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &created) != nil {
		return fmt.Errorf("table a proposal: %d %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	fmt.Fprintf(out, "proposal  %d tabled in %v\n", created.ID, answered.Sub(sent).Round(time.Microsecond))
	deadline := time.Now().Add(cfg.sseTimeout)
	var lat []time.Duration
	for {
		lat = lat[:0]
		for _, s := range streams {
			if at, ok := s.saw(created.ID); ok {
				lat = append(lat, at.Sub(sent))
			}
		}
		if len(lat) == opened || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	within := 0
	for _, d := range lat {
		if d <= time.Second {
			within++
		}
	}
	fmt.Fprintf(out, "event     reached %d of %d streams, %d within 1s of the POST\n", len(lat), opened, within)
	fmt.Fprintf(out, "latency   (from sending the POST) %s\n", percentiles(lat))

	if cfg.hold > 0 {
		fmt.Fprintf(out, "holding   the streams open for %v\n", cfg.hold)
		select {
		case <-time.After(cfg.hold):
		case <-ctx.Done():
		}
		ended := 0
		for _, s := range streams {
			s.mu.Lock()
			if !s.closed.IsZero() {
				ended++
			}
			s.mu.Unlock()
		}
		fmt.Fprintf(out, "held      %d of %d streams still open after %v\n", opened-ended, opened, time.Since(start).Round(time.Second))
	}
	closeStreams()
	if len(lat) < opened {
		return fmt.Errorf("the event reached %d of %d streams within %v", len(lat), opened, cfg.sseTimeout)
	}
	return nil
}

// writeErrors reports the answers other than 201 Created by status (0: no
// answer at all), with one sample body each.
func writeErrors(out io.Writer, byStatus map[int]int, sample map[int]string) {
	var statuses []int
	for s := range byStatus {
		if s != http.StatusCreated {
			statuses = append(statuses, s)
		}
	}
	sort.Ints(statuses)
	if len(statuses) == 0 {
		fmt.Fprintln(out, "errors    none")
	}
	for _, s := range statuses {
		name := strconv.Itoa(s)
		if s == 0 {
			name = "no answer"
		}
		fmt.Fprintf(out, "errors    %s: %d (e.g. %.200s)\n", name, byStatus[s], sample[s])
	}
}
