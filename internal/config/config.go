// Package config reads zerodraft's settings from flags and the environment
// into one validated struct. Flags win over the environment; nothing here is
// global, the struct is passed to whoever needs it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything the server needs to start.
type Config struct {
	Addr        string     // listen address, e.g. 127.0.0.1:8080
	DataDir     string     // where the embedded PostgreSQL cluster and files live
	DatabaseURL string     // when set, use this server instead of the embedded one
	LogLevel    slog.Level // debug, info, warn, error
	BaseURL     string     // public address, e.g. https://drafts.example.org (default http://Addr)
	PGBin       string     // directory of PostgreSQL's programs for the embedded database (default: search)

	// An external OpenID provider; when OIDCIssuer is empty the built-in
	// provider is served at /oidc.
	OIDCIssuer, OIDCClientID, OIDCClientSecret string

	SessionIdle   time.Duration // a session ends after this long unused
	SessionMax    time.Duration // and after this long in all
	AdminEmail    string        // first start: the secretariat account's email (default admin@zerodraft.local)
	AdminPassword string        // first start: the secretariat account's password (default: generated, printed once)
	Demo          bool          // seed a small demo negotiation
	SilenceMin    time.Duration // shortest silence procedure this installation allows (default 72 h)
}

// Embedded tells whether zerodraft runs its own PostgreSQL cluster.
func (c Config) Embedded() bool { return c.DatabaseURL == "" }

// Getenv is how configuration reads the environment (os.Getenv in main,
// a map in tests).
type Getenv func(string) string

// Load parses args (without the program and command names) and the
// environment. Output for -h goes to out.
func Load(name string, args []string, getenv Getenv, out io.Writer) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	c := Config{}
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "ZERODRAFT_ADDR", "127.0.0.1:8080"), "listen address (ZERODRAFT_ADDR)")
	c.storeFlags(fs, getenv)
	fs.StringVar(&c.BaseURL, "base-url", getenv("ZERODRAFT_BASE_URL"), "public address of this server (ZERODRAFT_BASE_URL)")
	c.issuerFlag(fs, getenv)
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", getenv("ZERODRAFT_OIDC_CLIENT_ID"), "client id at the external provider (ZERODRAFT_OIDC_CLIENT_ID)")
	c.OIDCClientSecret = getenv("ZERODRAFT_OIDC_CLIENT_SECRET") // never a flag: flags show in ps
	fs.DurationVar(&c.SessionIdle, "session-idle", envDuration(getenv, "ZERODRAFT_SESSION_IDLE", 2*time.Hour), "sign out after this long idle (ZERODRAFT_SESSION_IDLE)")
	fs.DurationVar(&c.SessionMax, "session-max", envDuration(getenv, "ZERODRAFT_SESSION_MAX", 12*time.Hour), "sign out after this long in all (ZERODRAFT_SESSION_MAX)")
	c.AdminEmail = envOr(getenv, "ZERODRAFT_ADMIN_EMAIL", "admin@zerodraft.local")
	c.AdminPassword = getenv("ZERODRAFT_ADMIN_PASSWORD")
	fs.DurationVar(&c.SilenceMin, "silence-min", envDuration(getenv, "ZERODRAFT_SILENCE_MIN", 72*time.Hour), "shortest silence procedure, e.g. 72h, or 5s for a demonstration (ZERODRAFT_SILENCE_MIN)")
	fs.BoolVar(&c.Demo, "demo", false, "seed a small demo negotiation and print its sign-ins")
	level := fs.String("log-level", envOr(getenv, "ZERODRAFT_LOG_LEVEL", "info"), "debug, info, warn or error (ZERODRAFT_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("log level %q: use debug, info, warn or error", *level)
	}
	return c, c.validate()
}

// LoadStore parses args for a command that works on the data but does not
// serve (the admin commands): the caller's own flags, registered on fs,
// plus the flags and environment variables with which serve finds the
// database (--data-dir, --database-url, --pg-bin) and knows who signs users
// in (--oidc-issuer), so that both always reach the same data. Such
// commands log only warnings unless --log-level says otherwise.
func LoadStore(fs *flag.FlagSet, args []string, getenv Getenv) (Config, error) {
	c := Config{}
	c.storeFlags(fs, getenv)
	c.issuerFlag(fs, getenv)
	level := fs.String("log-level", envOr(getenv, "ZERODRAFT_LOG_LEVEL", "warn"), "debug, info, warn or error (ZERODRAFT_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("log level %q: use debug, info, warn or error", *level)
	}
	return c, c.validateStore()
}

// storeFlags registers the flags that say where the database is.
func (c *Config) storeFlags(fs *flag.FlagSet, getenv Getenv) {
	fs.StringVar(&c.DataDir, "data-dir", envOr(getenv, "ZERODRAFT_DATA_DIR", DefaultDataDir(getenv)), "data directory for the embedded database (ZERODRAFT_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", getenv("DATABASE_URL"), "PostgreSQL server to use instead of the embedded one (DATABASE_URL)")
	fs.StringVar(&c.PGBin, "pg-bin", getenv("ZERODRAFT_PG_BIN"), "directory holding initdb, pg_ctl and postgres (ZERODRAFT_PG_BIN; default: PATH and the usual places)")
}

// issuerFlag registers the external provider's issuer, which decides
// whether users sign in with the built-in provider.
func (c *Config) issuerFlag(fs *flag.FlagSet, getenv Getenv) {
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", getenv("ZERODRAFT_OIDC_ISSUER"), "external OpenID provider's issuer URL (ZERODRAFT_OIDC_ISSUER; default: the built-in provider)")
}

// validateStore checks the settings that locate the database.
func (c *Config) validateStore() error {
	if !c.Embedded() {
		return nil
	}
	if c.DataDir == "" {
		return errors.New("no data directory: set --data-dir or ZERODRAFT_DATA_DIR")
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("data directory %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	return nil
}

func (c *Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("address %q: want host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if err := c.validateStore(); err != nil {
		return err
	}
	if (c.OIDCIssuer == "") != (c.OIDCClientID == "") {
		return errors.New("an external OpenID provider needs both ZERODRAFT_OIDC_ISSUER and ZERODRAFT_OIDC_CLIENT_ID (and ZERODRAFT_OIDC_CLIENT_SECRET)")
	}
	if c.SessionIdle <= 0 || c.SessionMax < c.SessionIdle {
		return errors.New("session timeouts: want 0 < --session-idle <= --session-max")
	}
	if c.SilenceMin <= 0 {
		return fmt.Errorf("silence minimum %s: want a positive duration such as 72h", c.SilenceMin)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("base URL %q must start with http:// or https://", c.BaseURL)
	}
	return nil
}

// DefaultDataDir is where the embedded database lives when nothing is set:
// /var/lib/zerodraft for root (PostgreSQL runs as an unprivileged user, who
// cannot enter /root), else the user's data directory.
func DefaultDataDir(getenv Getenv) string {
	if os.Geteuid() == 0 {
		return "/var/lib/zerodraft"
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "zerodraft")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "zerodraft")
	}
	return "zerodraft-data"
}

func envDuration(getenv Getenv, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil {
		return d
	}
	return def
}

func envOr(getenv Getenv, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
