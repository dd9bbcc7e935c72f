package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

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
