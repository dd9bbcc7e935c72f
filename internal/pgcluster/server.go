package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	readyTimeout = 60 * time.Second
	// pgCtlTimeout is pg_ctl's own wait limit (-t) for start and stop;
	// crash recovery after a kill can take a while on a big cluster.
	pgCtlTimeout = "120"
)

// errGone reports that the server is not running (any more).
var errGone = errors.New("PostgreSQL is not running")

// command prepares one of the PostgreSQL programs. When zerodraft runs as
// root the program runs as the unprivileged account, because initdb, pg_ctl
// and postgres all refuse root.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	// The data directory is known to be enterable by the account, unlike
	// whatever directory zerodraft happened to be started from.
	cmd.Dir = c.dataDir
	cmd.Env = childEnv()
	// pg_ctl hands the server's output to the log file, so nothing should
	// keep our pipe open; if something does, don't hang on it.
	cmd.WaitDelay = 10 * time.Second
	if c.runAs != nil {
		setCredential(cmd, c.runAs)
	}
	return cmd
}

// childEnv is the environment minus PG* variables, which would otherwise
// change where pg_ctl and postgres look for their data or listen.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// isRunning asks pg_ctl whether a postmaster is alive on PGDATA.
func (c *Cluster) isRunning(ctx context.Context) bool {
	if !c.initialized() {
		return false
	}
	return c.command(ctx, "pg_ctl", "status", "-D", c.pgdata).Run() == nil
}

// initialized reports whether PGDATA holds a cluster made by initdb.
func (c *Cluster) initialized() bool {
	_, err := os.Stat(filepath.Join(c.pgdata, "PG_VERSION"))
	return err == nil
}

// startServer starts a server this Cluster will own, creating the cluster
// first if this is the first run.
func (c *Cluster) startServer(ctx context.Context) error {
	if err := c.initdbIfNeeded(ctx); err != nil {
		return err
	}
	if err := c.prepareServerFiles(); err != nil {
		return err
	}
	out, err := c.command(ctx, "pg_ctl", "start", "-D", c.pgdata, "-l", c.path(logFileName), "-w", "-t", pgCtlTimeout).CombinedOutput()
	if err != nil {
		c.removeTempSocketDir()
		return c.failure("pg_ctl start", err, out)
	}
	c.owned, c.pid = true, c.postmasterPID()
	c.log.Info("pgcluster: started PostgreSQL", "pgdata", c.pgdata, "pid", c.pid, "socket_dir", c.socketDir, "log", c.path(logFileName))
	if err := c.recordSocketDir(); err != nil {
		c.log.Warn("pgcluster: could not record the socket directory for other processes", "err", err)
	}
	if err := c.waitReady(ctx); err != nil {
		err = c.failure("waiting for PostgreSQL", err, nil)
		c.abandon(ctx)
		return err
	}
	return nil
}

// prepareServerFiles lays out what the server needs before each start: a
// PGDATA it owns, the socket directory, its settings and the log file.
func (c *Cluster) prepareServerFiles() error {
	if err := c.ownTree(c.pgdata); err != nil {
		return err
	}
	c.removeStaleSocketDir()
	if err := c.prepareSocketDir(); err != nil {
		return err
	}
	if err := c.writeSettings(); err != nil {
		c.removeTempSocketDir()
		return err
	}
	if err := c.prepareLog(); err != nil {
		c.removeTempSocketDir()
		return err
	}
	return nil
}

// initdbIfNeeded creates the cluster on first use. initdb writes into a
// scratch directory that is renamed into place only once complete, so an
// interrupted first run never leaves a half-made PGDATA behind.
func (c *Cluster) initdbIfNeeded(ctx context.Context) error {
	if c.initialized() {
		return nil
	}
	if err := removeEmptyDir(c.pgdata); err != nil {
		return err
	}
	c.log.Info("pgcluster: creating the PostgreSQL cluster (first run)", "pgdata", c.pgdata)
	scratch := c.pgdata + ".initdb"
	if err := c.mkdirOwned(scratch, true); err != nil {
		return err
	}
	out, err := c.command(ctx, "initdb", "-D", scratch, "-U", superuser, "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-instructions").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: initdb failed: %w\n%s", err, out)
	}
	if err := includeSettings(scratch); err != nil {
		return err
	}
	if err := os.Rename(scratch, c.pgdata); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// removeEmptyDir clears the way for the rename of a fresh cluster, but
