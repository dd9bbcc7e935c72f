package server

import (
	"sync"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// recentComments remembers the last few comments that live events named,
// so that the streams of one document share one lookup per event.
type recentComments struct {
	mu    sync.Mutex
	byID  map[int64]negotiation.CommentAccess
	order []int64
}

const recentCommentsKept = 1024

func (r *recentComments) get(id int64) (negotiation.CommentAccess, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ca, ok := r.byID[id]
	return ca, ok
}

func (r *recentComments) put(id int64, ca negotiation.CommentAccess) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID = map[int64]negotiation.CommentAccess{}
	}
	if _, ok := r.byID[id]; ok {
		return
	}
	if len(r.order) >= recentCommentsKept {
		delete(r.byID, r.order[0])
		r.order = r.order[1:]
	}
	r.byID[id] = ca
	r.order = append(r.order, id)
}
