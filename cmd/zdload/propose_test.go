package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// TestAcknowledgedProposalsSurviveAKill submits proposals from four
// delegations at once to the real binary, where they are committed
// together in groups, kills the server with SIGKILL in the middle and
// restarts it: every proposal answered 201 is stored, with its event and
// its audit event, for the delegation that sent it.
func TestAcknowledgedProposalsSurviveAKill(t *testing.T) {
	t.Parallel()
	srv, st := startServer(t)
	secretariat := seedToken(t, st, "SECRETARIAT", negotiation.PartySecretariat, "officer@un.example", false)
	docID := seedDocument(t, srv.addr, secretariat)
	var tokens []string
	for _, code := range []string{"FRA", "BRA", "KEN", "JPN"} {
		tokens = append(tokens, seedToken(t, st, code, negotiation.PartyState, code+"@example.org", false))
	}
	base, _ := url.Parse("http://" + srv.addr)
	cfg := config{base: base, token: tokens[0], tokens: tokens, document: docID, duration: 6 * time.Second,
		concurrency: 16, kind: "mixed", max: maxRequests}

	var out bytes.Buffer
	var res surgeResult
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, err = runProposals(context.Background(), cfg, &out)
	}()
	time.Sleep(2 * time.Second)
	srv.kill(t)
	srv.start(t)
	wg.Wait()
	t.Logf("proposals with a SIGKILL:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if res.ByStatus[0] == 0 {
		t.Error("no request went unanswered: the kill did not land during the run")
	}
	var stored, whole, parties int
	if err := st.Pool().QueryRow(store.AsSystem(context.Background()), `SELECT count(*),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM document_events e WHERE e.kind = 'proposal' AND e.object_id = p.id)
				AND EXISTS (SELECT 1 FROM audit_events a JOIN users u ON u.id = a.actor_id
					WHERE a.object_type = 'proposal' AND a.object_id = p.id::text AND u.party_id = p.party_id)),
			count(DISTINCT p.party_id)
		FROM proposals p WHERE p.document_id = $1 AND p.id = ANY ($2)`, docID, res.Acked).Scan(&stored, &whole, &parties); err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf("%d acknowledged, %d stored, %d with their event and audit event by their delegation, from %d delegations",
		len(res.Acked), stored, whole, parties)
	t.Log(msg)
	if stored != len(res.Acked) || whole != stored || parties != len(tokens) {
		t.Error(msg)
	}
}
