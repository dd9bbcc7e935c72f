package main

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary the way a newcomer does: no DATABASE_URL,
// an embedded PostgreSQL under --data-dir, then a restart on the same data.

func buildBinary(t *testing.T) string {
	t.Helper()
	dir := sharedTempDir(t)
	bin := filepath.Join(dir, "zerodraft")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// sharedTempDir is a temporary directory that other users may traverse,
// so that an unprivileged PostgreSQL (or test user) can reach below it.
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "zerodraft-cmd-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// process is a running zerodraft with its log captured.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

func start(t *testing.T, bin, dataDir, addr string, cred *syscall.Credential) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir)
	cmd.Env = append(filteredEnv(), "HOME="+dataDir)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	waitHealthy(t, p, addr)
	return p
}

// filteredEnv drops the database settings so the embedded default is used.
func filteredEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "ZERODRAFT_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func waitHealthy(t *testing.T, p *process, addr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("zerodraft exited early (%v):\n%s", err, p.log())
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("zerodraft did not become healthy:\n%s", p.log())
}

func stop(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("zerodraft exited with %v:\n%s", err, p.log())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("zerodraft did not stop on SIGINT:\n%s", p.log())
	}
}

// restartKeepsData starts zerodraft, writes a document with a token from
// the admin commands, stops it, starts it again on the same data directory
// and reads the document back.
func restartKeepsData(t *testing.T, bin, dataDir string, cred *syscall.Credential) string {
	addr := freeAddr(t)
	p := start(t, bin, dataDir, addr, cred)
	token := adminToken(t, bin, dataDir, cred)
	status, body := call(t, "POST", "http://"+addr+"/api/v1/documents", token,
		`{"symbol":"A/RESTART/1","title":"Kept across restarts","text":"1. Decides to remain seized."}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	stop(t, p)
	first := p.log()

	addr = freeAddr(t)
	p = start(t, bin, dataDir, addr, cred)
	status, body = call(t, "GET", "http://"+addr+"/api/v1/documents", token, "")
	if status != http.StatusOK || !strings.Contains(body, "A/RESTART/1") {
		t.Errorf("after restart: %d %s", status, body)
	}
	stop(t, p)
	return first + p.log()
}

func TestEmbeddedDefaultAsCurrentUser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL twice")
	}
	bin := buildBinary(t)
	dataDir := filepath.Join(sharedTempDir(t), "data")
	logs := restartKeepsData(t, bin, dataDir, nil)
	if !strings.Contains(logs, dataDir) {
		t.Errorf("the data directory is not printed at start:\n%s", logs)
	}
	if os.Geteuid() == 0 && !strings.Contains(logs, "refuses to run as root") {
		t.Errorf("running as root, the log does not say the cluster runs as another user:\n%s", logs)
	}
}

// TestEmbeddedDefaultAsNormalUser runs the binary as an unprivileged user
// when the tests run as root (as in CI); as a normal user the test above
// already covers it.
func TestEmbeddedDefaultAsNormalUser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL twice")
	}
	if os.Geteuid() != 0 {
		t.Skip("tests run as a normal user: TestEmbeddedDefaultAsCurrentUser covers this path")
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Skip("no unprivileged user named postgres on this machine")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	bin := buildBinary(t)
	root := sharedTempDir(t)
	dataDir := filepath.Join(root, "data")
	if err := os.Mkdir(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dataDir, uid, gid); err != nil {
		t.Fatal(err)
	}
	logs := restartKeepsData(t, bin, dataDir, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)})
	if strings.Contains(logs, "refuses to run as root") {
		t.Errorf("as a normal user the cluster should run as that user:\n%s", logs)
	}
}

func TestNoPostgreSQLExplainsWhatToDo(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "serve", "--addr", freeAddr(t), "--data-dir", filepath.Join(sharedTempDir(t), "d"))
	cmd.Env = append(filteredEnv(), "ZERODRAFT_PG_BIN="+t.TempDir())
	cmd.WaitDelay = time.Minute
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("started without PostgreSQL:\n%s", out)
	}
	for _, want := range []string{"DATABASE_URL", "install"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("message does not mention %q:\n%s", want, out)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "unknown command") {
		t.Errorf("stderr = %q", errOut.String())
	}
}
