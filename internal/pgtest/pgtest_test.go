package pgtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	Main(m)
}

// connect opens a connection that is closed when the test ends.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// databaseExists asks the test server whether a database exists.
func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	var exists bool
	err := connect(t, serverURL).QueryRow(t.Context(),
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestNewDatabase(t *testing.T) {
	var first, second string
	var open *pgx.Conn
	t.Run("create", func(t *testing.T) {
		var err error
		// Left open past the test's end: dropping must not wait for it.
		if open, err = pgx.Connect(t.Context(), NewDatabase(t)); err != nil {
			t.Fatal(err)
		}
		if err := open.QueryRow(t.Context(), "SELECT current_database()").Scan(&first); err != nil {
			t.Fatal(err)
		}
		if _, err := open.Exec(t.Context(), "CREATE TABLE scratch (n int)"); err != nil {
			t.Fatal(err)
		}
		if err := connect(t, NewDatabase(t)).QueryRow(t.Context(), "SELECT current_database()").Scan(&second); err != nil {
			t.Fatal(err)
		}
	})
	if open != nil {
		open.Close(context.Background())
	}
	if first == second || !strings.HasPrefix(first, "zdtest_") {
		t.Errorf("databases %q and %q, want two distinct zdtest_ names", first, second)
	}
	for _, name := range []string{first, second} {
		if databaseExists(t, name) {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

// TestExternalServer runs TestHelperExternalServer in a second test binary
// pointed at this one's server through TEST_DATABASE_URL, as CI or a
// developer with their own server would.
func TestExternalServer(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("already using an external server")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperExternalServer$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "TEST_DATABASE_URL="+serverURL)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperExternalServer") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
}

// TestHelperExternalServer is run by TestExternalServer.
func TestHelperExternalServer(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Skip("runs only against an external server, as started by TestExternalServer")
	}
	if serverURL != url {
		t.Errorf("server = %q, want TEST_DATABASE_URL %q", serverURL, url)
	}
	var one int
	if err := connect(t, NewDatabase(t)).QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("SELECT 1 = %d, %v", one, err)
	}
}

// panicRecordEnv names the file where TestHelperPanic writes its server.
const panicRecordEnv = "PGTEST_PANIC_RECORD"

// TestClusterRemovedAfterPanic checks that a test binary that dies without
// running deferred code still has its throwaway cluster stopped and removed.
func TestClusterRemovedAfterPanic(t *testing.T) {
	record := filepath.Join(t.TempDir(), "url")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPanic$", "-test.count=1")
	cmd.Env = []string{panicRecordEnv + "=" + record}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEST_DATABASE_URL=") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "deliberate panic") {
		t.Fatalf("helper did not panic: %v\n%s", err, out)
	}
	url, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("helper recorded no server: %v\n%s", err, out)
	}
	cfg, err := pgx.ParseConfig(string(url))
	if err != nil {
		t.Fatal(err)
	}
	clusterDir := filepath.Dir(cfg.Host) // the socket is in <cluster dir>/run
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := os.Stat(clusterDir)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster dir %s still there after the helper panicked (stat: %v)", clusterDir, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestHelperPanic is run by TestClusterRemovedAfterPanic.
func TestHelperPanic(t *testing.T) {
	record := os.Getenv(panicRecordEnv)
	if record == "" {
		t.Skip("runs only when started by TestClusterRemovedAfterPanic")
	}
	if err := os.WriteFile(record, []byte(serverURL), 0o600); err != nil {
		t.Fatal(err)
	}
	panic("deliberate panic")
}

func TestWithDatabase(t *testing.T) {
	tests := []string{
		"postgres://u@/old?host=%2Ftmp%2Fsock&port=5432",
		"postgresql://u:p@localhost:5433/old",
		"postgres://u@localhost/old?dbname=older",
		"host=/tmp/sock user=u dbname=old",
	}
	for _, connString := range tests {
		got := withDatabase(connString, "zdtest_new")
		cfg, err := pgx.ParseConfig(got)
		if err != nil {
			t.Errorf("withDatabase(%q) = %q: %v", connString, got, err)
			continue
		}
		if cfg.Database != "zdtest_new" {
			t.Errorf("withDatabase(%q) = %q, database %q; want zdtest_new", connString, got, cfg.Database)
		}
	}
}
