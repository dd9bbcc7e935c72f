package server

import (
	"context"
	"github.com/zerodraft/zerodraft/internal/store"
	"sync"
	"time"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// diffCache keeps the most recent version diffs. Versions are immutable,
// so the diff of (document, from, to) never changes; when a revision is
// issued, every delegation opens the same comparison, and all but the first
// are served from here. It is consulted only after the read check.
type diffCache struct {
	mu    sync.Mutex
	max   int // bytes of diff text kept at most
	size  int
	order []diffKey
	diffs map[diffKey][]diff.Provision
}

// diffBytes approximates what a diff keeps alive: the text of its ops.
func diffBytes(d []diff.Provision) int {
	n := 0
	for _, p := range d {
		for _, op := range p.Ops {
			n += len(op.Text) + 32
		}
	}
	return n
}

type diffKey struct {
	doc      int64
	from, to int
}

// newDiffCache keeps at most max bytes of diff text (oldest dropped first).
func newDiffCache(max int) *diffCache {
	return &diffCache{max: max, diffs: map[diffKey][]diff.Provision{}}
}

// versionSource is where the cache loads versions from (the store).
type versionSource interface {
	Version(ctx context.Context, docID int64, number int) (negotiation.Version, error)
}

// get returns the cached diff, or loads both versions (an unknown one is
// "not found"), diffs them and keeps the result, dropping the oldest entry
// when full.
func (c *diffCache) get(ctx context.Context, src versionSource, doc int64, from, to int) ([]diff.Provision, error) {
	k := diffKey{doc, from, to}
	c.mu.Lock()
	d, ok := c.diffs[k]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	a, err := src.Version(ctx, doc, from)
	if err != nil {
		return nil, err
	}
	b, err := src.Version(ctx, doc, to)
	if err != nil {
		return nil, err
	}
	d = diff.Versions(a.Provisions, b.Provisions)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.diffs[k]; !ok {
		n := diffBytes(d)
		for len(c.order) > 0 && c.size+n > c.max {
			c.size -= diffBytes(c.diffs[c.order[0]])
			delete(c.diffs, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, k)
		c.diffs[k] = d
		c.size += n
	}
	return d, nil
}

// warmDiff computes the diff a new version will be compared with first —
// against its predecessor — right after it is issued, so that the
// delegations who open it are served from the cache. Nothing is shown to
// anyone here; readers still pass the read check before the cache.
func (s *Server) warmDiff(docID int64, from, to int) {
	if from < 1 {
		return
	}
	// The server's own work: readers are checked when they ask.
	ctx, cancel := context.WithTimeout(store.AsSystem(context.Background()), time.Minute)
	defer cancel()
	_, _ = s.diffs.get(ctx, s.store, docID, from, to)
}
