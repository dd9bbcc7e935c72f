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
	"github.com/zerodraft/zerodraft/internal/store"
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
	st := &stream{c: c, base: c.Request().Context()}
	for {
		select {
		case <-st.base.Done():
			return nil
		case <-keepalive.C:
			if !st.apply(s.checkStream(c, st.base, d.ID)) {
				return nil
			}
			fmt.Fprint(w, ": keepalive\n\n")
		case ev := <-events:
			if !s.mayReceive(st, ev) {
				if st.broken {
					// The check could not be made: end the stream rather
					// than lose the event; the browser reconnects.
					return nil
				}
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
// The viewer and the rules are read again first (a session or token may
// have been revoked, the rules changed, since the stream opened).
func (s *Server) mayReceive(st *stream, ev live.Event) bool {
	if ev.PartyID != 0 && ev.PartyID != viewer(st.c).PartyID {
		return false
	}
	chk := s.sharedCheck(st, ev)
	if !st.apply(chk) {
		st.broken = chk.transient
		return false
	}
	v := viewer(st.c)
	if ev.PartyID != 0 && ev.PartyID != v.PartyID {
		return false
	}
	d, err := s.documentAccess(st.c, ev.DocumentID)
	if err != nil {
		return false
	}
	if ev.Kind == "comment" {
		ca, err := s.eventComment(st.c.Request().Context(), ev.ObjectID)
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

// stream is one open event stream: its request's context, kept from the
// start so that setting the viewer again for each event does not stack
// contexts for as long as the stream stays open.
type stream struct {
	c    echo.Context
	base context.Context
	// broken: a check failed for want of an answer (not a refusal).
	broken bool
}

// streamCheck is what checking a stream's sender again found: who the
// credential belongs to now and the document's access facts, if the
// sender may still read the document.
type streamCheck struct {
	v       negotiation.Viewer
	d       negotiation.DocumentAccess
	allowed bool
	// transient: the check failed for a reason other than a refusal (the
	// database did not answer); it is not shared with later streams.
	transient bool
}

// streamKey names one check: a sender's credential (hashed), a document
// and the event that asked.
type streamKey struct {
	credential string
	doc, event int64
}

// apply makes a check's viewer and access facts the stream's own, and
// says whether the stream may go on.
func (st *stream) apply(chk streamCheck) bool {
	if !chk.allowed {
		return false
	}
	st.c.Set("viewer", chk.v)
	st.c.Set(accessKey(chk.d.ID), chk.d)
	st.c.SetRequest(st.c.Request().WithContext(store.WithViewer(st.base, chk.v, nil)))
	return true
}

// sharedCheck is checkStream, asked once per sender, document and event:
// every stream on a document receives each event at the same moment, and
// a thousand streams of one delegation's screen would otherwise make a
// thousand times the same two queries. The next event asks again, so a
// revocation or a change of rules takes effect from the next event on.
func (s *Server) sharedCheck(st *stream, ev live.Event) streamCheck {
	key := streamKey{credential: s.credential(st.c), doc: ev.DocumentID, event: ev.ID}
	if chk, ok := s.streamChecks.get(key); ok {
		return chk
	}
	flight := fmt.Sprintf("%x/%d/%d", key.credential, key.doc, key.event)
	chk, _, _ := s.streamFlight.Do(flight, func() (any, error) {
		// Other streams wait for this answer: it must not end when the
		// stream that asked first closes.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(st.base), 10*time.Second)
		defer cancel()
		chk := s.checkStream(st.c, ctx, ev.DocumentID)
		if !chk.transient {
			s.streamChecks.put(key, chk)
		}
		return chk, nil
	})
	return chk.(streamCheck)
}

// checkStream reads the sender of a stream's request again (session or
// token may have been revoked since the stream opened) and the document's
// rules (they may have changed), and asks the authorisation check again.
// A refusal to a signed-in sender is written to the audit trail.
func (s *Server) checkStream(c echo.Context, base context.Context, docID int64) streamCheck {
	v, err := s.requestViewer(c, base)
	if err != nil {
		return streamCheck{transient: negotiation.ErrorCode(err) == negotiation.EInternal}
	}
	ctx := store.WithViewer(base, v, nil)
	d, err := s.store.DocumentAccess(ctx, docID)
	if err == nil {
		err = negotiation.AuthorizeDocument(v, actionRead, d, s.now())
	}
	if err != nil {
		if v.SignedIn() {
			if aerr := s.store.RecordDenial(ctx, v.Actor(), string(actionRead), "document", fmt.Sprint(docID)); aerr != nil {
				s.log.Error("audit a denial", "err", aerr)
			}
		}
		return streamCheck{transient: negotiation.ErrorCode(err) == negotiation.EInternal}
	}
	return streamCheck{v: v, d: d, allowed: true}
}
