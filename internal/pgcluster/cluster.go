// Package pgcluster runs zerodraft's embedded default database: when no
// DATABASE_URL is configured, zerodraft creates a private PostgreSQL cluster
// under its data directory on first use, starts it, and stops it again on
// shutdown.
//
// The server listens only on a Unix socket in a directory that nobody but
// its owner can enter, which is what makes trust authentication safe. When
// zerodraft runs as root the cluster runs as an unprivileged system user,
// because PostgreSQL refuses to run as root.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
)

// Names fixed by this package. The superuser is not "postgres" so that the
// cluster is recognisably zerodraft's in ps output and logs.
const (
	superuser       = "zerodraft"
	defaultDatabase = "zerodraft"
	maintenanceDB   = "postgres"
	port            = "5432"
)

// Options configures Start.
type Options struct {
	// DataDir is zerodraft's data directory. The cluster lives in
	// DataDir/postgres (PGDATA); its log is DataDir/postgres.log.
	DataDir string
	// Logger receives progress messages; nil means slog.Default().
	Logger *slog.Logger
	// Database is created if missing; empty means "zerodraft".
	Database string
	// BinDir, when set, is the only directory searched for initdb, pg_ctl
	// and postgres; empty means PATH and the usual install locations.
	BinDir string
}

// Cluster is a running PostgreSQL server on a data directory: either one
// this Cluster started, or one that was already running and is reused.
type Cluster struct {
	log        *slog.Logger
	bin        string   // directory holding initdb, pg_ctl and postgres
	dataDir    string   // zerodraft's data directory, symlinks resolved
	pgdata     string   // the cluster itself, DataDir/postgres
	database   string   // the database DSN connects to
	binDir     string   // Options.BinDir
	runAs      *account // nil unless zerodraft runs as root
	socketDir  string
	tempSocket bool // socketDir came from os.MkdirTemp and is removed on Stop
	owned      bool // this Cluster started the server, so Stop stops it
	pid        int  // the postmaster this Cluster started

	mu      sync.Mutex
	stopped bool
}

// Start finds the PostgreSQL binaries, creates the cluster on first use,
// starts the server (or reuses one already running on the same data
// directory), waits until it accepts connections, creates the database if it
// is missing, and returns the running cluster.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	c, err := newCluster(o)
	if err != nil {
		return nil, err
	}
	// The lock keeps two processes that start at once from both running
	// initdb or both starting a server on the same PGDATA.
	unlock, err := lockFile(ctx, c.path(lockFileName))
	if err != nil {
		return nil, fmt.Errorf("pgcluster: lock %s: %w", c.dataDir, err)
	}
	defer unlock()
	if err := c.startOrReuse(ctx); err != nil {
		return nil, err
	}
	if err := c.ensureDatabase(ctx); err != nil {
		c.abandon(ctx)
		return nil, err
	}
	return c, nil
}

// newCluster resolves everything Start needs before touching the server:
// the platform, the user to run as, the data directory and the binaries.
func newCluster(o Options) (*Cluster, error) {
	if err := platformSupported(); err != nil {
		return nil, err
	}
	if o.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is empty")
	}
	c := &Cluster{log: o.Logger, database: o.Database, binDir: o.BinDir}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.database == "" {
		c.database = defaultDatabase
	}
	var err error
	if c.runAs, err = unprivilegedAccount(); err != nil {
		return nil, err
	}
	if c.runAs != nil {
		c.log.Info("pgcluster: PostgreSQL refuses to run as root, so the embedded cluster runs as an unprivileged user",
			"user", c.runAs.name, "uid", c.runAs.uid)
	}
	if c.dataDir, err = c.prepareDataDir(o.DataDir); err != nil {
		return nil, err
	}
	c.pgdata = filepath.Join(c.dataDir, "postgres")
	if c.bin, err = c.chooseBinaries(); err != nil {
		return nil, err
	}
	return c, nil
}

// startOrReuse reuses a server already running on PGDATA and otherwise
// starts one. A server that only looked alive (a postmaster killed a moment
// ago stays visible until it is reaped) is started afresh.
func (c *Cluster) startOrReuse(ctx context.Context) error {
	if c.isRunning(ctx) {
		err := c.reuse(ctx)
		if !errors.Is(err, errGone) {
			return err
		}
		c.log.Info("pgcluster: the PostgreSQL server that seemed to be running is gone; starting it", "pgdata", c.pgdata)
	}
	return c.startServer(ctx)
}

// reuse connects to a server some other process started. Its socket
// directory is looked up again on every attempt because that server may
// still be starting up.
func (c *Cluster) reuse(ctx context.Context) error {
	c.log.Info("pgcluster: PostgreSQL is already running on this data directory; reusing it, and leaving it running on Stop",
		"pgdata", c.pgdata)
	if err := c.waitReady(ctx); err != nil {
		return wrapErr(err)
	}
	c.log.Info("pgcluster: connected to the running PostgreSQL server", "socket_dir", c.socketDir)
	return nil
}

// abandon stops a server this Cluster started when Start cannot finish,
// so that a failed Start does not leave a server running.
func (c *Cluster) abandon(ctx context.Context) {
	if !c.owned {
		return
	}
	if err := c.stopLocked(context.WithoutCancel(ctx)); err != nil {
		c.log.Warn("pgcluster: could not stop PostgreSQL after a failed start", "err", err)
	}
}

// DSN returns the connection string of the database named in Options.
func (c *Cluster) DSN() string {
	return c.DSNFor(c.database)
}

// DSNFor returns the connection string of another database on the cluster.
// Port and sslmode are spelled out so that PGPORT or PGSSLMODE in the
// environment cannot redirect the connection.
func (c *Cluster) DSNFor(database string) string {
	return "postgres://" + superuser + "@/" + escapeURI(database) +
		"?host=" + escapeURI(c.socketDir) + "&port=" + port + "&sslmode=disable"
}

// SocketDir returns the directory holding the server's Unix socket.
func (c *Cluster) SocketDir() string {
	return c.socketDir
}

// Stop shuts the server down with pg_ctl's fast mode, unless this Cluster
// reused a server another process started: that one is left running. Stop
// may be called more than once.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if !c.owned {
		c.log.Info("pgcluster: leaving PostgreSQL running because another process started it", "pgdata", c.pgdata)
		c.stopped = true
		return nil
	}
	// Holding the lock makes a concurrent Start wait until the server is
	// really down instead of trying to reuse a server that is going away.
	unlock, err := lockFile(ctx, c.path(lockFileName))
	if err != nil {
		return fmt.Errorf("pgcluster: lock %s: %w", c.dataDir, err)
	}
	defer unlock()
	if err := c.stopLocked(ctx); err != nil {
		return err
	}
	c.stopped = true
	return nil
}
