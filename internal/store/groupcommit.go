package store

import (
	"context"
	"sync"
	"time"
)

// groupCommit gathers writes that arrive together into shared
// transactions: while some transactions are in flight, the writes that
// come in wait, and the next free turn takes them all at once. What a
// transaction costs the database beyond its statements (BEGIN, COMMIT and
// its flush of the log, the round trips) is then paid once for many
// writes; a lone write still goes at once, alone.
//
// Each write is acknowledged only after the transaction that holds it has
// committed. A write that fails the shared transaction must not fail the
// others with it: commit tries each of them again in a transaction of its
// own, so that each gets its own answer (see commitGroup).
type groupCommit[T any] struct {
	turns int // at most this many transactions in flight
	limit int // at most this many writes per transaction
	// commit commits a group; it answers every member.
	commit func(group []T)

	mu      sync.Mutex
	pending []T
	running int
}

// add hands w to the next free transaction; commit answers it there.
func (g *groupCommit[T]) add(w T) {
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

// drain commits what is pending, a group at a time, until nothing is.
func (g *groupCommit[T]) drain() {
	for {
		g.mu.Lock()
		n := min(len(g.pending), g.limit)
		if n == 0 {
			g.running--
			g.mu.Unlock()
			return
		}
		group := make([]T, n)
		copy(group, g.pending)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		g.commit(group)
	}
}

// groupTimeout bounds a shared transaction: it serves several requests, so
// it cannot take any one request's deadline or cancellation.
const groupTimeout = 30 * time.Second

// groupContext is the context of a shared transaction.
func groupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), groupTimeout)
}
