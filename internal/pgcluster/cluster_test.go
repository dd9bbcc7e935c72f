package pgcluster

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testDataDir returns a data directory path inside a fresh temporary
// directory. The temporary directory is opened to 0711 because, when the
// tests run as root, the PostgreSQL user must be able to pass through it
// (os.MkdirTemp and t.TempDir make 0700 directories).
func testDataDir(t *testing.T, name string) string {
	t.Helper()
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, name)
}

// testLogger sends the package's log lines to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// testContext bounds one step of a test.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// startCluster starts a cluster on dataDir and stops it when the test ends.
func startCluster(t *testing.T, dataDir string) *Cluster {
	t.Helper()
	c, err := Start(testContext(t), Options{DataDir: dataDir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

// execSQL runs statements on a database.
func execSQL(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// queryInt runs a query that returns one integer.
func queryInt(t *testing.T, dsn, sql string) int {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// checkServerUser checks which user the server runs as: the unprivileged
// account when the tests run as root, else the current user. The postmaster
// creates postmaster.pid itself at startup, so the file's owner is the user
// the server process runs as.
func checkServerUser(t *testing.T, c *Cluster) {
	t.Helper()
	want := uint32(os.Geteuid())
	if want == 0 {
		if c.runAs == nil {
			t.Fatal("running as root but no unprivileged account chosen")
		}
		want = c.runAs.uid
	}
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dataDirectory string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&dataDirectory); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dataDirectory, "postmaster.pid"), dataDirectory} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if uid, _ := fileOwner(info); uid != want {
			t.Errorf("%s is owned by uid %d, want %d", path, uid, want)
		}
	}
}

func TestRestartKeepsData(t *testing.T) {
	dataDir := testDataDir(t, "data")
	c := startCluster(t, dataDir)
	if got := queryInt(t, c.DSN(), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 = %d, want 1", got)
	}
	if got, want := c.SocketDir(), filepath.Join(c.dataDir, "run"); got != want {
		t.Errorf("socket dir = %s, want %s", got, want)
	}
	checkServerUser(t, c)
	execSQL(t, c.DSN(), "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
	if err := c.Stop(testContext(t)); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(testContext(t)); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if c.isRunning(testContext(t)) {
		t.Fatal("server still running after Stop")
	}

	// A start that fails explains itself with the end of the server log.
	autoConf := filepath.Join(c.pgdata, "postgresql.auto.conf")
	good, err := os.ReadFile(autoConf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(autoConf, append(good, "shared_buffers = 'plenty'\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Start(testContext(t), Options{DataDir: dataDir, Logger: testLogger(t)})
	if err == nil || !strings.Contains(err.Error(), "last lines of") || !strings.Contains(err.Error(), "plenty") {
		t.Errorf("Start with a bad setting: err = %v, want one quoting the server log", err)
	}
	if err := os.WriteFile(autoConf, good, 0o600); err != nil {
		t.Fatal(err)
	}

	again := startCluster(t, dataDir)
	if got := queryInt(t, again.DSN(), "SELECT n FROM kept"); got != 42 {
		t.Errorf("row after restart = %d, want 42", got)
	}
}

// TestSecondStartReusesRunningServer uses a data directory whose path is
// too long for a Unix socket, so that the second Start has to find the
// first one's temporary socket directory.
func TestSecondStartReusesRunningServer(t *testing.T) {
	dataDir := testDataDir(t, strings.Repeat("long-", 20)+"data")
	first := startCluster(t, dataDir)
	dir := first.SocketDir()
	if !socketFits(dir) || strings.HasPrefix(dir, first.dataDir) {
		t.Errorf("socket dir = %s, want a short one outside the data directory", dir)
	}

	second := startCluster(t, dataDir)
	if second.owned {
		t.Error("second Start claims to own the server the first one started")
	}
	if got := second.SocketDir(); got != dir {
		t.Errorf("second socket dir = %s, want %s", got, dir)
	}
	if got := queryInt(t, second.DSN(), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 via second = %d, want 1", got)
	}
	if err := second.Stop(testContext(t)); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if got := queryInt(t, first.DSN(), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 after second Stop = %d, want 1", got)
	}

	if err := first.Stop(testContext(t)); err != nil {
		t.Fatalf("first Stop: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary socket dir after Stop: %v, want it removed", err)
	}
}

// TestKilledPostmasterRestarts uses a long data directory so that the
// killed server leaves a temporary socket directory behind.
func TestKilledPostmasterRestarts(t *testing.T) {
	dataDir := testDataDir(t, strings.Repeat("long-", 20)+"data")
	killed := startCluster(t, dataDir)
	pid := killed.postmasterPID()
	execSQL(t, killed.DSN(), "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}

	// No waiting: the killed postmaster may still look alive (until it is
	// reaped) and its postmaster.pid and socket are left behind.
	c := startCluster(t, dataDir)
	if !c.owned {
		t.Error("Start after kill reused a dead server instead of starting one")
	}
	if got := queryInt(t, c.DSN(), "SELECT n FROM kept"); got != 7 {
		t.Errorf("row after kill and restart = %d, want 7", got)
	}
	if _, err := os.Stat(killed.SocketDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed server's socket dir %s: %v, want it removed", killed.SocketDir(), err)
	}
	// The killed cluster's Stop must leave the new server alone.
	if err := killed.Stop(testContext(t)); err != nil {
		t.Fatalf("Stop of the killed cluster: %v", err)
	}
	if got := queryInt(t, c.DSN(), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 after the killed cluster's Stop = %d, want 1", got)
	}
}

func TestUnreachableDataDirUnderRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not running as root; only root hands the server to another user")
	}
	closed, err := os.MkdirTemp("", "pgcluster-closed-") // 0700, owned by root
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(closed) })
	_, err = Start(testContext(t), Options{DataDir: filepath.Join(closed, "sub", "data"), Logger: testLogger(t)})
	if err == nil {
		t.Fatal("Start succeeded below a directory the PostgreSQL user cannot enter")
	}
	if !strings.Contains(err.Error(), "cannot enter the directory "+closed+" ") {
		t.Errorf("error does not name %s: %v", closed, err)
	}
}

// helperEnv carries the data directory to the re-executed test binary.
const helperEnv = "PGCLUSTER_TEST_UNPRIVILEGED_DATADIR"

// TestAsNormalUser exercises the path a developer's laptop takes: when the
// tests run as root it re-runs this test binary as the unprivileged user,
// where it runs TestHelperAsNormalUser.
func TestAsNormalUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("already running as a normal user; every other test takes that path")
	}
	a, err := unprivilegedAccount()
	if err != nil {
		t.Skipf("no unprivileged user to run as: %v", err)
	}
	base := testDataDir(t, "")
	if err := os.Chown(base, int(a.uid), int(a.gid)); err != nil {
		t.Fatal(err)
	}
	binary := copyTestBinary(t, base)
	cmd := exec.Command(binary, "-test.run=^TestHelperAsNormalUser$", "-test.v", "-test.count=1")
	cmd.Dir = base
	// A space in the path checks the quoting of settings and DSNs.
	cmd.Env = append(os.Environ(), helperEnv+"="+filepath.Join(base, "data dir"), "HOME="+base, "TMPDIR="+base)
	setCredential(cmd, a)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper as %s: %v\n%s", a.name, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestHelperAsNormalUser") {
		t.Fatalf("helper as %s did not run:\n%s", a.name, out)
	}
	t.Logf("helper as %s:\n%s", a.name, out)
}

