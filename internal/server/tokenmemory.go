package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// rechecked are the routes whose handlers look the sender's API token up
// again inside their own transaction and refuse there what it no longer
// allows (store.NewProposal.Token): for them, the viewer remembered from
// the token's last lookup is enough to begin with, and the request saves
// a round trip to the database before its transaction. Proposal
// submission is the busiest write of a negotiating session.
var rechecked = map[string]bool{
	http.MethodPost + " /api/v1/documents/:id/proposals": true,
}

// tokenMemory is how long a token's viewer is remembered for the
// rechecked routes; the transaction decides in any case.
const tokenMemory = time.Minute

// rememberedViewer is a token's viewer as its last lookup found it.
type rememberedViewer struct {
	v  negotiation.Viewer
	at time.Time
}

// rememberedKey marks a request whose viewer came from memory; its value
// is the token's hash, for the handler's transaction to look it up again.
const rememberedKey = "remembered-token"

// tokenViewer identifies the owner of an API token (hashed): from memory
// on a rechecked route, else (and on a rechecked route the first time) by
// asking the database.
func (s *Server) tokenViewer(c echo.Context, ctx context.Context, hash []byte) (negotiation.Viewer, error) {
	if !rechecked[c.Request().Method+" "+c.Path()] {
		return s.store.ViewerByToken(ctx, hash)
	}
	if r, ok := s.tokenViewers.get(string(hash)); ok && time.Since(r.at) < tokenMemory {
		c.Set(rememberedKey, hash)
		return r.v, nil
	}
	return s.lookUpToken(ctx, hash)
}

// lookUpToken asks the database for a token's owner and remembers the
// answer for the rechecked routes.
func (s *Server) lookUpToken(ctx context.Context, hash []byte) (negotiation.Viewer, error) {
	s.tokenViewers.forget(string(hash))
	v, err := s.store.ViewerByToken(ctx, hash)
	if err == nil {
		s.tokenViewers.put(string(hash), rememberedViewer{v: v, at: time.Now()})
	}
	return v, err
}

// rememberedToken is the hash of the token a request's viewer was
// remembered from, nil if the database was asked.
func rememberedToken(c echo.Context) []byte {
	hash, _ := c.Get(rememberedKey).([]byte)
	return hash
}

// reidentify asks the database afresh for the owner of the token a
// request's viewer was remembered from, after its transaction found the
// token no longer live or naming its owner otherwise; the request then
// goes on as the viewer found, or is refused.
func (s *Server) reidentify(c echo.Context) error {
	hash := rememberedToken(c)
	c.Set(rememberedKey, nil)
	v, err := s.lookUpToken(c.Request().Context(), hash)
	if err != nil {
		return err
	}
	s.setViewer(c, v)
	return nil
}
