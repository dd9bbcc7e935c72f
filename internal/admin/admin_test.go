package admin

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/pgtest"
	"github.com/zerodraft/zerodraft/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var actor = negotiation.Actor{Name: "admin test"}

// newStore opens a migrated store on a fresh database.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.NewDatabase(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func addParty(t *testing.T, st *store.Store, code string, kind negotiation.PartyKind) negotiation.Party {
	t.Helper()
	p, err := st.CreateParty(context.Background(), actor, negotiation.Party{Code: code, Name: code, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkPassword tells whether password signs in to the account with the
// email address, as the provider's login checks it.
func checkPassword(t *testing.T, st *store.Store, email, password string) bool {
	t.Helper()
	a, err := st.LocalAccountByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return oidcprovider.CheckPassword(a.PasswordHash, password)
}

// signIn signs in as the relying party does after the built-in provider
// vouched for the account with the email address.
func signIn(t *testing.T, st *store.Store, email string) negotiation.User {
	t.Helper()
	ctx := context.Background()
	a, err := st.LocalAccountByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.SignIn(ctx, auth.BuiltinIssuer, strconv.FormatInt(a.ID, 10), a.Email, a.Name, true)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAddUserBuiltin(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "FRA", negotiation.PartyState)
	added, err := AddUser(ctx, st, actor, NewUser{Email: "claire@fra.example", Name: "Claire", Party: "fra",
		Password: "correct horse battery"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if added.Password != "" {
		t.Errorf("a given password is shown back: %q", added.Password)
	}
	if got, want := added.User.Role, negotiation.RoleDelegate; got != want {
		t.Errorf("role = %q, want %q", got, want)
	}
	if !checkPassword(t, st, "claire@fra.example", "correct horse battery") {
		t.Error("the password does not match the account's hash")
	}
	u := signIn(t, st, "claire@fra.example")
	if u.ID != added.User.ID || u.PartyCode != "FRA" {
		t.Errorf("sign-in found user %d of %q, want %d of FRA", u.ID, u.PartyCode, added.User.ID)
	}
}

func TestAddUserGeneratesPassword(t *testing.T) {
	st := newStore(t)
	addParty(t, st, "SECRETARIAT", negotiation.PartySecretariat)
	added, err := AddUser(context.Background(), st, actor, NewUser{Email: "o@un.example", Name: "O", Party: "SECRETARIAT",
		Role: negotiation.RoleHead}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(added.Password) < oidcprovider.MinPasswordLen {
		t.Fatalf("generated password %q is too short", added.Password)
	}
	if !checkPassword(t, st, "o@un.example", added.Password) {
		t.Error("the generated password does not match the account's hash")
	}
	if got, want := added.User.Role, negotiation.RoleHead; got != want {
		t.Errorf("role = %q, want %q", got, want)
	}
}

func TestAddUserRefusals(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "FRA", negotiation.PartyState)
	ok := NewUser{Email: "a@fra.example", Name: "A", Party: "FRA"}
	if _, err := AddUser(ctx, st, actor, ok, true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		nu       NewUser
		code     string
		contains string
	}{
		{"same email", NewUser{Email: "A@fra.example", Name: "A", Party: "FRA"}, negotiation.EConflict, "exists already"},
		{"unknown party", NewUser{Email: "b@x.example", Name: "B", Party: "XXX"}, negotiation.ENotFound, "XXX"},
		{"bad email", NewUser{Email: "Ann <a@x.example>", Name: "B", Party: "FRA"}, negotiation.EInvalid, "not an email address"},
		{"no name", NewUser{Email: "c@x.example", Party: "FRA"}, negotiation.EInvalid, "name"},
		{"short password", NewUser{Email: "d@x.example", Name: "D", Party: "FRA", Password: "short"}, negotiation.EInvalid, "at least"},
		{"unknown role", NewUser{Email: "e@x.example", Name: "E", Party: "FRA", Role: "chair"}, negotiation.EInvalid, "head of delegation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AddUser(ctx, st, actor, tc.nu, true)
			if got := negotiation.ErrorCode(err); got != tc.code {
				t.Errorf("error %v: code %q, want %q", err, got, tc.code)
			}
			if !strings.Contains(negotiation.ErrorMessage(err), tc.contains) {
				t.Errorf("message %q does not mention %q", negotiation.ErrorMessage(err), tc.contains)
			}
		})
	}
	// A refused user leaves no account behind: both are one transaction.
	if _, err := st.LocalAccountByEmail(ctx, "d@x.example"); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("account of a refused user: %v", err)
	}
}

func TestAddUserAccountAndUserTogether(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "FRA", negotiation.PartyState)
	// A user pre-registered by email (no account) makes the user row fail
	// after the account was inserted: the account must not stay.
	if _, err := st.CreateUser(ctx, actor, store.NewUser{Email: "pre@fra.example", Name: "Pre"}); err != nil {
		t.Fatal(err)
	}
	_, err := AddUser(ctx, st, actor, NewUser{Email: "pre@fra.example", Name: "Pre", Party: "FRA"}, true)
	if got, want := negotiation.ErrorCode(err), negotiation.EConflict; got != want {
		t.Fatalf("error %v: code %q, want %q", err, got, want)
	}
	if _, err := st.LocalAccountByEmail(ctx, "pre@fra.example"); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("the account stayed without its user: %v", err)
	}
}

