package live

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestPublishDeliversOnceToTheDocumentsSubscribers(t *testing.T) {
	h := NewHub(slog.New(slog.NewTextHandler(io.Discard, nil)))
	a, stopA := h.Subscribe(1)
	defer stopA()
	b, stopB := h.Subscribe(2)
	defer stopB()
	now := time.Now()
	// Event 3 commits before event 2 (ids are taken before commit): both
	// arrive, and reading the same window again sends nothing twice.
	h.publish([]Event{{ID: 1, DocumentID: 1}, {ID: 3, DocumentID: 1}}, now)
	h.publish([]Event{{ID: 1, DocumentID: 1}, {ID: 2, DocumentID: 1}, {ID: 3, DocumentID: 1}, {ID: 4, DocumentID: 2}}, now)
	var got []int64
	for len(a) > 0 {
		got = append(got, (<-a).ID)
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 3 || got[2] != 2 {
		t.Errorf("document 1 got %v, want [1 3 2]", got)
	}
	if len(b) != 1 {
		t.Errorf("document 2 got %d events, want 1", len(b))
	}
	stopA()
	if n := h.Subscribers(); n != 1 {
		t.Errorf("subscribers after one left = %d, want 1", n)
	}
}

func TestSlowSubscriberDoesNotBlockOthers(t *testing.T) {
	h := NewHub(slog.New(slog.NewTextHandler(io.Discard, nil)))
	slow, stop := h.Subscribe(1)
	defer stop()
	fast, stop2 := h.Subscribe(1)
	defer stop2()
	var evs []Event
	for i := int64(1); i <= 40; i++ {
		evs = append(evs, Event{ID: i, DocumentID: 1})
	}
	done := make(chan struct{})
	go func() { h.publish(evs, time.Now()); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publish blocked on a full subscriber")
	}
	if len(slow) != cap(slow) || len(fast) != cap(fast) {
		t.Errorf("buffers: %d and %d, want both full (%d)", len(slow), len(fast), cap(slow))
	}
}
