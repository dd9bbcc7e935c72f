package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/zerodraft/zerodraft/internal/admin"
	"github.com/zerodraft/zerodraft/internal/config"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

const adminUsage = `Usage: zerodraft admin <command> [flags]

Change the data directly, whether or not the server is running:

  party add      --code FRA --name France --kind state [--members CODE,CODE]
  user add       --email E --name N --party CODE [--role R] [--password-stdin]
  user password  --email E [--password-stdin]
  token create   --email E [--name N] [--expires 90d]

Every command also takes --data-dir, --database-url, --pg-bin, --oidc-issuer
and --log-level, with the same environment variables and defaults as
"zerodraft serve", so that it works on the server's data. Run
"zerodraft admin <command> -h" for a command's flags.
`

// console is where a command reads and writes, and how it reads the
// environment; tests replace all of them.
type console struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         config.Getenv
}

// adminEnv is what an admin command works with once the store is open.
type adminEnv struct {
	st    *store.Store
	cfg   config.Config
	actor negotiation.Actor
	con   console
}

// builtin tells whether users sign in with the built-in provider.
func (e adminEnv) builtin() bool { return e.cfg.OIDCIssuer == "" }

type runFunc func(ctx context.Context, e adminEnv) error

// adminCommand is one admin command.
type adminCommand struct {
	required []string                       // flags it cannot run without
	setUp    func(fs *flag.FlagSet) runFunc // registers its flags
}

var adminCommands = map[string]adminCommand{
	"party add":     {required: []string{"code", "name", "kind"}, setUp: partyAdd},
	"user add":      {required: []string{"email", "name", "party"}, setUp: userAdd},
	"user password": {required: []string{"email"}, setUp: userPassword},
	"token create":  {required: []string{"email"}, setUp: tokenCreate},
}

// errUsage marks a command line that cannot work; it exits with 2.
var errUsage = errors.New("usage")

// runAdmin runs "zerodraft admin …" and returns the exit code: 0, 1 when
// the command failed, 2 for help and for a command line that cannot work.
func runAdmin(args []string, con console) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(con.stdout, adminUsage)
		return 2
	}
	name, args := commandName(args)
	cmd, ok := adminCommands[name]
	if !ok {
		fmt.Fprintf(con.stderr, "zerodraft admin: unknown command %q\n\n%s", name, adminUsage)
		return 2
	}
	err := runAdminCommand(name, cmd, args, con)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(con.stderr, "zerodraft admin %s: %s\n", name, describe(err))
		return 2
	default:
		fmt.Fprintf(con.stderr, "zerodraft admin %s: %s\n", name, describe(err))
		return 1
	}
}

// commandName splits "party add --code …" into the command's name (its
// first two words) and its flags.
func commandName(args []string) (string, []string) {
	n := 0
	for n < min(2, len(args)) && !strings.HasPrefix(args[n], "-") {
		n++
	}
	return strings.Join(args[:n], " "), args[n:]
}