func TestAddUserExternalPreRegisters(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "KEN", negotiation.PartyState)
	added, err := AddUser(ctx, st, actor, NewUser{Email: "w@ken.example", Name: "W", Party: "KEN"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if added.Password != "" {
		t.Errorf("an external user got a password: %q", added.Password)
	}
	if _, err := st.LocalAccountByEmail(ctx, "w@ken.example"); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("an external user got a local account: %v", err)
	}
	u, err := st.SignIn(ctx, "https://idp.example", "sub-1", "W@ken.example", "W", true)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != added.User.ID || u.PartyCode != "KEN" {
		t.Errorf("first sign-in made user %d of %q, want the pre-registered %d of KEN", u.ID, u.PartyCode, added.User.ID)
	}
	_, err = AddUser(ctx, st, actor, NewUser{Email: "x@ken.example", Name: "X", Party: "KEN", Password: "a long password here"}, false)
	if got, want := negotiation.ErrorCode(err), negotiation.EInvalid; got != want {
		t.Errorf("password with an external provider: code %q, want %q", got, want)
	}
}

func TestSetPassword(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "FRA", negotiation.PartyState)
	if _, err := AddUser(ctx, st, actor, NewUser{Email: "a@fra.example", Name: "A", Party: "FRA"}, true); err != nil {
		t.Fatal(err)
	}
	generated, err := SetPassword(ctx, st, actor, "a@fra.example", "")
	if err != nil {
		t.Fatal(err)
	}
	if !checkPassword(t, st, "a@fra.example", generated) {
		t.Error("the new generated password does not match")
	}
	if _, err := SetPassword(ctx, st, actor, "a@fra.example", "another long password"); err != nil {
		t.Fatal(err)
	}
	if !checkPassword(t, st, "a@fra.example", "another long password") {
		t.Error("the given password does not match")
	}
	if _, err := SetPassword(ctx, st, actor, "nobody@fra.example", ""); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("unknown account: %v", err)
	}
}