// refuses to touch a PGDATA that holds something other than a cluster.
func removeEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("pgcluster: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away so a new cluster can be created", dir)
	}
	return wrapErr(os.Remove(dir))
}

// waitReady polls until the server accepts connections. When the server was
// started by another process its socket directory is looked up on each try.
// It returns errGone as soon as pg_ctl no longer sees a server.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		if !c.owned {
			c.socketDir = c.runningSocketDir()
		}
		err := c.ping(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() == nil && !c.isRunning(ctx) {
			return fmt.Errorf("%w: %v", errGone, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL did not accept connections within %s: %w", readyTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ping opens and closes one connection to the maintenance database.
func (c *Cluster) ping(ctx context.Context) error {
	if c.socketDir == "" {
		return errors.New("no Unix socket found")
	}
	conn, err := pgx.Connect(ctx, c.DSNFor(maintenanceDB))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// ensureDatabase creates the configured database unless it exists.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.DSNFor(maintenanceDB))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", c.database).Scan(&exists)
	if err != nil || exists {
		return wrapErr(err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{c.database}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" {
		return nil // created by a concurrent process in the meantime
	}
	if err == nil {
		c.log.Info("pgcluster: created database", "database", c.database)
	}
	return wrapErr(err)
}

// stopLocked stops the server this Cluster started and cleans up after it.
// If that server died and another process has since started a new one on
// the same PGDATA, the new one is not this Cluster's to stop.
func (c *Cluster) stopLocked(ctx context.Context) error {
	defer c.removeTempSocketDir()
	switch pid := c.postmasterPID(); {
	case pid == 0:
		c.log.Info("pgcluster: PostgreSQL had already stopped", "pgdata", c.pgdata)
	case pid != c.pid:
		c.log.Warn("pgcluster: PostgreSQL was restarted by another process since this one started it; leaving it running",
			"pgdata", c.pgdata, "pid", pid)
		return nil
	default:
		if err := c.pgctlStop(ctx); err != nil {
			return err
		}
	}
	if err := os.Remove(c.path(socketRecordName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.log.Warn("pgcluster: could not remove the socket directory record", "err", err)
	}
	return nil
}

// pgctlStop runs pg_ctl stop in fast mode: open transactions are rolled
// back, committed ones are safe. A server that is already gone (killed,
// leaving a stale postmaster.pid) counts as stopped.
func (c *Cluster) pgctlStop(ctx context.Context) error {
	out, err := c.command(ctx, "pg_ctl", "stop", "-D", c.pgdata, "-m", "fast", "-w", "-t", pgCtlTimeout).CombinedOutput()
	if err != nil && (ctx.Err() != nil || c.isRunning(ctx)) {
		return c.failure("pg_ctl stop", err, out)
	}
	c.log.Info("pgcluster: stopped PostgreSQL", "pgdata", c.pgdata)
	return nil
}

// failure builds an error that carries the program's output and the end of
// the server log, since that is where PostgreSQL explains what went wrong.
func (c *Cluster) failure(what string, err error, out []byte) error {
	var details strings.Builder
	if s := strings.TrimSpace(string(out)); s != "" {
		details.WriteString("\n" + s)
	}
	logPath := c.path(logFileName)
	if tail := lastLines(logPath, 20); tail != "" {
		details.WriteString("\nlast lines of " + logPath + ":\n" + tail)
	}
	return fmt.Errorf("pgcluster: %s failed: %w%s", what, err, details.String())
}

// wrapErr prefixes the package name to a non-nil error.
func wrapErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("pgcluster: %w", err)
}

// escapeURI percent-encodes a URI component. Spaces must become %20, not
// "+": connection URIs follow libpq, which does not decode "+".
func escapeURI(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
