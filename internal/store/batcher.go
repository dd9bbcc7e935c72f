package store

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// batcher gathers work that arrives together into batches: while some
// batches are in flight, the work that comes in waits, and the next free
// turn takes it all at once. What a round trip and a statement (or a
// transaction: BEGIN, COMMIT and its flush of the log) cost the database
// is then paid once for many requests, the more so the busier the server;
// a lone request still goes at once, alone. Proposal submissions share
// transactions this way (commitSubmissions), API tokens their lookups
// (lookupTokens).
type batcher[T any] struct {
	turns int // at most this many batches in flight
	limit int // at most this many items per batch
	// run does a batch's work; it answers every item.
	run func(batch []T)
	// fail answers an item that run may have left unanswered when it
	// panicked (a bug, here or in a caller's callback), which is logged
	// as the work named: the other requests, and the batches to come, go
	// on. It must ignore an item already answered.
	fail func(item T, err error)
	name string
	log  *slog.Logger

	mu      sync.Mutex
	pending []T
	running int
}

// add hands w to the next free turn; run answers it there.
func (g *batcher[T]) add(w T) {
	g.mu.Lock()
	g.pending = append(g.pending, w)
	start := g.running < g.turns
	if start {
		g.running++
	}
	g.mu.Unlock()
	if start {
		go g.drain()
	}
}

// drain runs what is pending, a batch at a time, until nothing is.
func (g *batcher[T]) drain() {
	for {
		g.mu.Lock()
		n := min(len(g.pending), g.limit)
		if n == 0 {
			g.running--
			g.mu.Unlock()
			return
		}
		batch := make([]T, n)
		copy(batch, g.pending)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		g.runSafely(batch)
	}
}

// runSafely runs a batch, and fails it if run panics.
func (g *batcher[T]) runSafely(batch []T) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			g.log.Error(g.name+" failed", "err", err)
			for _, item := range batch {
				g.fail(item, err)
			}
		}
	}()
	g.run(batch)
}

// batchTimeout bounds a batch's work: it serves several requests, so it
// cannot take any one request's deadline or cancellation.
const batchTimeout = 30 * time.Second

// batchContext is the context of a batch's work.
func batchContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), batchTimeout)
}
