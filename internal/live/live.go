// Package live fans document events out to open pages (Server-Sent
// Events). Events are rows that writes add to document_events in their own
// transaction; one low-rate publisher per server process reads the new rows
// after they committed and hands them to the subscribers of that document.
// So every process behind a load balancer sees every event, and no NOTIFY
// runs inside a hot write transaction.
package live

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Event is one change to a document.
type Event struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document"`
	Kind       string `json:"kind"`   // proposal, position, status, version
	ObjectID   int64  `json:"object"` // e.g. the proposal id
	// PartyID is set for events only one party may learn of (its drafts).
	PartyID int64 `json:"-"`
}

// Source reads events committed recently (within window), oldest first.
type Source func(ctx context.Context, window time.Duration) ([]Event, error)

// Hub is the set of subscribers, per document.
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan Event]struct{}
	seen map[int64]time.Time // event ids delivered, kept for one window
	log  *slog.Logger
}

// NewHub returns an empty hub.
func NewHub(log *slog.Logger) *Hub {
	return &Hub{subs: map[int64]map[chan Event]struct{}{}, seen: map[int64]time.Time{}, log: log}
}

// Subscribe returns a channel of the document's events and a function that
// ends the subscription. A subscriber too slow to take its events loses
// them rather than holding up everyone else; the page reloads its state on
// the next event anyway.
func (h *Hub) Subscribe(docID int64) (<-chan Event, func()) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	if h.subs[docID] == nil {
		h.subs[docID] = map[chan Event]struct{}{}
	}
	h.subs[docID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[docID], ch)
		if len(h.subs[docID]) == 0 {
			delete(h.subs, docID)
		}
		h.mu.Unlock()
	}
}

// Subscribers counts open subscriptions (for tests and metrics).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.subs {
		n += len(s)
	}
	return n
}

// window is how far back the publisher looks. Identity values are handed
// out before commit, so a row with a lower id can become visible after one
// with a higher id; reading a time window and remembering what was sent
// catches such late rows.
const window = 5 * time.Second

// Run polls src every interval until ctx ends and publishes new events.
func (h *Hub) Run(ctx context.Context, src Source, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		evs, err := src(ctx, window)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("live updates: reading events", "err", err)
			}
			continue
		}
		h.publish(evs, time.Now())
	}
}

func (h *Hub) publish(evs []Event, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, at := range h.seen {
		if now.Sub(at) > 2*window {
			delete(h.seen, id)
		}
	}
	for _, ev := range evs {
		if _, done := h.seen[ev.ID]; done {
			continue
		}
		h.seen[ev.ID] = now
		for ch := range h.subs[ev.DocumentID] {
			select {
			case ch <- ev:
			default:
			}
		}
	}
}
