package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/zerodraft/zerodraft/internal/admin"
	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/config"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// db is a fresh, migrated database for in-process admin commands.
type db struct {
	t   *testing.T
	url string
	st  *store.Store
}

func newDB(t *testing.T) *db {
	t.Helper()
	url := pgtest.NewDatabase(t)
	st, err := store.Open(context.Background(), url, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &db{t: t, url: url, st: st}
}

// result is what an admin command did.
type result struct {
	code           int
	stdout, stderr string
}

// admin runs "zerodraft admin args…" on the database with stdin, in an
// environment that holds nothing.
func (d *db) admin(stdin string, args ...string) result {
	d.t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--database-url", d.url)
	con := console{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := runAdmin(args, con)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// mustAdmin runs an admin command that must succeed.
func (d *db) mustAdmin(stdin string, args ...string) string {
	d.t.Helper()
	r := d.admin(stdin, args...)
	if r.code != 0 {
		d.t.Fatalf("admin %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

func TestAdminPartyAdd(t *testing.T) {
	d := newDB(t)
	out := d.mustAdmin("", "party", "add", "--code", "fra", "--name", "France", "--kind", "state")
	fra, err := d.st.PartyByCode(context.Background(), "FRA")
	if err != nil {
		t.Fatal(err)
	}
	if want := "added party FRA (state), id " + strconv.FormatInt(fra.ID, 10) + ": France\n"; out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	d.mustAdmin("", "party", "add", "--code", "BRA", "--name", "Brazil", "--kind", "state")
	out = d.mustAdmin("", "party", "add", "--code", "G77", "--name", "Group of 77 and China", "--kind", "group", "--members", "BRA, FRA")
	if !strings.Contains(out, "members: BRA, FRA") {
		t.Errorf("group's stdout does not list its members: %q", out)
	}
	g77, err := d.st.PartyByCode(context.Background(), "G77")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(g77.Members, ","), "BRA,FRA"; got != want {
		t.Errorf("members = %s, want %s", got, want)
	}

	r := d.admin("", "party", "add", "--code", "AOSIS", "--name", "Small islands", "--kind", "group", "--members", "BRA,XYZ")
	if r.code != 1 || !strings.Contains(r.stderr, "member XYZ is not a known party") {
		t.Errorf("unknown member: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := d.st.PartyByCode(context.Background(), "AOSIS"); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("a group with an unknown member was stored: %v", err)
	}
	r = d.admin("", "party", "add", "--code", "Fra", "--name", "France again", "--kind", "state")
	if r.code != 1 || !strings.Contains(r.stderr, "a party with the code FRA exists already") {
		t.Errorf("duplicate: exit %d, stderr %q", r.code, r.stderr)
	}
	r = d.admin("", "party", "add", "--code", "X", "--name", "X", "--kind", "empire")
	if r.code != 1 || !strings.Contains(r.stderr, "use secretariat, state, group or observer") {
		t.Errorf("bad kind: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAdminUserAddPasswordStdin(t *testing.T) {
	d := newDB(t)
	d.mustAdmin("", "party", "add", "--code", "KEN", "--name", "Kenya", "--kind", "state")
	out := d.mustAdmin("a passphrase from stdin\n", "user", "add", "--email", "w@ken.example", "--name", "Wanjiru Kamau",
		"--party", "ken", "--role", "head of delegation", "--password-stdin")
	if strings.Contains(out, "passphrase") || strings.Contains(out, "password") {
		t.Errorf("stdout shows a password that came from stdin: %q", out)
	}
	if !strings.Contains(out, "added user w@ken.example (KEN, head of delegation)") {
		t.Errorf("stdout = %q", out)
	}
	a, err := d.st.LocalAccountByEmail(context.Background(), "w@ken.example")
	if err != nil {
		t.Fatal(err)
	}
	if !oidcprovider.CheckPassword(a.PasswordHash, "a passphrase from stdin") {
		t.Error("the password from stdin does not match the account (was the line break kept?)")
	}
	u, err := d.st.SignIn(context.Background(), auth.BuiltinIssuer, strconv.FormatInt(a.ID, 10), a.Email, a.Name, true)
	if err != nil {
		t.Fatal(err)
	}
	if u.PartyCode != "KEN" || u.Role != negotiation.RoleHead {
		t.Errorf("signed in as %s of %q, want head of delegation of KEN", u.Role, u.PartyCode)
	}
}

var shownPassword = regexp.MustCompile(`password for (\S+) \(shown only this once\): (\S+)\n`)

func TestAdminUserAddGeneratesPassword(t *testing.T) {
	d := newDB(t)
	d.mustAdmin("", "party", "add", "--code", "CIEL", "--name", "Center for International Environmental Law", "--kind", "observer")
	out := d.mustAdmin("", "user", "add", "--email", "n@ciel.example", "--name", "Nora", "--party", "CIEL")
	m := shownPassword.FindStringSubmatch(out)
	if m == nil || m[1] != "n@ciel.example" {
		t.Fatalf("no generated password in stdout: %q", out)
	}
	if !strings.Contains(out, "(CIEL, observer representative)") {
		t.Errorf("the default role for an observer is not used: %q", out)
	}
	a, err := d.st.LocalAccountByEmail(context.Background(), "n@ciel.example")
	if err != nil {
		t.Fatal(err)
	}
	if !oidcprovider.CheckPassword(a.PasswordHash, m[2]) {
		t.Error("the printed password does not match the account")
	}
	r := d.admin("", "user", "add", "--email", "N@ciel.example", "--name", "Nora", "--party", "CIEL")
	if r.code != 1 || !strings.Contains(r.stderr, "exists already") {
		t.Errorf("same email again: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAdminUserAddExternalProvider(t *testing.T) {
	d := newDB(t)
	d.mustAdmin("", "party", "add", "--code", "FRA", "--name", "France", "--kind", "state")
	out := d.mustAdmin("", "user", "add", "--email", "c@fra.example", "--name", "Claire", "--party", "FRA",
		"--oidc-issuer", "https://idp.example")
	if !strings.Contains(out, "pre-registered user c@fra.example") || strings.Contains(out, "password for") {
		t.Errorf("stdout = %q", out)
	}
	if _, err := d.st.LocalAccountByEmail(context.Background(), "c@fra.example"); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("a local account was made for an external user: %v", err)
	}
	r := d.admin("secret password\n", "user", "add", "--email", "d@fra.example", "--name", "D", "--party", "FRA",
		"--oidc-issuer", "https://idp.example", "--password-stdin")
	if r.code != 2 || !strings.Contains(r.stderr, "keeps no password") {
		t.Errorf("--password-stdin with an external provider: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAdminUserPassword(t *testing.T) {
	d := newDB(t)
	d.mustAdmin("", "party", "add", "--code", "FRA", "--name", "France", "--kind", "state")
	d.mustAdmin("", "user", "add", "--email", "c@fra.example", "--name", "Claire", "--party", "FRA")
	d.mustAdmin("my new passphrase\n", "user", "password", "--email", "c@fra.example", "--password-stdin")
	a, err := d.st.LocalAccountByEmail(context.Background(), "c@fra.example")
	if err != nil {
		t.Fatal(err)
	}
	if !oidcprovider.CheckPassword(a.PasswordHash, "my new passphrase") {
		t.Error("the new password does not match")
	}
}

func TestAdminTokenCreate(t *testing.T) {
	d := newDB(t)
	d.mustAdmin("", "party", "add", "--code", "FRA", "--name", "France", "--kind", "state")
	d.mustAdmin("", "user", "add", "--email", "c@fra.example", "--name", "Claire", "--party", "FRA")
	out := d.mustAdmin("", "token", "create", "--email", "c@fra.example", "--name", "CI", "--expires", "30d")
	token := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(token, auth.TokenPrefix) || strings.ContainsAny(token, " \n") {
		t.Fatalf("stdout is not just a token: %q", out)
	}
	v, err := d.st.ViewerByToken(context.Background(), auth.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	if v.Email != "c@fra.example" || v.PartyCode != "FRA" {
		t.Errorf("token acts as %s of %q, want c@fra.example of FRA", v.Email, v.PartyCode)
	}
	r := d.admin("", "token", "create", "--email", "nobody@fra.example")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "no user with the email address nobody@fra.example") {
		t.Errorf("unknown user: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = d.admin("", "token", "create", "--email", "c@fra.example", "--expires", "forever")
	if r.code != 2 || !strings.Contains(r.stderr, "90d") {
		t.Errorf("bad --expires: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAdminUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"help"}, 2, "party add"},
		{nil, 2, "token create"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"party", "remove"}, 2, `unknown command "party remove"`},
		{[]string{"party", "add", "--name", "France"}, 2, "--code is required"},
		{[]string{"token", "create", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"token", "create", "-h"}, 0, "-expires"},
	} {
		var out, errOut bytes.Buffer
		con := console{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		code := runAdmin(tc.args, con)
		if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("admin %q: exit %d, output %q; want exit %d mentioning %q", tc.args, code, out.String()+errOut.String(), tc.code, tc.want)
		}
	}
}

// serveConfig is serve's configuration for seed on the database.
func serveConfig(t *testing.T, d *db, env map[string]string, args ...string) config.Config {
	t.Helper()
	cfg, err := config.Load("zerodraft serve", append(args, "--database-url", d.url),
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func runSeed(t *testing.T, d *db, cfg config.Config) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	log := slog.New(slog.NewTextHandler(&errOut, nil))
	if err := seed(context.Background(), cfg, d.st, log, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

var firstStartMessage = regexp.MustCompile(`first start: sign in at \S+ as (\S+) with password (\S+)\n`)

func TestFirstStartOnce(t *testing.T) {
	d := newDB(t)
	cfg := serveConfig(t, d, nil)
	stdout, stderr := runSeed(t, d, cfg)
	m := firstStartMessage.FindStringSubmatch(stderr)
	if m == nil || m[1] != admin.DefaultAdminEmail {
		t.Fatalf("no first-start message for %s in stderr:\n%s", admin.DefaultAdminEmail, stderr)
	}
	if stdout != "" {
		t.Errorf("first start wrote to stdout: %q", stdout)
	}
	a, err := d.st.LocalAccountByEmail(context.Background(), m[1])
	if err != nil {
		t.Fatal(err)
	}
	if !oidcprovider.CheckPassword(a.PasswordHash, m[2]) {
		t.Error("the printed password does not match the account")
	}
	_, stderr = runSeed(t, d, cfg)
	if strings.Contains(stderr, "first start") {
		t.Errorf("second start speaks of a first start:\n%s", stderr)
	}
	if n, err := d.st.CountUsers(context.Background()); err != nil || n != 1 {
		t.Errorf("%d users after two starts (%v), want 1", n, err)
	}
}

func TestFirstStartPasswordFromEnvironmentIsNotShown(t *testing.T) {
	d := newDB(t)
	const password = "a password from the environment"
	cfg := serveConfig(t, d, map[string]string{"ZERODRAFT_ADMIN_PASSWORD": password, "ZERODRAFT_ADMIN_EMAIL": "chief@un.example"})
	stdout, stderr := runSeed(t, d, cfg)
	if strings.Contains(stdout+stderr, password) {
		t.Errorf("the password from the environment was printed:\n%s%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "chief@un.example") {
		t.Errorf("the log does not say which account was made:\n%s", stderr)
	}
	a, err := d.st.LocalAccountByEmail(context.Background(), "chief@un.example")
	if err != nil {
		t.Fatal(err)
	}
	if !oidcprovider.CheckPassword(a.PasswordHash, password) {
		t.Error("the password from the environment does not match the account")
	}
}

func TestFirstStartExternalProviderMakesNoAccount(t *testing.T) {
	d := newDB(t)
	cfg := serveConfig(t, d, map[string]string{"ZERODRAFT_OIDC_ISSUER": "https://idp.example", "ZERODRAFT_OIDC_CLIENT_ID": "zd"})
	_, stderr := runSeed(t, d, cfg)
	if n, err := d.st.CountUsers(context.Background()); err != nil || n != 0 {
		t.Errorf("%d users (%v), want none", n, err)
	}
	if !strings.Contains(stderr, "zerodraft admin user add") {
		t.Errorf("the log does not say how to add the first user:\n%s", stderr)
	}
}

var demoLine = regexp.MustCompile(`(?m)^  (\S+) +(\S+@demo\.zerodraft\.local) +(.+)$`)

func TestDemoSeedTwice(t *testing.T) {
	d := newDB(t)
	cfg := serveConfig(t, d, nil, "--demo")
	stdout, _ := runSeed(t, d, cfg)
	if !strings.Contains(stdout, admin.DemoSymbol+" (Zero draft, Rev.1)") {
		t.Errorf("stdout does not name the demo document:\n%s", stdout)
	}
	lines := demoLine.FindAllStringSubmatch(stdout, -1)
	if len(lines) != 7 {
		t.Fatalf("%d sign-ins in stdout, want 7:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		a, err := d.st.LocalAccountByEmail(context.Background(), l[2])
		if err != nil {
			t.Fatal(err)
		}
		if !oidcprovider.CheckPassword(a.PasswordHash, l[3]) {
			t.Errorf("%s: the printed password %q does not match", l[2], l[3])
		}
	}
	users, _ := d.st.CountUsers(context.Background())
	stdout, _ = runSeed(t, d, cfg)
	for _, l := range demoLine.FindAllStringSubmatch(stdout, -1) {
		if !strings.Contains(l[3], "earlier start") {
			t.Errorf("second start shows a password for %s: %q", l[2], l[3])
		}
	}
	if again, _ := d.st.CountUsers(context.Background()); again != users {
		t.Errorf("%d users after the second start, %d after the first", again, users)
	}
}

// TestAdminBesideRunningServer runs admin commands from the binary on the
// data directory of a running server: they reuse its PostgreSQL, and the
// server keeps serving what they made.
func TestAdminBesideRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	bin := buildBinary(t)
	dataDir := filepath.Join(sharedTempDir(t), "data")
	addr := freeAddr(t)
	p := start(t, bin, dataDir, addr, nil)
	if !firstStartMessage.MatchString(p.log()) {
		t.Errorf("no first-start message in the server's log:\n%s", p.log())
	}
	out, errOut := runBinary(t, bin, dataDir, nil, "admin", "party", "add", "--code", "FRA", "--name", "France",
		"--kind", "state", "--log-level", "info")
	if !strings.Contains(out, "added party FRA (state)") || !strings.Contains(errOut, "reusing it") {
		t.Errorf("party add beside the server: stdout %q, stderr:\n%s", out, errOut)
	}
	token := adminToken(t, bin, dataDir, nil)
	status, body := call(t, "POST", "http://"+addr+"/api/v1/documents", token,
		`{"symbol":"A/ADMIN/1","title":"Made with an admin token","text":"1. Decides to act."}`)
	if status != http.StatusCreated {
		t.Errorf("create with the admin token: %d %s", status, body)
	}
	stop(t, p)
}

// adminToken adds a secretariat officer to the data directory of a running
// server (whose first start made the SECRETARIAT party) with the binary's
// admin commands, as the user cred (nil: the current user), and returns an
// API token for them.
func adminToken(t *testing.T, bin, dataDir string, cred *syscall.Credential) string {
	t.Helper()
	const email = "officer@un.example"
	out, _ := runBinary(t, bin, dataDir, cred, "admin", "user", "add", "--email", email, "--name", "Officer", "--party", "SECRETARIAT")
	if !strings.Contains(out, "added user "+email) {
		t.Errorf("user add printed %q", out)
	}
	out, _ = runBinary(t, bin, dataDir, cred, "admin", "token", "create", "--email", email)
	return strings.TrimSuffix(out, "\n")
}

// runBinary runs the binary with --data-dir as cred, fails the test if it
// fails, and returns its stdout and stderr.
func runBinary(t *testing.T, bin, dataDir string, cred *syscall.Credential, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--data-dir", dataDir)...)
	cmd.Env = append(filteredEnv(), "HOME="+dataDir)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("zerodraft %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// call sends a request with a bearer token.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
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