// copyTestBinary copies the running test binary to dir, since go test keeps
// it in a directory that only root may enter.
func copyTestBinary(t *testing.T, dir string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(dir, "pgcluster.test")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHelperAsNormalUser is run by TestAsNormalUser as an unprivileged
// user; on its own it is skipped.
func TestHelperAsNormalUser(t *testing.T) {
	dataDir := os.Getenv(helperEnv)
	if dataDir == "" {
		t.Skip("runs only when re-executed by TestAsNormalUser")
	}
	if os.Geteuid() == 0 {
		t.Fatal("helper runs as root")
	}
	c := startCluster(t, dataDir)
	if c.runAs != nil {
		t.Errorf("a normal user runs the server as %s", c.runAs.name)
	}
	if got := queryInt(t, c.DSN(), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 = %d, want 1", got)
	}
	checkServerUser(t, c)
}

func TestDSNParses(t *testing.T) {
	c := &Cluster{socketDir: "/tmp/a b/c&d=e+f", database: "zero draft"}
	cfg, err := pgx.ParseConfig(c.DSN())
	if err != nil {
		t.Fatalf("ParseConfig(%q): %v", c.DSN(), err)
	}
	if cfg.Host != c.socketDir {
		t.Errorf("host = %q, want %q", cfg.Host, c.socketDir)
	}
	if cfg.Port != 5432 {
		t.Errorf("port = %d, want 5432", cfg.Port)
	}
	if cfg.Database != "zero draft" {
		t.Errorf("database = %q, want %q", cfg.Database, "zero draft")
	}
	if cfg.User != superuser {
		t.Errorf("user = %q, want %q", cfg.User, superuser)
	}
}
