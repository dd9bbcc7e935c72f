package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestProposalSubmissionBindsItsViewer checks the two-trip transaction of
// a submission: the viewer it sets for its transaction is the one the
// database's rules judge by (whatever viewer the connection had before),
// and it does not outlive the transaction.
func TestProposalSubmissionBindsItsViewer(t *testing.T) {
	t.Parallel()
	s, f := newPolicyFixture(t, nil)
	sys := AsSystem(context.Background())
	count := func() int {
		var n int
		if err := s.Pool().QueryRow(sys, `SELECT count(*) FROM proposals`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Every connection of the pool last served the secretariat.
	sec := WithViewer(context.Background(), negotiation.Viewer{UserID: f.secUser, PartyID: f.sec.ID, PartyKind: negotiation.PartySecretariat}, time.Now)
	for range 16 {
		if _, err := s.Pool().Exec(sec, `SELECT count(*) FROM proposals`); err != nil {
			t.Fatal(err)
		}
	}
	before := count()
	until := time.Now().Add(24 * time.Hour)
	outsiders := map[string]negotiation.Viewer{
		"observer":  {UserID: f.ngoUser, PartyID: f.ngo.ID, PartyCode: "NGO", PartyKind: negotiation.PartyObserver, AccreditedUntil: &until},
		"anonymous": {},
	}
	np := NewProposal{Proposal: negotiation.Proposal{DocumentID: f.doc, BaseVersion: 1, Kind: negotiation.InsertProvision, Text: "Also decides."},
		UserID: f.fraUser, PartyID: f.fra.ID}
	for name, v := range outsiders {
		// No application check (Authorize is nil): the database alone
		// must not find the document for them.
		_, err := s.CreateProposal(WithViewer(context.Background(), v, nil), admin, np)
		if negotiation.ErrorCode(err) != negotiation.ENotFound {
			t.Errorf("%s proposing on a closed document: %v, want not found", name, err)
		}
	}
	if n := count(); n != before {
		t.Fatalf("refused submissions stored %d proposals", n-before)
	}
	fra := negotiation.Viewer{UserID: f.fraUser, PartyID: f.fra.ID, PartyCode: "FRA", PartyKind: negotiation.PartyState}
	p, err := s.CreateProposal(WithViewer(context.Background(), fra, nil), admin, np)
	if err != nil || p.ID == 0 || count() != before+1 {
		t.Fatalf("a member's submission: %+v, %v; %d stored", p, err, count()-before)
	}
	// The transaction's viewer is gone with it: a connection taken with
	// the secretariat's viewer again still serves the secretariat (every
	// proposal, drafts included), one taken without a viewer the public.
	for range 16 {
		var n int
		if err := s.Pool().QueryRow(sec, `SELECT count(*) FROM proposals`).Scan(&n); err != nil || n != before+1 {
			t.Fatalf("secretariat after submissions: %d proposals (%v), want %d", n, err, before+1)
		}
	}
	var n int
	if err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM proposals`).Scan(&n); err != nil || n != 0 {
		t.Errorf("no viewer after submissions: %d proposals, %v; want 0", n, err)
	}
}

// TestProposalWaitsForANewVersion checks the race between a submission on
// version 1 and the issuing of version 2: a submission that had to wait
// for the document while version 2 was being made is refused as stale,
// naming version 2, rather than stored on a version that is no longer
// current.
func TestProposalWaitsForANewVersion(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	f := newBackstopFixture(t, s)
	sys := AsSystem(context.Background())
	tx, err := s.Pool().Begin(sys)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(sys)
	// What issuing a version does first: lock the document.
	if _, err := tx.Exec(sys, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, f.doc); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.CreateProposal(sys, admin, NewProposal{Proposal: negotiation.Proposal{DocumentID: f.doc, BaseVersion: 1,
			Kind: negotiation.InsertProvision, Text: "Also decides."}, UserID: f.fraUser, PartyID: f.fra.ID})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // the submission is waiting for the lock
	if _, err := tx.Exec(sys, `INSERT INTO versions (document_id, number, label, created_by) VALUES ($1, 2, 'Rev.1', 'test')`, f.doc); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(sys); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if negotiation.ErrorCode(err) != negotiation.EConflict || !strings.Contains(err.Error(), "current version is 2") {
		t.Fatalf("a submission on version 1 that waited for version 2: %v, want a conflict naming version 2", err)
	}
}
