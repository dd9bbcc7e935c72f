// Package pgtest gives the project's tests a real PostgreSQL server. A
// package's TestMain calls Main; each test then calls NewDatabase for a
// fresh, empty database of its own.
//
// The server is the one named by TEST_DATABASE_URL, else DATABASE_URL,
// else a throwaway pgcluster in a temporary directory that lives as long
// as the test binary.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/pgcluster"
)

// serverURL is a connection string for the test server, set by Main.
var serverURL string

// Main runs a package's tests against PostgreSQL and exits with their
// result. Call it first thing in TestMain: without a configured server the
// test binary re-runs itself as the keeper of a throwaway cluster, and that
// run must not do the package's own setup.
func Main(m *testing.M) {
	if os.Getenv(keeperEnv) != "" {
		os.Exit(keep())
	}
	os.Exit(run(m))
}

// run is Main without the exit, so that deferred cleanup happens.
func run(m *testing.M) int {
	for _, name := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if url := os.Getenv(name); url != "" {
			serverURL = url
			return m.Run()
		}
	}
	url, stop, err := startKeeper()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		return 1
	}
	defer stop()
	serverURL = url
	return m.Run()
}

// startCluster starts a throwaway cluster in a new temporary directory and
// returns its connection string and what stops and removes it.
func startCluster() (url string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "zerodraft-pgtest-")
	if err != nil {
		return "", nil, err
	}
	// MkdirTemp makes the directory 0700; when the tests run as root the
	// cluster runs as an unprivileged user who must be able to enter it.
	if err := os.Chmod(dir, 0o711); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// go test shows this output only when the package fails.
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// Tests make their own databases, so ask only for one that exists.
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Logger: log, Database: "postgres"})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return c.DSN(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
		os.RemoveAll(dir)
	}, nil
}

// NewDatabase creates a fresh, empty database on the test server and
// returns its connection string. The database is dropped when t ends, with
// connections still open to it closed by force. A package whose tests share
// one database calls it once, from a test that runs the others as subtests.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if serverURL == "" {
		t.Fatal("pgtest: no test server; call pgtest.Main from the package's TestMain")
	}
	name := randomName()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := createDatabase(ctx, name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is already canceled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := dropDatabase(ctx, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return withDatabase(serverURL, name)
}

// randomName makes a database name that cannot collide with another test's,
// even across concurrent test binaries sharing one server.
func randomName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "zdtest_" + hex.EncodeToString(b)
}

// createDatabase creates the database on the test server.
func createDatabase(ctx context.Context, name string) error {
	conn, err := connectMaintenance(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// dropDatabase drops the database, disconnecting whatever the test left
// connected (WITH (FORCE) needs PostgreSQL 13).
func dropDatabase(ctx context.Context, name string) error {
	conn, err := connectMaintenance(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	sql := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if serverMajor(conn) >= 13 {
		sql += " WITH (FORCE)"
	}
	_, err = conn.Exec(ctx, sql)
	return err
}

// serverMajor returns the server's major version, such as 15.
func serverMajor(conn *pgx.Conn) int {
	var major int
	fmt.Sscanf(conn.PgConn().ParameterStatus("server_version"), "%d", &major)
	return major
}

// connectMaintenance connects to the server's "postgres" database, so that
// the database named in the URL may be dropped or may not even exist; if
// "postgres" is not reachable it falls back to the URL's own database.
func connectMaintenance(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(serverURL)
	if err != nil {
		return nil, err
	}
	own := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil || own == "" || own == "postgres" {
		return conn, err
	}
	cfg.Database = own
	conn, err2 := pgx.ConnectConfig(ctx, cfg)
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return conn, nil
}

// withDatabase returns connString with its database replaced, in either
// of the forms PostgreSQL accepts. A URL gets a dbname query parameter
// rather than a new path because a query parameter overrides the path (and
// an earlier dbname parameter); keyword=value pairs get a trailing dbname,
// because a later keyword overrides an earlier one. The random name needs
// no quoting or escaping.
func withDatabase(connString, database string) string {
	if !strings.HasPrefix(connString, "postgres://") && !strings.HasPrefix(connString, "postgresql://") {
		return connString + " dbname=" + database
	}
	sep := "?"
	if strings.Contains(connString, "?") {
		sep = "&"
	}
	return connString + sep + "dbname=" + database
}
