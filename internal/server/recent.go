package server

import (
	"slices"
	"sync"
)

// recent remembers the last few answers to a question that many live
// streams ask at the same moment (about the same event), so that they
// share one lookup. The oldest answer goes when the limit is reached.
type recent[K comparable, V any] struct {
	mu    sync.Mutex
	byKey map[K]V
	order []K
	limit int
}

func newRecent[K comparable, V any](limit int) *recent[K, V] {
	return &recent[K, V]{byKey: map[K]V{}, limit: limit}
}

func (r *recent[K, V]) get(k K) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.byKey[k]
	return v, ok
}

func (r *recent[K, V]) put(k K, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byKey[k]; ok {
		return
	}
	if len(r.order) >= r.limit {
		delete(r.byKey, r.order[0])
		r.order = r.order[1:]
	}
	r.byKey[k] = v
	r.order = append(r.order, k)
}

// forget drops k's answer, if any.
func (r *recent[K, V]) forget(k K) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byKey[k]; !ok {
		return
	}
	delete(r.byKey, k)
	r.order = slices.DeleteFunc(r.order, func(o K) bool { return o == k })
}