func TestCreateToken(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	addParty(t, st, "FRA", negotiation.PartyState)
	added, err := AddUser(ctx, st, actor, NewUser{Email: "a@fra.example", Name: "A", Party: "FRA"}, true)
	if err != nil {
		t.Fatal(err)
	}
	token, until, err := CreateToken(ctx, st, actor, "A@fra.example", "", 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, auth.TokenPrefix) {
		t.Errorf("token %q lacks the prefix %q", token, auth.TokenPrefix)
	}
	if d := time.Until(until); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("token expires in %v, want about 90 days", d)
	}
	v, err := st.ViewerByToken(ctx, auth.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	if v.UserID != added.User.ID {
		t.Errorf("token acts as user %d, want %d", v.UserID, added.User.ID)
	}
	if _, _, err := CreateToken(ctx, st, actor, "nobody@fra.example", "", time.Hour); negotiation.ErrorCode(err) != negotiation.ENotFound {
		t.Errorf("unknown user: %v", err)
	}
	if err := st.SuspendUser(ctx, actor, added.User.ID, "left the delegation"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := CreateToken(ctx, st, actor, "a@fra.example", "", time.Hour); negotiation.ErrorCode(err) != negotiation.EConflict {
		t.Errorf("suspended user: %v", err)
	}
}

func TestParseTTL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"90d", 90 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"36h", 36 * time.Hour},
		{"1h30m", 90 * time.Minute},
	} {
		got, err := ParseTTL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "d", "0d", "-1d", "0", "-5h", "ninety days", "99999999999d", "1y"} {
		if _, err := ParseTTL(in); err == nil {
			t.Errorf("ParseTTL(%q) accepted", in)
		}
	}
}

func TestFirstStartOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	first, err := FirstStart(ctx, st, actor, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.User.Email != DefaultAdminEmail || first.User.PartyCode != "SECRETARIAT" {
		t.Fatalf("first start = %+v, want %s in SECRETARIAT", first, DefaultAdminEmail)
	}
	if !checkPassword(t, st, DefaultAdminEmail, first.Password) {
		t.Error("the printed password does not match the account")
	}
	if u := signIn(t, st, DefaultAdminEmail); u.ID != first.User.ID {
		t.Errorf("sign-in found user %d, want %d", u.ID, first.User.ID)
	}
	again, err := FirstStart(ctx, st, actor, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Password != "" {
		t.Errorf("second start = %+v, want nothing done", again)
	}
	if n := secretariatUsers(t, st); n != 1 {
		t.Errorf("%d secretariat users, want 1", n)
	}
}

func secretariatUsers(t *testing.T, st *store.Store) int {
	t.Helper()
	p, err := st.PartyByCode(context.Background(), "SECRETARIAT")
	if err != nil {
		t.Fatal(err)
	}
	users, err := st.Users(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(users)
}

func TestFirstStartGivenPassword(t *testing.T) {
	st := newStore(t)
	first, err := FirstStart(context.Background(), st, actor, "chief@un.example", "the password from the environment")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Password != "" {
		t.Errorf("first start = %+v, want created without a password to show", first)
	}
	if !checkPassword(t, st, "chief@un.example", "the password from the environment") {
		t.Error("the given password does not match the account")
	}
	if _, err := FirstStart(context.Background(), newStore(t), actor, "", "short"); negotiation.ErrorCode(err) != negotiation.EInvalid {
		t.Errorf("short password: %v", err)
	}
}

// TestFirstStartConcurrent starts several servers on one new database at
// once: exactly one account is made.
func TestFirstStartConcurrent(t *testing.T) {
	st := newStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for range 4 {
		wg.Go(func() {
			first, err := FirstStart(context.Background(), st, actor, "", "")
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if first.Created {
				created++
			}
		})
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("%d first accounts made, want 1", created)
	}
	if n := secretariatUsers(t, st); n != 1 {
		t.Errorf("%d secretariat users, want 1", n)
	}
}

func TestFirstStartSkipsUsedInstallation(t *testing.T) {
	st := newStore(t)
	addParty(t, st, "FRA", negotiation.PartyState)
	if _, err := AddUser(context.Background(), st, actor, NewUser{Email: "a@fra.example", Name: "A", Party: "FRA"}, true); err != nil {
		t.Fatal(err)
	}
	first, err := FirstStart(context.Background(), st, actor, "", "")
	if err != nil || first.Created {
		t.Errorf("first start on an installation with users = %+v, %v; want nothing done", first, err)
	}
}

func TestSeedDemoTwice(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	demo, err := SeedDemo(ctx, st, actor)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(demo.SignIns), len(demoParties); got != want {
		t.Fatalf("%d sign-ins, want %d", got, want)
	}
	for _, in := range demo.SignIns {
		if !checkPassword(t, st, in.Email, in.Password) {
			t.Errorf("%s: the printed password does not match", in.Email)
		}
	}
	checkDemoDocument(t, demo.Document)
	checkAccredited(t, st, "ciel@"+demoDomain)
	g77, err := st.PartyByCode(ctx, "G77")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(g77.Members, ","), "BRA,KEN"; got != want {
		t.Errorf("G77 members = %s, want %s", got, want)
	}

	before := counts(t, st)
	again, err := SeedDemo(ctx, st, actor)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range again.SignIns {
		if in.Password != "" {
			t.Errorf("%s: second seeding shows a password", in.Email)
		}
		if !checkPassword(t, st, in.Email, passwordOf(demo, in.Email)) {
			t.Errorf("%s: second seeding changed the password", in.Email)
		}
	}
	checkDemoDocument(t, again.Document)
	if after := counts(t, st); after != before {
		t.Errorf("second seeding changed the data: %s, before %s", after, before)
	}
}

func passwordOf(demo Demo, email string) string {
	for _, in := range demo.SignIns {
		if in.Email == email {
			return in.Password
		}
	}
	return ""
}

func checkDemoDocument(t *testing.T, d negotiation.Document) {
	t.Helper()
	if d.Symbol != DemoSymbol || len(d.Versions) != 2 {
		t.Fatalf("demo document %s with %d versions, want %s with 2", d.Symbol, len(d.Versions), DemoSymbol)
	}
	if got, want := d.Versions[1].Label, "Rev.1"; got != want {
		t.Errorf("second version %q, want %q", got, want)
	}
}

// checkAccredited checks that the observer who signs in is accredited for
// about a year.
func checkAccredited(t *testing.T, st *store.Store, email string) {
	t.Helper()
	ctx := context.Background()
	token, _, err := CreateToken(ctx, st, actor, email, "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.ViewerByToken(ctx, auth.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Accredited(time.Now().AddDate(0, 11, 0)) || v.Accredited(time.Now().AddDate(1, 0, 1)) {
		t.Errorf("%s accredited until %v, want about a year from now", email, v.AccreditedUntil)
	}
}

// counts sums up the rows the demo makes.
func counts(t *testing.T, st *store.Store) string {
	t.Helper()
	var s string
	err := st.Pool().QueryRow(context.Background(), `SELECT format('%s parties, %s members, %s users, %s accounts, %s accreditations, %s documents, %s versions',
		(SELECT count(*) FROM parties), (SELECT count(*) FROM group_members), (SELECT count(*) FROM users),
		(SELECT count(*) FROM local_accounts), (SELECT count(*) FROM accreditations),
		(SELECT count(*) FROM documents), (SELECT count(*) FROM versions))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDemoTexts checks that the demo's texts parse as intended: Rev.1
// carries the keys of the zero draft's paragraphs.
func TestDemoTexts(t *testing.T) {
	st := newStore(t)
	demo, err := SeedDemo(context.Background(), st, actor)
	if err != nil {
		t.Fatal(err)
	}
	// Read as the system: the demo document is closed to the public.
	sys := store.AsSystem(context.Background())
	zero, err := st.Version(sys, demo.Document.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := st.Version(sys, demo.Document.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	keyOf := map[string]string{}
	for _, p := range zero.Provisions {
		keyOf[p.Number] = p.Key
	}
	byKey := map[string]string{}
	for _, p := range rev.Provisions {
		byKey[p.Key] = p.Number
	}
	// The old OP3 (views by [date]) is OP4 in Rev.1, behind the new OP3.
	if got, want := byKey[keyOf["OP3"]], "OP4"; got != want {
		t.Errorf("zero draft's OP3 is %q in Rev.1, want %q", got, want)
	}
	if got, want := byKey[keyOf["OP2(b)"]], "OP2(b)"; got != want {
		t.Errorf("zero draft's OP2(b) is %q in Rev.1, want %q", got, want)
	}
	if len(zero.Warnings) != 0 || len(rev.Warnings) != 0 {
		t.Errorf("warnings: zero draft %v, Rev.1 %v", zero.Warnings, rev.Warnings)
	}
}
