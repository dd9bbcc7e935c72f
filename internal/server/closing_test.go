package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

// finalDraft is a clean text, without brackets, ready to be adopted.
const finalDraft = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015,

Noting with concern the growth of plastic pollution,

1. Decides to establish an intergovernmental negotiating committee;

2. Requests the Secretary-General to provide support;

3. Invites Member States to contribute.`

// closingEnv is a testEnv whose installation has a short silence minimum
// and a job queue that a test may stop and start again, as a restart of
// the server would.
type closingEnv struct {
	*testEnv
	dsn string
	mu  sync.Mutex
	jc  *jobs.Client
}

func newClosingEnv(t *testing.T, silenceMin time.Duration, runJobs bool) *closingEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	dsn := pgtest.NewDatabase(t)
	st, err := store.Open(ctx, dsn, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	srv, err := server.New(ctx, server.Options{Store: st, Logger: log, BaseURL: base, SilenceMin: silenceMin})
	if err != nil {
		t.Fatal(err)
	}
	srv.StartBackground(ctx)
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	e := &closingEnv{testEnv: &testEnv{t: t, url: hs.URL, store: st}, dsn: dsn}
	e.token = e.tokenFor("SECRETARIAT", negotiation.PartySecretariat, "officer@un.example")
	// The store always has a client to insert jobs with; whether one works
	// them is the test's choice.
	e.jc = jobClient(t, st, log)
	st.UseJobs(e.jc)
	if runJobs {
		e.startJobs()
	}
	t.Cleanup(e.stopJobs)
	return e
}

func jobClient(t *testing.T, st *store.Store, log *slog.Logger) *jobs.Client {
	t.Helper()
	ws := jobs.NewWorkers()
	st.RegisterWorkers(ws)
	jc, err := jobs.New(st.Pool(), ws, jobs.Options{Logger: log, FetchPollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return jc
}

// startJobs starts a fresh job client, as a process starting up would.
func (e *closingEnv) startJobs() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.jc = jobClient(e.t.(*testing.T), e.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.store.UseJobs(e.jc)
	if err := e.jc.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// stopJobs stops the job client gracefully, as a shutdown would.
func (e *closingEnv) stopJobs() {
	e.mu.Lock()
	defer e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.jc.Stop(ctx); err != nil {
		e.t.Errorf("stop jobs: %v", err)
	}
}

func (e *closingEnv) as(token string) *testEnv {
	return &testEnv{t: e.t, url: e.url, store: e.store, token: token}
}

type silenceBody struct {
	negotiation.Silence
}

type adoptionBody struct {
	negotiation.Adoption
	PublicURL    string                    `json:"public_url"`
	Explanations []negotiation.Explanation `json:"explanations"`
}

func (e *closingEnv) startSilence(docID int64, version int, deadline time.Time) negotiation.Silence {
	e.t.Helper()
	var sl negotiation.Silence
	status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/silence", docID),
		map[string]any{"version": version, "deadline": deadline.Format(time.RFC3339Nano)}, &sl)
	if status != http.StatusCreated {
		e.t.Fatalf("start silence: %d %s", status, raw)
	}
	return sl
}

// waitAdoption polls the adoption record until it exists.
func (e *closingEnv) waitAdoption(docID int64, within time.Duration) adoptionBody {
	e.t.Helper()
	end := time.Now().Add(within)
	for time.Now().Before(end) {
		var a adoptionBody
		if status, _ := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", docID), nil, &a); status == http.StatusOK {
			return a
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("document %d not adopted within %s", docID, within)
	return adoptionBody{}
}

func wantError(t *testing.T, status int, raw []byte, wantStatus int, wantIn string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, raw)
	}
	_, msg := apiErr(t, raw)
	if !strings.Contains(msg, wantIn) {
		t.Fatalf("message %q does not say %q", msg, wantIn)
	}
}

func TestSilenceDeadlineInThePastOrUnderMinimum(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Hour, false)
	doc := e.createDoc("A/SIL/1", finalDraft)
	path := fmt.Sprintf("/api/v1/documents/%d/silence", doc.ID)
	status, raw := e.call("POST", path, map[string]any{"version": 1, "deadline": time.Now().Add(-time.Minute)}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "in the past")
	status, raw = e.call("POST", path, map[string]any{"version": 1, "deadline": time.Now().Add(30 * time.Minute)}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "at least 1h0m0s")
	status, raw = e.call("POST", path, map[string]any{"version": 1}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "deadline is required")
	status, raw = e.call("POST", path, map[string]any{"version": 1, "deadline": "tomorrow"}, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("a deadline that is no time: %d %s", status, raw)
	}
	// Nothing was started by the refusals; a valid deadline starts it,
	// and every state and group hears of it.
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	e.tokenFor("G77", negotiation.PartyGroup, "d@g77.example")
	sl := e.startSilence(doc.ID, 1, time.Now().Add(2*time.Hour))
	if sl.Status != negotiation.SilenceRunning || sl.Version != 1 {
		t.Fatalf("silence %+v", sl)
	}
	var told []string
	rows, err := e.store.Pool().Query(context.Background(), `SELECT u.email FROM notifications n JOIN users u ON u.id = n.recipient_id
		WHERE n.kind = 'silence.start' AND n.document_id = $1 AND n.link = $2 ORDER BY u.email`, doc.ID, fmt.Sprintf("/documents/%d/closing", doc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if told, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || strings.Join(told, ",") != "d@bra.example,d@g77.example" {
		t.Fatalf("notified %v (%v), want the state's and the group's users", told, err)
	}
	// A delegation may not start one.
	status, raw = bra.call("POST", fmt.Sprintf("/api/v1/documents/%d/silence/return", doc.ID), nil, nil)
	wantError(t, status, raw, http.StatusForbidden, "only the secretariat")
}

func TestSilenceBreakOneSecondLate(t *testing.T) {
	t.Parallel()
	// No job client works: the silence stays open past its deadline, so
	// the refusal is the deadline's, not that of an adopted text.
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/SIL/2", finalDraft)
	deadline := time.Now().Add(1500 * time.Millisecond)
	e.startSilence(doc.ID, 1, deadline)
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	time.Sleep(time.Until(deadline) + time.Second)
	status, raw := bra.call("POST", fmt.Sprintf("/api/v1/documents/%d/silence/break", doc.ID),
		map[string]any{"statement": "Brazil cannot join consensus on paragraph 2."}, nil)
	wantError(t, status, raw, http.StatusConflict, "deadline passed")
	var sl negotiation.Silence
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/silence", doc.ID), nil, &sl)
	if len(sl.Breaks) != 0 || sl.Status != negotiation.SilenceRunning {
		t.Fatalf("a late break was recorded: %+v", sl)
	}
}

func TestSilenceSecondBreakBySameParty(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/SIL/3", finalDraft)
	e.startSilence(doc.ID, 1, time.Now().Add(time.Hour))
	key, _ := e.keyOf(doc.ID, 1, "Requests")
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	usa := e.as(e.tokenFor("USA", negotiation.PartyState, "d@usa.example"))
	path := fmt.Sprintf("/api/v1/documents/%d/silence/break", doc.ID)
	var sl negotiation.Silence
	status, raw := bra.call("POST", path, map[string]any{"statement": "We break silence on support.", "keys": []string{key}, "text": "Requests the Secretary-General to provide adequate support;"}, &sl)
	if status != http.StatusCreated {
		t.Fatalf("break: %d %s", status, raw)
	}
	if sl.Status != negotiation.SilenceBroken || len(sl.Breaks) != 1 || sl.Breaks[0].Party != "BRA" || sl.Breaks[0].Keys[0] != key {
		t.Fatalf("after the break: %+v", sl)
	}
	status, raw = bra.call("POST", path, map[string]any{"statement": "Again."}, nil)
	wantError(t, status, raw, http.StatusConflict, "BRA has broken this silence already")
	status, raw = usa.call("POST", path, map[string]any{"statement": "Also.", "keys": []string{"no-such-key"}}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "no provision with key")
	status, raw = usa.call("POST", path, map[string]any{"statement": "  "}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "statement is required")
	if status, raw = usa.call("POST", path, map[string]any{"statement": "The United States also breaks silence."}, &sl); status != http.StatusCreated {
		t.Fatalf("another party's break: %d %s", status, raw)
	}
	if len(sl.Breaks) != 2 {
		t.Fatalf("breaks %+v", sl.Breaks)
	}
	// The pages show the silence and who broke it.
	for _, path := range []string{fmt.Sprintf("/documents/%d", doc.ID), fmt.Sprintf("/documents/%d/closing", doc.ID)} {
		if status, page := bra.get(path); status != http.StatusOK || !strings.Contains(page, "BRA") || !strings.Contains(page, "USA") {
			t.Fatalf("%s: %d %s", path, status, page)
		}
	}
	// The secretariat returns the text to negotiation: it thaws.
	if status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/silence/return", doc.ID), nil, &sl); status != http.StatusOK || sl.Status != negotiation.SilenceReturned {
		t.Fatalf("return: %d %s", status, raw)
	}
	if status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]any{"text": finalDraft + "\n\n4. Decides to remain seized of the matter."}, nil); status != http.StatusCreated {
		t.Fatalf("a new version after the return: %d %s", status, raw)
	}
}

func TestAdoptOnlyTheLatestVersion(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/CONF.1/2026/L.9", finalDraft)
	path := fmt.Sprintf("/api/v1/documents/%d/adopt", doc.ID)
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]any{"text": finalDraft + "\n\n4. Decides to remain seized of the matter."}, nil); status != http.StatusCreated {
		t.Fatalf("version 2: %d %s", status, raw)
	}
	status, raw := e.call("POST", path, map[string]any{"version": 1, "method": "consensus"}, nil)
	wantError(t, status, raw, http.StatusConflict, "version 1 is not the latest version")
	status, raw = e.call("POST", path, map[string]any{"version": 2, "method": "vote"}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "needs its tally")
	status, raw = e.call("POST", path, map[string]any{"version": 2, "method": "acclamation"}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "use \"consensus\" or \"vote\"")
	status, raw = e.call("POST", path, map[string]any{"version": 2, "method": "vote", "tally": map[string]any{"yes": 1, "no": 0, "abstain": 0, "by_party": map[string]string{"BRA": "yes", "USA": "yes"}}}, nil)
	wantError(t, status, raw, http.StatusUnprocessableEntity, "more votes than the counts")
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	status, raw = bra.call("POST", path, map[string]any{"version": 2, "method": "consensus"}, nil)
	wantError(t, status, raw, http.StatusForbidden, "only the secretariat")

	var a adoptionBody
	tally := map[string]any{"yes": 120, "no": 5, "abstain": 10, "by_party": map[string]string{"BRA": "yes", "USA": "no"}}
	if status, raw = e.call("POST", path, map[string]any{"version": 2, "method": "vote", "tally": tally}, &a); status != http.StatusCreated {
		t.Fatalf("adopt: %d %s", status, raw)
	}
	if a.Version != 2 || a.Method != negotiation.ByVote || a.Tally == nil || a.Tally.Yes != 120 || a.Tally.ByParty["USA"] != negotiation.VoteNo {
		t.Fatalf("adoption %+v", a)
	}
	if want := e.url + "/texts/A/CONF.1/2026/L.9"; a.PublicURL != want {
		t.Fatalf("public_url %q, want %q", a.PublicURL, want)
	}
	if len(a.SHA256) != 64 || strings.Join(a.Versions, ",") != "Zero draft,Rev.1" {
		t.Fatalf("digest %q, versions %q", a.SHA256, a.Versions)
	}
	status, raw = e.call("POST", path, map[string]any{"version": 2, "method": "consensus"}, nil)
	wantError(t, status, raw, http.StatusConflict, "adopted already")
	// Adopted text is final.
	status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]any{"text": finalDraft}, nil)
	wantError(t, status, raw, http.StatusConflict, "its text is final")

	// Explanations of position follow adoption, one per party.
	ex := fmt.Sprintf("/api/v1/documents/%d/explanations", doc.ID)
	usa := e.as(e.tokenFor("USA", negotiation.PartyState, "d@usa.example"))
	if status, raw = usa.call("POST", ex, map[string]any{"text": "The United States voted no because of paragraph 2."}, nil); status != http.StatusCreated {
		t.Fatalf("explanation: %d %s", status, raw)
	}
	status, raw = usa.call("POST", ex, map[string]any{"text": "Again."}, nil)
	wantError(t, status, raw, http.StatusConflict, "explained its position")
	anon := e.as("")
	if status, raw = anon.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", doc.ID), nil, &a); status != http.StatusOK {
		t.Fatalf("anonymous adoption record: %d %s", status, raw)
	}
	if len(a.Explanations) != 1 || a.Explanations[0].Party != "USA" {
		t.Fatalf("explanations %+v", a.Explanations)
	}
	for _, path := range []string{fmt.Sprintf("/documents/%d", doc.ID), fmt.Sprintf("/documents/%d/closing", doc.ID), "/texts/A/CONF.1/2026/L.9", "/texts"} {
		if status, page := e.get(path); status != http.StatusOK || !strings.Contains(page, "A/CONF.1/2026/L.9") {
			t.Fatalf("%s: %d %s", path, status, page)
		}
	}
	if status, page := e.get("/texts/A/CONF.1/2026/L.9"); status != http.StatusOK || !strings.Contains(page, "paragraph 2") || !strings.Contains(page, "120") {
		t.Fatalf("the public page lacks the tally or the explanation: %d", status)
	}
}

func TestProposalsAndVersionsRefusedWhileFrozen(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, false)
	doc := e.createDoc("A/SIL/5", finalDraft)
	key, text := e.keyOf(doc.ID, 1, "Requests")
	e.startSilence(doc.ID, 1, time.Now().Add(time.Hour))
	bra := e.as(e.tokenFor("BRA", negotiation.PartyState, "d@bra.example"))
	start, end := span(text, "provide")
	status, raw := bra.call("POST", fmt.Sprintf("/api/v1/documents/%d/proposals", doc.ID), map[string]any{
		"base_version": 1, "kind": "replace", "key": key, "start": start, "end": end, "quote": "provide", "text": "ensure"}, nil)
	wantError(t, status, raw, http.StatusConflict, "under the silence procedure")
	status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID), map[string]any{"text": finalDraft + "\n\n4. More."}, nil)
	wantError(t, status, raw, http.StatusConflict, "no new versions, revisions or proposals")
	status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/revisions", doc.ID), map[string]any{"incorporate": []int64{}}, nil)
	wantError(t, status, raw, http.StatusConflict, "under the silence procedure")
	// A second silence on the same document is refused while one is open.
	status, raw = e.call("POST", fmt.Sprintf("/api/v1/documents/%d/silence", doc.ID), map[string]any{"version": 1, "deadline": time.Now().Add(2 * time.Hour)}, nil)
	wantError(t, status, raw, http.StatusConflict, "already")
	// Nothing got in.
	if v := e.version(doc.ID, 1); v.Number != 1 {
		t.Fatal(v)
	}
	if status, _ := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/versions/2", doc.ID), nil, nil); status != http.StatusNotFound {
		t.Fatalf("version 2 exists: %d", status)
	}
}

func TestAutomaticAdoptionExactlyAtDeadline(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, 2*time.Second, true)
	doc := e.createDoc("A/SIL/6", finalDraft)
	deadline := time.Now().Add(2500 * time.Millisecond).UTC().Truncate(time.Microsecond)
	sl := e.startSilence(doc.ID, 1, deadline)
	if !sl.Deadline.Equal(deadline) {
		t.Fatalf("deadline %s, want %s", sl.Deadline, deadline)
	}
	a := e.waitAdoption(doc.ID, 30*time.Second)
	if !a.AdoptedAt.Equal(deadline) || a.Method != negotiation.BySilence || a.Version != 1 || a.SilenceID == nil || *a.SilenceID != sl.ID {
		t.Fatalf("adoption %+v, want at %s by silence", a.Adoption, deadline)
	}
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT status FROM silences WHERE id = $1`, sl.ID).Scan(&sl.Status); err != nil || sl.Status != negotiation.SilenceAdopted {
		t.Fatalf("silence status %q, %v", sl.Status, err)
	}
	// How long after the deadline the job ran (docs/performance.md).
	var ran time.Time
	if err := e.store.Pool().QueryRow(context.Background(), `SELECT recorded_at FROM adoptions WHERE document_id = $1`, doc.ID).Scan(&ran); err != nil {
		t.Fatal(err)
	}
	t.Logf("the adoption job committed %s after the deadline", ran.Sub(deadline).Round(time.Millisecond))
}

