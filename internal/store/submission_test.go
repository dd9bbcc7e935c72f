package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// TestBatcherGathersWhatArrivesMeanwhile checks the gathering alone:
// while the only turn commits a first write, the writes that arrive are
// taken together by the next turn, at most limit at a time, and a lone
// write goes at once.
func TestBatcherGathersWhatArrivesMeanwhile(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var groups [][]int
	g := &batcher[int]{turns: 1, limit: 4, run: func(group []int) {
		if group[0] == 0 {
			close(started)
			<-release // the first write holds the turn
		}
		mu.Lock()
		groups = append(groups, append([]int(nil), group...))
		mu.Unlock()
	}}
	g.add(0)
	<-started
	for i := 1; i <= 6; i++ {
		g.add(i)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(groups)
		mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	want := [][]int{{0}, {1, 2, 3, 4}, {5, 6}}
	if len(groups) != len(want) {
		t.Fatalf("groups %v, want %v", groups, want)
	}
	for i := range want {
		if len(groups[i]) != len(want[i]) || groups[i][0] != want[i][0] {
			t.Fatalf("groups %v, want %v", groups, want)
		}
	}
	if g.running != 0 || len(g.pending) != 0 {
		t.Errorf("after the work: %d turns running, %d pending", g.running, len(g.pending))
	}
}

// TestBatcherSurvivesAPanic makes a batch's work panic: its items are
// failed, and the batches after it are done as usual.
func TestBatcherSurvivesAPanic(t *testing.T) {
	t.Parallel()
	answers := make(chan string, 4)
	g := &batcher[int]{turns: 1, limit: 1, name: "test", log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		run: func(batch []int) {
			if batch[0] == 1 {
				panic("a bug")
			}
			answers <- "done"
		},
		fail: func(item int, err error) { answers <- "failed: " + strings.SplitN(err.Error(), "\n", 2)[0] }}
	g.add(1)
	g.add(2)
	for _, want := range []string{"failed: panic: a bug", "done"} {
		select {
		case got := <-answers:
			if got != want {
				t.Errorf("answer %q, want %q", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no answer; want %q", want)
		}
	}
}

// submissionsFixture is a closed document with two states' delegates and
// an observer, and a way to build submissions as each.
type submissionsFixture struct {
	backstopFixture
	s                *Store
	fra, usa, ngo    negotiation.Viewer
	quoteOK, quoteNo negotiation.Proposal
}

func newSubmissionsFixture(t *testing.T) submissionsFixture {
	t.Helper()
	s, f := newPolicyFixture(t, nil)
	until := time.Now().Add(24 * time.Hour)
	span := func(start, end int, quote string) negotiation.Proposal {
		return negotiation.Proposal{DocumentID: f.doc, BaseVersion: 1, Kind: negotiation.Replace, Key: "p1",
			Start: &start, End: &end, Quote: quote, Text: "decides"}
	}
	return submissionsFixture{backstopFixture: f, s: s,
		fra:     negotiation.Viewer{UserID: f.fraUser, PartyID: f.fra.ID, PartyCode: "FRA", PartyKind: negotiation.PartyState},
		usa:     negotiation.Viewer{UserID: f.usaUser, PartyID: f.usa.ID, PartyCode: "USA", PartyKind: negotiation.PartyState},
		ngo:     negotiation.Viewer{UserID: f.ngoUser, PartyID: f.ngo.ID, PartyCode: "NGO", PartyKind: negotiation.PartyObserver, AccreditedUntil: &until},
		quoteOK: span(0, 7, "Decides"),
		quoteNo: span(0, 7, "Request"),
	}
}

// submission builds a submission of p by v, for v's party.
func (f submissionsFixture) submission(v negotiation.Viewer, p negotiation.Proposal) *submission {
	ctx := WithViewer(context.Background(), v, nil)
	sub := &submission{ctx: ctx, viewer: settings(ctx), actor: v.Actor(), done: make(chan struct{}),
		np: NewProposal{Proposal: p, UserID: v.UserID, PartyID: v.PartyID}}
	sub.reset()
	return sub
}

// stored reads back, as the system, who stored each proposal and in which
// transactions, and whether its event and audit event are there.
func (f submissionsFixture) stored(t *testing.T, subs ...*submission) (parties map[int64]int64, transactions int) {
	t.Helper()
	sys := AsSystem(context.Background())
	var ids []int64
	for _, sub := range subs {
		ids = append(ids, sub.p.ID)
	}
	rows, err := f.s.Pool().Query(sys, `SELECT p.id, p.party_id, p.xmin::text,
			(SELECT count(*) FROM document_events e WHERE e.kind = 'proposal' AND e.object_id = p.id),
			(SELECT count(*) FROM audit_events a WHERE a.object_type = 'proposal' AND a.object_id = p.id::text AND a.actor_id = p.created_by)
		FROM proposals p WHERE p.id = ANY ($1)`, ids)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	parties = map[int64]int64{}
	xmins := map[string]bool{}
	for rows.Next() {
		var id, party, events, audits int64
		var xmin string
		if err := rows.Scan(&id, &party, &xmin, &events, &audits); err != nil {
			t.Fatal(err)
		}
		if events != 1 || audits != 1 {
			t.Errorf("proposal %d: %d events and %d audit events by its author, want one each", id, events, audits)
		}
		parties[id], xmins[xmin] = party, true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return parties, len(xmins)
}

// TestSubmissionsShareATransaction commits one group of submissions from
// several viewers, some of which their checks refuse: each gets its own
// answer, the accepted ones are stored in one transaction for the right
// party with their event and audit event, and the refused leave nothing.
func TestSubmissionsShareATransaction(t *testing.T) {
	t.Parallel()
	f := newSubmissionsFixture(t)
	stale := f.quoteOK
	stale.BaseVersion = 2
	group := []*submission{
		f.submission(f.fra, f.quoteOK),
		f.submission(f.usa, f.quoteOK),
		f.submission(f.fra, f.quoteNo),
		f.submission(f.ngo, f.quoteOK), // the rules hide the closed document from an observer
		f.submission(f.usa, stale),
		f.submission(f.fra, f.quoteOK),
	}
	want := []string{"", "", negotiation.EAnchor, negotiation.ENotFound, negotiation.EConflict, ""}
	answers := append([]*submission(nil), group...) // commitSubmissions reorders its group
	f.s.commitSubmissions(group)
	var accepted []*submission
	for i, sub := range answers {
		<-sub.done
		if got := errorCode(sub.err); got != want[i] {
			t.Errorf("submission %d: %v, want %q", i, sub.err, want[i])
		}
		if sub.err == nil {
			accepted = append(accepted, sub)
		}
	}
	parties, transactions := f.stored(t, answers...)
	if len(parties) != len(accepted) || transactions != 1 {
		t.Fatalf("%d proposals stored in %d transactions, want %d in one", len(parties), transactions, len(accepted))
	}
	for _, sub := range accepted {
		if parties[sub.p.ID] != sub.np.PartyID {
			t.Errorf("proposal %d stored for party %d, want %d", sub.p.ID, parties[sub.p.ID], sub.np.PartyID)
		}
	}
}

// TestSubmissionGroupFailureAnswersEach makes one member's write fail in
// the database (a party that does not exist): the shared transaction
// fails, and each member is tried again alone, so that only that one is
// refused and the others are stored.
func TestSubmissionGroupFailureAnswersEach(t *testing.T) {
	t.Parallel()
	f := newSubmissionsFixture(t)
	bad := f.submission(f.fra, f.quoteOK)
	bad.np.PartyID = 1 << 40
	group := []*submission{f.submission(f.fra, f.quoteOK), bad, f.submission(f.usa, f.quoteOK)}
	answers := append([]*submission(nil), group...)
	f.s.commitSubmissions(group)
	for i, sub := range answers {
		<-sub.done
		if (sub.err != nil) != (sub == bad) {
			t.Errorf("submission %d: %v", i, sub.err)
		}
	}
	parties, transactions := f.stored(t, answers[0], answers[2])
	if len(parties) != 2 || transactions != 2 {
		t.Errorf("%d proposals stored in %d transactions, want 2 in 2 (each alone)", len(parties), transactions)
	}
}

// TestSubmissionGroupWaitsForNoLock holds the document as a revision
// would: a group that includes a submission on it must not hold up the
// others, which are stored at once, while that one waits for the
// revision and is then refused as stale, naming the new version.
func TestSubmissionGroupWaitsForNoLock(t *testing.T) {
	t.Parallel()
	f := newSubmissionsFixture(t)
	sys := AsSystem(context.Background())
	other, err := f.s.CreateDocument(sys, admin, negotiation.NewDocument{Symbol: "A/RLS/2", Title: "Other", Language: "en", Label: "Zero draft"},
		[]negotiation.Provision{{Key: "p1", Number: "OP1", Kind: negotiation.KindOperative, Label: "1.", Text: "Decides again."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	onOther := f.quoteOK
	onOther.DocumentID = other.ID
	tx, err := f.s.Pool().Begin(sys)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(sys)
	if _, err := tx.Exec(sys, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, f.doc); err != nil {
		t.Fatal(err)
	}
	held, free := f.submission(f.fra, f.quoteOK), f.submission(f.fra, onOther)
	go f.s.commitSubmissions([]*submission{held, free})
	select {
	case <-free.done:
		if free.err != nil {
			t.Fatalf("the submission on the free document: %v", free.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the submission on the free document waited for the other document's lock")
	}
	select {
	case <-held.done:
		t.Fatalf("the submission on the held document did not wait: %v", held.err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := tx.Exec(sys, `INSERT INTO versions (document_id, number, label, created_by) VALUES ($1, 2, 'Rev.1', 'test')`, f.doc); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(sys); err != nil {
		t.Fatal(err)
	}
	<-held.done
	if negotiation.ErrorCode(held.err) != negotiation.EConflict || !strings.Contains(held.err.Error(), "current version is 2") {
		t.Fatalf("the submission that waited for version 2: %v, want a conflict naming version 2", held.err)
	}
}

// TestConcurrentSubmissionsAllAnswered sends many submissions at once
// through CreateProposal: every one is answered and stored, in fewer
// transactions than submissions whenever they overlapped.
func TestConcurrentSubmissionsAllAnswered(t *testing.T) {
	t.Parallel()
	f := newSubmissionsFixture(t)
	const n = 64
	subs := make([]*submission, n)
	var wg sync.WaitGroup
	for i := range n {
		v := f.fra
		if i%2 == 1 {
			v = f.usa
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := WithViewer(context.Background(), v, nil)
			p, err := f.s.CreateProposal(ctx, v.Actor(), NewProposal{Proposal: f.quoteOK, UserID: v.UserID, PartyID: v.PartyID})
			subs[i] = &submission{p: p, err: err, np: NewProposal{PartyID: v.PartyID}}
		}()
	}
	wg.Wait()
	for i, sub := range subs {
		if sub.err != nil || sub.p.ID == 0 {
			t.Fatalf("submission %d: %+v, %v", i, sub.p, sub.err)
		}
	}
	parties, transactions := f.stored(t, subs...)
	if len(parties) != n {
		t.Fatalf("%d of %d proposals stored", len(parties), n)
	}
	for _, sub := range subs {
		if parties[sub.p.ID] != sub.np.PartyID {
			t.Errorf("proposal %d stored for party %d, want %d", sub.p.ID, parties[sub.p.ID], sub.np.PartyID)
		}
	}
	t.Logf("%d submissions in %d transactions", n, transactions)
}

// errorCode is err's code, "" for none.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	return negotiation.ErrorCode(err)
}

// TestSubmissionRechecksARememberedToken submits as viewers remembered
// from their tokens: the transaction looks each token up again, stores the
// proposal of a live token that still names its viewer, refuses a revoked
// token's (unauthorized) and answers ErrViewerChanged for a token whose
// owner changed party meanwhile, storing neither.
func TestSubmissionRechecksARememberedToken(t *testing.T) {
	t.Parallel()
	f := newSubmissionsFixture(t)
	sys := AsSystem(context.Background())
	remembered := func(user int64, name string) ([]byte, negotiation.Viewer) {
		hash := []byte("hash of " + name)
		if _, err := f.s.CreateAPIToken(sys, admin, user, name, hash, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		v, err := f.s.ViewerByToken(context.Background(), hash)
		if err != nil {
			t.Fatal(err)
		}
		return hash, v
	}
	liveHash, live := remembered(f.fraUser, "live")
	revokedHash, revoked := remembered(f.fraUser, "revoked")
	movedHash, moved := remembered(f.usaUser, "moved")
	if _, err := f.s.Pool().Exec(sys, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1`, revokedHash); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Pool().Exec(sys, `UPDATE users SET party_id = $1 WHERE id = $2`, f.fra.PartyID, f.usaUser); err != nil {
		t.Fatal(err)
	}
	as := func(hash []byte, v negotiation.Viewer) *submission {
		sub := f.submission(v, f.quoteOK)
		sub.np.Token, sub.np.Viewer = hash, v
		return sub
	}
	group := []*submission{as(liveHash, live), as(revokedHash, revoked), as(movedHash, moved)}
	answers := append([]*submission(nil), group...)
	f.s.commitSubmissions(group)
	for _, sub := range answers {
		<-sub.done
	}
	if answers[0].err != nil {
		t.Errorf("live token: %v", answers[0].err)
	}
	if negotiation.ErrorCode(answers[1].err) != negotiation.EUnauthorized {
		t.Errorf("revoked token: %v, want unauthorized", answers[1].err)
	}
	if !errors.Is(answers[2].err, ErrViewerChanged) {
		t.Errorf("token of a user who moved to another party: %v, want ErrViewerChanged", answers[2].err)
	}
	if parties, _ := f.stored(t, answers...); len(parties) != 1 {
		t.Errorf("%d proposals stored, want the live token's only", len(parties))
	}
	// Alone, as a quiet server commits it, the same.
	alone := as(revokedHash, revoked)
	f.s.commitSubmissions([]*submission{alone})
	if <-alone.done; negotiation.ErrorCode(alone.err) != negotiation.EUnauthorized {
		t.Errorf("revoked token alone: %v, want unauthorized", alone.err)
	}
}