// runAdminCommand parses the command's flags, opens the store as serve
// does (reusing the embedded cluster if the server runs it) and runs the
// command.
func runAdminCommand(name string, cmd adminCommand, args []string, con console) error {
	fs := flag.NewFlagSet("zerodraft admin "+name, flag.ContinueOnError)
	fs.SetOutput(con.stderr)
	run := cmd.setUp(fs)
	cfg, err := config.LoadStore(fs, args, con.getenv)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	for _, f := range cmd.required {
		if fs.Lookup(f).Value.String() == "" {
			return fmt.Errorf("%w: --%s is required (see -h)", errUsage, f)
		}
	}
	log := slog.New(slog.NewTextHandler(con.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, closeDB, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	return run(ctx, adminEnv{st: st, cfg: cfg, actor: commandActor(), con: con})
}

// commandActor names the admin command and who ran it in the audit trail.
func commandActor() negotiation.Actor {
	who := "uid " + strconv.Itoa(os.Getuid())
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return negotiation.Actor{Name: "admin command (" + who + ")"}
}

// describe is an error as the person at the terminal should read it.
func describe(err error) string {
	var e *negotiation.Error
	if errors.As(err, &e) && e.Code != negotiation.EInternal {
		return e.Message
	}
	if msg, ok := strings.CutPrefix(err.Error(), errUsage.Error()+": "); ok {
		return msg
	}
	return err.Error()
}

func partyAdd(fs *flag.FlagSet) runFunc {
	code := fs.String("code", "", "the party's code: FRA, G77, CIEL…")
	name := fs.String("name", "", "its name: France, Group of 77 and China…")
	kind := fs.String("kind", "", "secretariat, state, group or observer")
	members := fs.String("members", "", "a group's member states, by code: BRA,KEN")
	return func(ctx context.Context, e adminEnv) error {
		p, err := e.st.CreateParty(ctx, e.actor, negotiation.Party{Code: *code, Name: *name,
			Kind: negotiation.PartyKind(strings.ToLower(strings.TrimSpace(*kind))), Members: splitCodes(*members)})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.con.stdout, "added party %s (%s), id %d: %s\n", p.Code, p.Kind, p.ID, p.Name)
		if len(p.Members) > 0 {
			fmt.Fprintf(e.con.stdout, "members: %s\n", strings.Join(p.Members, ", "))
		}
		return nil
	}
}

// splitCodes reads "BRA, KEN" as BRA and KEN.
func splitCodes(s string) []string {
	var codes []string
	for c := range strings.SplitSeq(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	return codes
}

func userAdd(fs *flag.FlagSet) runFunc {
	var nu admin.NewUser
	fs.StringVar(&nu.Email, "email", "", "their email address")
	fs.StringVar(&nu.Name, "name", "", "their name")
	fs.StringVar(&nu.Party, "party", "", "the code of the party they act for")
	fs.StringVar(&nu.Role, "role", "", "one of: "+strings.Join(admin.Roles, ", ")+" (default: by the party's kind)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from stdin (built-in provider; default: generate one)")
	return func(ctx context.Context, e adminEnv) error {
		if *fromStdin {
			if !e.builtin() {
				return fmt.Errorf("%w: --password-stdin: users sign in at %s, so zerodraft keeps no password", errUsage, e.cfg.OIDCIssuer)
			}
			var err error
			if nu.Password, err = readPassword(e.con.stdin); err != nil {
				return err
			}
		}
		added, err := admin.AddUser(ctx, e.st, e.actor, nu, e.builtin())
		if err != nil {
			return err
		}
		printAdded(e, added)
		return nil
	}
}

func printAdded(e adminEnv, added admin.Added) {
	u := added.User
	if !e.builtin() {
		fmt.Fprintf(e.con.stdout, "pre-registered user %s (%s, %s), id %d: they sign in at %s with this address, which the provider must report as verified\n",
			u.Email, u.PartyCode, u.Role, u.ID, e.cfg.OIDCIssuer)
		return
	}
	fmt.Fprintf(e.con.stdout, "added user %s (%s, %s), id %d\n", u.Email, u.PartyCode, u.Role, u.ID)
	if added.Password != "" {
		fmt.Fprintf(e.con.stdout, "password for %s (shown only this once): %s\n", u.Email, added.Password)
	}
}

func userPassword(fs *flag.FlagSet) runFunc {
	email := fs.String("email", "", "the account's email address")
	fromStdin := fs.Bool("password-stdin", false, "read the new password from stdin (default: generate one)")
	return func(ctx context.Context, e adminEnv) error {
		if !e.builtin() {
			return fmt.Errorf("%w: users sign in at %s; passwords are changed there", errUsage, e.cfg.OIDCIssuer)
		}
		password := ""
		if *fromStdin {
			var err error
			if password, err = readPassword(e.con.stdin); err != nil {
				return err
			}
		}
		generated, err := admin.SetPassword(ctx, e.st, e.actor, *email, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.con.stdout, "set a new password for %s\n", *email)
		if generated != "" {
			fmt.Fprintf(e.con.stdout, "password for %s (shown only this once): %s\n", *email, generated)
		}
		return nil
	}
}

// readPassword reads a password given alone on stdin, with or without a
// final line break, as "echo … |" and "< file" give it.
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, oidcprovider.MaxPasswordLen+3))
	if err != nil {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	switch {
	case len(b) == 0:
		return "", fmt.Errorf("%w: --password-stdin: stdin holds no password", errUsage)
	case bytes.ContainsAny(b, "\r\n"):
		return "", fmt.Errorf("%w: --password-stdin: stdin holds more than one line; give the password alone", errUsage)
	}
	return string(b), nil
}