func TestAdoptionAfterRestartAcrossDeadline(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, true)
	doc := e.createDoc("A/SIL/7", finalDraft)
	deadline := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Microsecond)
	e.startSilence(doc.ID, 1, deadline)
	e.stopJobs() // the server goes down before the deadline …
	time.Sleep(time.Until(deadline) + 2*time.Second)
	if status, _ := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/adoption", doc.ID), nil, nil); status != http.StatusNotFound {
		t.Fatalf("adopted with no job client running: %d", status)
	}
	e.startJobs() // … and comes back after it.
	a := e.waitAdoption(doc.ID, 30*time.Second)
	if !a.AdoptedAt.Equal(deadline) {
		t.Fatalf("adopted_at %s, want the deadline %s", a.AdoptedAt, deadline)
	}
}

// Several processes, each with its job client, and extra attempts to run
// the adoption at once: one adoption, one audit event.
func TestRacingProcessesNeverAdoptTwice(t *testing.T) {
	t.Parallel()
	e := newClosingEnv(t, time.Second, true)
	doc := e.createDoc("A/SIL/8", finalDraft)
	deadline := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Microsecond)
	sl := e.startSilence(doc.ID, 1, deadline)
	ctx := store.AsSystem(context.Background()) // the racing calls stand for job runs
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A second process: its own pool and job client on the same database.
	other, err := store.Open(ctx, e.dsn, log)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	jc := jobClient(t, other, log)
	other.UseJobs(jc)
	if err := jc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer jc.Stop(ctx)
	time.Sleep(time.Until(deadline))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(st *store.Store) {
			defer wg.Done()
			adopted, err := st.AdoptAtDeadline(ctx, sl.ID, time.Now(), func(pgx.Tx) error { return nil })
			if err != nil {
				t.Error(err)
			}
			if adopted {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}(map[bool]*store.Store{true: e.store, false: other}[i%2 == 0])
	}
	wg.Wait()
	a := e.waitAdoption(doc.ID, 30*time.Second)
	time.Sleep(2 * time.Second) // let the job clients run whatever they would
	var adoptions, audits int
	if err := e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM adoptions WHERE document_id = $1`, doc.ID).Scan(&adoptions); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'document.adopt' AND object_id = $1`, fmt.Sprint(doc.ID)).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if adoptions != 1 || audits != 1 || wins > 1 {
		t.Fatalf("%d adoptions, %d audit events, %d winners among the racers", adoptions, audits, wins)
	}
	if !a.AdoptedAt.Equal(deadline) {
		t.Fatalf("adopted_at %s, want %s", a.AdoptedAt, deadline)
	}
}
