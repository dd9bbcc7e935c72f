package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/live"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// StartBackground runs the server's background work (the live-update
// publisher) until ctx ends. Serve calls it; tests that use Handler call it
// themselves.
func (s *Server) StartBackground(ctx context.Context) {
	go s.hub.Run(ctx, s.store.RecentEvents, 200*time.Millisecond)
}

// apiEvents streams a document's changes as Server-Sent Events. Each event
// is checked against the viewer's rights as it goes out, and the viewer is
// looked up again every keepalive, so a revoked session, a suspension or a
// change of rules takes effect on open streams too.
func (s *Server) apiEvents(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	events, unsubscribe := s.hub.Subscribe(d.ID)
	defer unsubscribe()
	w := c.Response()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	w.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-keepalive.C:
			if !s.stillAllowed(c, d.ID) {
				return nil
			}
			fmt.Fprint(w, ": keepalive\n\n")
		case ev := <-events:
			if !s.mayReceive(c, ev) {
				continue
			}
			buf, _ := json.Marshal(ev)
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Kind, buf)
		}
		w.Flush()
	}
}

// mayReceive applies the read check to one event: private events (a
// delegation's drafts) go to that delegation only, and the rest only to
// viewers whom the document's rules show the artefact the event is about.
func (s *Server) mayReceive(c echo.Context, ev live.Event) bool {
	v := viewer(c)
	if ev.PartyID != 0 && ev.PartyID != v.PartyID {
		return false
	}
	if !s.stillAllowed(c, ev.DocumentID) {
		return false
	}
	d, err := s.documentAccess(c, ev.DocumentID)
	if err != nil {
		return false
	}
	if ev.Kind == "comment" {
		ca, err := s.eventComment(c.Request().Context(), ev.ObjectID)
		if err != nil {
			return false
		}
		ca.Document = d
		return negotiation.AuthorizeComment(v, negotiation.ReadDocuments, ca, s.now()) == nil
	}
	return d.Disclosure.CanSee(v, eventArtefact(ev.Kind), ev.PartyID != 0, s.now())
}

// eventArtefact is the artefact an event of the given kind tells about;
// kinds not listed tell about the text.
func eventArtefact(kind string) negotiation.Artefact {
	switch kind {
	case "proposal":
		return negotiation.ArtProposals
	case "position":
		return negotiation.ArtPositions
	case "suggestion":
		return negotiation.ArtObserverComments
	}
	return negotiation.ArtText
}

// eventComment reads what the check needs of an event's comment. Every
// stream on the document asks about the same event at the same moment, so
// the answer is kept for a little while: one query per event, not one per
// stream.
func (s *Server) eventComment(ctx context.Context, id int64) (negotiation.CommentAccess, error) {
	if ca, ok := s.recentComments.get(id); ok {
		return ca, nil
	}
	ca, err := s.store.CommentAccess(ctx, id)
	if err == nil {
		s.recentComments.put(id, ca)
	}
	return ca, err
}

// stillAllowed re-reads the viewer (session or token may have been revoked
// since the stream opened) and the document's rules (they may have
// changed), and asks the authorisation check again.
func (s *Server) stillAllowed(c echo.Context, docID int64) bool {
	if err := s.identify(func(echo.Context) error { return nil })(c); err != nil {
		return false
	}
	c.Set(accessKey(docID), nil)
	return s.authorize(c, actionRead, docID) == nil
}
