package diff

import (
	"sync"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// scratch holds the buffers one word diff works in. A whole-version diff
// runs hundreds of word diffs; allocating these afresh for each made the
// collector, not the diff, the largest cost (about 12 MB of garbage per
// comparison of two treaty drafts), so they are reused from one paragraph
// to the next. Nothing a diff returns points into them.
type scratch struct {
	dmp     *diffmatchpatch.DiffMatchPatch
	a, b    []string        // tokens of the old and new text
	index   map[string]rune // token -> rune, for one pair of texts
	table   []string        // rune -> token
	ra, rb  []rune          // the middles as runes
	weights []int           // characters per token
	inA     []bool          // token numbers seen in the old middle
	keep    []bool          // token numbers go-diff sees
	ka, kb  []rune          // the reduced sequences
	posA    []int           // where each rune of ka stands in ra
	posB    []int           // and of kb in rb
	pairs   [][2]int        // matched positions
	counts  map[uint64]int32
	builder diffBuilder
	ops     []Op
}

// maxKeptMap is the size beyond which a map is dropped rather than cleared:
// clearing costs its capacity, and one huge paragraph should not slow down
// every small one after it.
const maxKeptMap = 4096

var scratchPool = sync.Pool{New: func() any {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	return &scratch{
		dmp:    dmp,
		index:  make(map[string]rune),
		counts: make(map[uint64]int32),
	}
}}

// getScratch takes a scratch from the pool; putScratch returns it.
func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if len(s.index) > maxKeptMap {
		s.index = make(map[string]rune)
	} else {
		clear(s.index)
	}
	if len(s.counts) > maxKeptMap {
		s.counts = make(map[uint64]int32)
	} else {
		clear(s.counts)
	}
	// The token slices still point into the last texts diffed. They are not
	// cleared: with the collector running that costs write barriers on
	// every slot, and the pool itself is emptied within two collections.
	s.builder.reset()
	scratchPool.Put(s)
}
