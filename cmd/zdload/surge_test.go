package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/store"
)

// The tests against the real binary need PostgreSQL. The deadline surge
// also needs a minute or two; it runs when ZDLOAD_SURGE=1 (see
// docs/performance.md).
func TestMain(m *testing.M) {
	pgtest.Main(m)
}

const (
	surgeObservers = 2000
	surgeComments  = 10000
)

// surgeServer is the zerodraft binary serving the test database.
type surgeServer struct {
	bin, dsn, dataDir, addr string
	cmd                     *exec.Cmd
	log                     *bytes.Buffer
}

func (s *surgeServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(s.bin, "serve", "--database-url", s.dsn, "--data-dir", s.dataDir, "--addr", s.addr)
	s.log = &bytes.Buffer{}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server did not answer within 30s:\n%s", s.log)
}

// startServer builds the zerodraft binary and starts it on a database of
// its own, with a store on the same database for the test's checks.
func startServer(t *testing.T) (*surgeServer, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "zerodraft")
	if out, err := exec.Command("go", "build", "-o", bin, "../zerodraft").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := &surgeServer{bin: bin, dsn: pgtest.NewDatabase(t), dataDir: filepath.Join(dir, "data"), addr: addr}
	srv.start(t)
	t.Cleanup(srv.stop)
	st, err := store.Open(store.AsSystem(context.Background()), srv.dsn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return srv, st
}

// kill ends the server with SIGKILL: no graceful shutdown.
func (s *surgeServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

func (s *surgeServer) stop() {
	if s.cmd != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
}

// TestCommentSurge posts 10,000 comments from 2,000 accredited observers
// against the real binary within 60 s, and checks that every acknowledged
// one is stored; then does it again, killing the server with SIGKILL in
// the middle and restarting it.
func TestCommentSurge(t *testing.T) {
	if os.Getenv("ZDLOAD_SURGE") == "" {
		t.Skip("set ZDLOAD_SURGE=1 to run the deadline surge (needs PostgreSQL, takes a few minutes)")
	}
	ctx := store.AsSystem(context.Background())
	srv, st := startServer(t)
	addr := srv.addr
	secretariat := seedToken(t, st, "SECRETARIAT", negotiation.PartySecretariat, "officer@un.example", false)
	docID := seedDocument(t, addr, secretariat)
	t0 := time.Now()
	tokens := seedObservers(t, st)
	t.Logf("seeded %d accredited observers in %v", len(tokens), time.Since(t0).Round(time.Millisecond))

	base, _ := url.Parse("http://" + addr)
	cfg := config{base: base, token: tokens[0], tokens: tokens, document: docID, duration: 60 * time.Second,
		concurrency: 64, comments: surgeComments, verifyToken: secretariat}

	// 1. The surge as such: no error, every 201 stored.
	var out bytes.Buffer
	res, err := runComments(ctx, cfg, &out)
	t.Logf("surge without failure:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Acked) != surgeComments || len(res.ByStatus) != 1 {
		t.Errorf("%d of %d acknowledged; statuses %v", len(res.Acked), surgeComments, res.ByStatus)
	}
	if res.Elapsed > 60*time.Second {
		t.Errorf("the surge took %v", res.Elapsed)
	}
	checkStored(t, st, docID, res.Acked, surgeComments)

	// 2. Again, with SIGKILL in the middle and a restart.
	out.Reset()
	var wg sync.WaitGroup
	wg.Add(1)
	var res2 surgeResult
	var err2 error
	go func() {
		defer wg.Done()
		res2, err2 = runComments(ctx, cfg, &out)
	}()
	time.Sleep(8 * time.Second)
	srv.kill(t)
	killedAt := time.Now()
	srv.start(t)
	t.Logf("killed (SIGKILL) and restarted in %v", time.Since(killedAt).Round(time.Millisecond))
	wg.Wait()
	t.Logf("surge with a SIGKILL:\n%s", out.String())
	if err2 != nil {
		t.Fatal(err2)
	}
	if res2.ByStatus[0] == 0 {
		t.Error("no request went unanswered: the kill did not land during the surge")
	}
	checkStored(t, st, docID, res2.Acked, surgeComments+len(res2.Acked))
}

// checkStored counts the acknowledged comments in the database.
func checkStored(t *testing.T, st *store.Store, docID int64, acked []int64, atLeast int) {
	t.Helper()
	var found, total int
	if err := st.Pool().QueryRow(store.AsSystem(context.Background()), `SELECT count(*) FILTER (WHERE id = ANY($2)), count(*) FROM comments WHERE document_id = $1`,
		docID, acked).Scan(&found, &total); err != nil {
		t.Fatal(err)
	}
	t.Logf("database: %d of %d acknowledged comments present; %d comments on the document", found, len(acked), total)
	if found != len(acked) || total < atLeast {
		t.Errorf("%d of %d acknowledged comments stored (%d in all, want at least %d)", found, len(acked), total, atLeast)
	}
}

func seedDocument(t *testing.T, addr, token string) int64 {
	t.Helper()
	var paras []string
	for i := 1; i <= 40; i++ {
		paras = append(paras, fmt.Sprintf("%d. Decides that measure %d shall apply to plastic products placed on the market;", i, i))
	}
	body := fmt.Sprintf(`{"symbol":"UNEP/SURGE/1","title":"Deadline surge","text":%q}`, strings.Join(paras, "\n\n"))
	status, raw := do(t, "POST", "http://"+addr+"/api/v1/documents", token, body)
	if status != 201 {
		t.Fatalf("create document: %d %s", status, raw)
	}
	var id int64
	fmt.Sscanf(raw[strings.Index(raw, `"id":`)+5:], "%d", &id)
	if status, raw := do(t, "PUT", fmt.Sprintf("http://%s/api/v1/documents/%d/consultation", addr, id), token, `{"open":true}`); status != 200 {
		t.Fatalf("open consultation: %d %s", status, raw)
	}
	return id
}

func do(t *testing.T, method, u, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// seedToken makes (or finds) a party, a user in it and an API token; an
// observer is accredited for a day.
func seedToken(t testing.TB, st *store.Store, code string, kind negotiation.PartyKind, email string, accredit bool) string {
	ctx := store.AsSystem(context.Background())
	sys := negotiation.Actor{Name: "surge"}
	p, err := st.PartyByCode(ctx, code)
	if err != nil {
		if p, err = st.CreateParty(ctx, sys, negotiation.Party{Code: code, Name: code, Kind: kind}); err != nil {
			t.Fatal(err)
		}
	}
	u, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: email, PartyID: p.ID, Role: negotiation.DefaultRole(kind)})
	if err != nil {
		t.Fatal(err)
	}
	if accredit {
		if _, err := st.EnsureApprovedAccreditation(ctx, sys, store.SeedAccreditation{UserID: u.ID, PartyID: p.ID,
			Organisation: code, Country: "CH", ContactName: email, ContactEmail: email, ValidUntil: time.Now().Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	token := auth.NewAPIToken()
	if _, err := st.CreateAPIToken(ctx, sys, u.ID, "surge", auth.Hash(token), time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return token
}

// seedObservers accredits 2,000 observer organisations, one
// representative each, with 8 writers at once.
func seedObservers(t *testing.T, st *store.Store) []string {
	tokens := make([]string, surgeObservers)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < surgeObservers; i += 8 {
				tokens[i] = seedToken(t, st, fmt.Sprintf("NGO%04d", i), negotiation.PartyObserver, fmt.Sprintf("rep@ngo%04d.example", i), true)
			}
		}()
	}
	wg.Wait()
	return tokens
}