func tokenCreate(fs *flag.FlagSet) runFunc {
	email := fs.String("email", "", "the email address of the user the token acts as")
	name := fs.String("name", "", "what the token is for, as its owner sees it in the token list")
	expires := fs.String("expires", "90d", "lifetime: days (90d) or hours and minutes (36h, 1h30m)")
	return func(ctx context.Context, e adminEnv) error {
		ttl, err := admin.ParseTTL(*expires)
		if err != nil {
			return fmt.Errorf("%w: --expires: %s", errUsage, describe(err))
		}
		token, until, err := admin.CreateToken(ctx, e.st, e.actor, *email, *name, ttl)
		if err != nil {
			return err
		}
		// Only the token goes to stdout, so that TOKEN=$(…) works.
		fmt.Fprintln(e.con.stdout, token)
		fmt.Fprintf(e.con.stderr, "zerodraft admin token create: a token for %s, valid until %s; it is shown only this once\n",
			*email, until.Format(time.DateTime+" MST"))
		return nil
	}
}

// seed is what serve does after the migrations, before it listens: the
// first start's secretariat account, and the demo negotiation with --demo.
func seed(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, stdout, stderr io.Writer) error {
	if err := firstStart(ctx, cfg, st, log, stderr); err != nil {
		return fmt.Errorf("first start: %s", describe(err))
	}
	if !cfg.Demo {
		return nil
	}
	if cfg.OIDCIssuer != "" {
		return errors.New("--demo needs the built-in sign-in, whose accounts it makes: unset ZERODRAFT_OIDC_ISSUER")
	}
	demo, err := admin.SeedDemo(ctx, st, negotiation.Actor{Name: "zerodraft serve --demo"})
	if err != nil {
		return fmt.Errorf("demo: %s", describe(err))
	}
	printDemo(stdout, cfg, demo)
	return nil
}

// firstStart makes the secretariat's account on a brand-new installation
// with the built-in provider, and says how to sign in; with an external
// provider it says how to add the first user.
func firstStart(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, stderr io.Writer) error {
	if cfg.OIDCIssuer != "" {
		n, err := st.CountUsers(ctx)
		if err == nil && n == 0 {
			log.Warn(`no users yet: add the secretariat with "zerodraft admin party add --code SECRETARIAT --name Secretariat --kind secretariat", ` +
				`then "zerodraft admin user add --party SECRETARIAT --email … --name …"; they sign in with the external provider`)
		}
		return err
	}
	first, err := admin.FirstStart(ctx, st, negotiation.Actor{Name: "zerodraft serve (first start)"}, cfg.AdminEmail, cfg.AdminPassword)
	if err != nil || !first.Created {
		return err
	}
	if first.Password == "" {
		log.Info("first start: created the secretariat account with the password from ZERODRAFT_ADMIN_PASSWORD", "email", first.User.Email)
		return nil
	}
	rule := strings.Repeat("=", 78)
	fmt.Fprintf(stderr, "%s\nfirst start: sign in at %s as %s with password %s\n"+
		"This password is shown only this once; change it with\n"+
		"  zerodraft admin user password --email %s --password-stdin\n"+
		"given the same --data-dir or DATABASE_URL as this server.\n%s\n",
		rule, cfg.BaseURL, first.User.Email, first.Password, first.User.Email, rule)
	return nil
}

// printDemo lists the demo's sign-ins, one per party.
func printDemo(w io.Writer, cfg config.Config, demo admin.Demo) {
	labels := make([]string, len(demo.Document.Versions))
	for i, v := range demo.Document.Versions {
		labels[i] = v.Label
	}
	fmt.Fprintf(w, "demo: %s (%s) at %s; sign in as\n", demo.Document.Symbol, strings.Join(labels, ", "), cfg.BaseURL)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, in := range demo.SignIns {
		password := in.Password
		if password == "" {
			password = "(made at an earlier start; new one: zerodraft admin user password --email " + in.Email + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", in.Party, in.Email, password)
	}
	tw.Flush()
}
