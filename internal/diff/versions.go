package diff

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The values of Provision.Change.
const (
	// Unchanged: same text, same relative order. The number may still differ
	// (FromNumber != ToNumber), which the UI shows as "renumbered".
	Unchanged = "unchanged"
	// Modified: same relative order, different text.
	Modified = "modified"
	// Moved: the relative order changed; the text may have changed too, and
	// the ops then show the edit.
	Moved = "moved"
	// Added: only in the newer version; the ops are one insert.
	Added = "added"
	// Removed: only in the older version; the ops are one delete.
	Removed = "removed"
)

// Provision is the diff of one provision between two versions.
type Provision struct {
	Key        string `json:"key"`
	FromNumber string `json:"from_number"` // empty for added provisions
	ToNumber   string `json:"to_number"`   // empty for removed provisions
	Kind       string `json:"kind"`        // the newer version's kind, the older one's if removed
	Change     string `json:"change"`
	Ops        []Op   `json:"ops"` // never nil, so it encodes as [] rather than null
}

// Versions diffs two versions paragraph by paragraph, aligned by Key.
//
// The result follows the order of to. A removed provision comes right after
// the counterpart in to of its nearest preceding provision in from that
// survives, or first if none survives, so removals sit where they stood and
// before anything added in their place.
//
// A provision counts as moved when it is not part of a longest sequence of
// common provisions that kept their relative order; when several such
// sequences exist the choice is deterministic but arbitrary.
//
// Keys should be unique within a version. If one repeats, its occurrences
// are paired in order (the second in from with the second in to) and the
// extra ones are added or removed. An empty key never matches anything.
func Versions(from, to []negotiation.Provision) []Provision {
	toFrom := match(from, to)
	stay := inOrder(toFrom)
	removed := removedAfter(from, toFrom)

	out := make([]Provision, 0, len(to)+len(from))
	var edits []edit
	out = appendRemoved(out, from, removed[0])
	for ti, t := range to {
		fi := toFrom[ti]
		if fi < 0 {
			out = append(out, added(t))
		} else {
			if from[fi].Text != t.Text {
				edits = append(edits, edit{at: len(out), old: from[fi].Text, new: t.Text})
			}
			out = append(out, common(from[fi], t, !stay[ti]))
		}
		out = appendRemoved(out, from, removed[ti+1])
	}
	diffEdits(out, edits)
	return out
}

// edit is a word diff still to compute for out[at].
type edit struct {
	at       int
	old, new string
}

// diffEdits computes the word diffs of edited provisions on every core:
// they are independent, and they are almost all of a large diff's cost.
// Each result goes to its own slot, so the output does not depend on the
// scheduling.
func diffEdits(out []Provision, edits []edit) {
	workers := min(runtime.GOMAXPROCS(0), len(edits)/8+1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(edits) {
					return
				}
				out[edits[i].at].Ops = Words(edits[i].old, edits[i].new)
			}
		}()
	}
	wg.Wait()
}

// match pairs provisions by key. The result gives, for each index in to,
// the index of its counterpart in from, or -1.
func match(from, to []negotiation.Provision) []int {
	byKey := make(map[string][]int, len(from))
	for fi, f := range from {
		if f.Key != "" {
			byKey[f.Key] = append(byKey[f.Key], fi)
		}
	}
	toFrom := make([]int, len(to))
	for ti, t := range to {
		toFrom[ti] = -1
		if q := byKey[t.Key]; len(q) > 0 {
			toFrom[ti] = q[0]
			byKey[t.Key] = q[1:]
		}
	}
	return toFrom
}

// inOrder marks the common provisions (toFrom[ti] >= 0) that belong to a
// longest increasing subsequence of from positions taken in to order: the
// largest set that kept its relative order. The others moved.
func inOrder(toFrom []int) []bool {
	// Patience sorting: tails[k] is the to index ending the best increasing
	// run of length k+1 found so far; prev links each element to the one
	// before it in its run.
	var tails []int
	prev := make([]int, len(toFrom))
	for ti, fi := range toFrom {
		if fi < 0 {
			continue
		}
		k := sort.Search(len(tails), func(k int) bool { return toFrom[tails[k]] >= fi })
		prev[ti] = -1
		if k > 0 {
			prev[ti] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, ti)
		} else {
			tails[k] = ti
		}
	}
	stay := make([]bool, len(toFrom))
	if len(tails) > 0 {
		for ti := tails[len(tails)-1]; ti >= 0; ti = prev[ti] {
			stay[ti] = true
		}
	}
	return stay
}

// removedAfter groups the from indices of removed provisions by where they
// go: slot 0 is before everything, slot ti+1 right after to[ti].
func removedAfter(from []negotiation.Provision, toFrom []int) [][]int {
	fromTo := make([]int, len(from))
	for fi := range fromTo {
		fromTo[fi] = -1
	}
	for ti, fi := range toFrom {
		if fi >= 0 {
			fromTo[fi] = ti
		}
	}
	slots := make([][]int, len(toFrom)+1)
	slot := 0 // before the first survivor
	for fi, ti := range fromTo {
		if ti >= 0 {
			slot = ti + 1
			continue
		}
		slots[slot] = append(slots[slot], fi)
	}
	return slots
}

// appendRemoved appends the removed provisions from[fi] for each fi.
func appendRemoved(out []Provision, from []negotiation.Provision, fis []int) []Provision {
	for _, fi := range fis {
		f := from[fi]
		out = append(out, Provision{
			Key:        f.Key,
			FromNumber: f.Number,
			Kind:       string(f.Kind),
			Change:     Removed,
			Ops:        Words(f.Text, ""),
		})
	}
	return out
}

// added is the diff of a provision that only the newer version has.
func added(t negotiation.Provision) Provision {
	return Provision{
		Key:      t.Key,
		ToNumber: t.Number,
		Kind:     string(t.Kind),
		Change:   Added,
		Ops:      Words("", t.Text),
	}
}

// common is the diff of a provision both versions have.
func common(f, t negotiation.Provision, moved bool) Provision {
	change := Unchanged
	switch {
	case moved:
		change = Moved
	case f.Text != t.Text:
		change = Modified
	}
	return Provision{
		Key:        t.Key,
		FromNumber: f.Number,
		ToNumber:   t.Number,
		Kind:       string(t.Kind),
		Change:     change,
		Ops:        unchangedOps(f.Text, t.Text),
	}
}

// unchangedOps is the diff of an unchanged text; edited texts are diffed
// afterwards, in parallel, by diffEdits.
func unchangedOps(old, new string) []Op {
	if old != new {
		return nil
	}
	return Words(old, new)
}
