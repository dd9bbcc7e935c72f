package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// stream opens the SSE endpoint as the env's token and sends each event's
// "event:" and "data:" lines, joined, to the returned channel.
func (e *testEnv) stream(ctx context.Context, docID int64) (<-chan string, int) {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/documents/%d/events", e.url, docID), nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make(chan string, 16)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return out, resp.StatusCode
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var cur []string
		for sc.Scan() {
			line := sc.Text()
			if line == "" && len(cur) > 0 {
				out <- strings.Join(cur, " ")
				cur = nil
			} else if strings.HasPrefix(line, "event:") || strings.HasPrefix(line, "data:") {
				cur = append(cur, line)
			}
		}
	}()
	return out, resp.StatusCode
}

func TestLiveUpdates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/LIVE/1", zeroDraft)
	eu := &testEnv{t: t, url: e.url, token: e.tokenFor("EU", negotiation.PartyGroup, "d@eu.example")}
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, status := ngo.stream(ctx, c.ID); status != http.StatusNotFound {
		t.Errorf("observer stream on a closed document: %d, want 404", status)
	}
	events, status := bra.stream(ctx, c.ID)
	if status != http.StatusOK {
		t.Fatalf("stream: %d", status)
	}
	key, _ := e.keyOf(c.ID, 1, "Invites")
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	// A draft is EU's own business; a tabled proposal is everyone's.
	eu.call("POST", path, map[string]any{"base_version": 1, "kind": "delete", "key": key, "draft": true}, nil)
	var tabled struct{ ID int64 }
	eu.call("POST", path, map[string]any{"base_version": 1, "kind": "delete", "key": key}, &tabled)
	start := time.Now()
	select {
	case ev := <-events:
		if !strings.Contains(ev, "event: proposal") || !strings.Contains(ev, fmt.Sprintf(`"object":%d`, tabled.ID)) {
			t.Errorf("first event = %q, want the tabled proposal %d (not the draft)", ev, tabled.ID)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("event took %v", d)
		}
	case <-ctx.Done():
		t.Fatal("no event arrived")
	}
}

// TestLiveStreamsShareChecksPerSender checks the streams' shared re-check
// (one per sender, document and event): several streams of one token all
// receive an event, and once that token is revoked its streams receive
// nothing more while another token's streams of the same delegation go on.
func TestLiveStreamsShareChecksPerSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/LIVE/2", zeroDraft)
	eu := &testEnv{t: t, url: e.url, token: e.tokenFor("EU", negotiation.PartyGroup, "d@eu.example")}
	a := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "one@bra.example")}
	b := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "two@bra.example")}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func(who *testEnv, n int) []<-chan string {
		var out []<-chan string
		for range n {
			ev, status := who.stream(ctx, c.ID)
			if status != http.StatusOK {
				t.Fatalf("stream: %d", status)
			}
			out = append(out, ev)
		}
		return out
	}
	streamsA, streamsB := open(a, 3), open(b, 2)
	key, _ := e.keyOf(c.ID, 1, "Invites")
	path := fmt.Sprintf("/api/v1/documents/%d/proposals", c.ID)
	propose := func() int64 {
		var p struct{ ID int64 }
		if status, raw := eu.call("POST", path, map[string]any{"base_version": 1, "kind": "delete", "key": key}, &p); status != http.StatusCreated {
			t.Fatalf("propose: %d %s", status, raw)
		}
		return p.ID
	}
	expect := func(streams []<-chan string, id int64, want bool) {
		t.Helper()
		wait := time.After(3 * time.Second)
		for i, s := range streams {
			select {
			case ev := <-s:
				if !want {
					t.Errorf("stream %d received %q after its token was revoked", i, ev)
				} else if !strings.Contains(ev, fmt.Sprintf(`"object":%d`, id)) {
					t.Errorf("stream %d received %q, want proposal %d", i, ev, id)
				}
			case <-wait:
				if want {
					t.Fatalf("stream %d: no event for proposal %d", i, id)
				}
				return
			}
		}
	}
	first := propose()
	expect(streamsA, first, true)
	expect(streamsB, first, true)
	if _, err := e.store.Pool().Exec(context.Background(), `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1`, auth.Hash(a.token)); err != nil {
		t.Fatal(err)
	}
	second := propose()
	expect(streamsB, second, true)
	expect(streamsA, second, false)
}
