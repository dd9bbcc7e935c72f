// Command zerodraft runs the zerodraft server ("zerodraft" or "zerodraft
// serve") and its administration commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/zerodraft/zerodraft/internal/config"
	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/pgcluster"
	"github.com/zerodraft/zerodraft/internal/server"
	"github.com/zerodraft/zerodraft/internal/store"
)

const usage = `zerodraft — negotiation texts drafted in the open.

Usage:
  zerodraft [serve] [flags]   run the server (the default)
  zerodraft admin <command>   add parties, users and API tokens (see "zerodraft admin help")
  zerodraft help              show this text

Run "zerodraft serve -h" for the server's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stdout, stderr)
	case "admin":
		return runAdmin(args, console{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv})
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "zerodraft: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "zerodraft: %v\n", err)
		return 1
	}
	return 0
}

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Load("zerodraft serve", args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, closeDB, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := seed(ctx, cfg, st, log, stdout, stderr); err != nil {
		return err
	}
	stopJobs, err := startJobs(ctx, st, log)
	if err != nil {
		return err
	}
	defer stopJobs()
	srv, err := server.New(ctx, server.Options{
		Store: st, Logger: log, BaseURL: cfg.BaseURL,
		OIDC:        server.OIDC{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret},
		SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax, SilenceMin: cfg.SilenceMin,
	})
	if err != nil {
		return err
	}
	// Start-up (migrations, signing keys, templates) leaves garbage behind;
	// hand it back to the system now rather than at the next GC cycles, so
	// an idle server stays small.
	debug.FreeOSMemory()
	softMemoryLimit()
	log.Info("zerodraft is listening", "url", "http://"+cfg.Addr)
	err = srv.Serve(ctx, cfg.Addr)
	log.Info("zerodraft stopped")
	return err
}

// startJobs starts the durable job queue with every worker this binary
// has, and gives the store its client. The returned function stops it
// gracefully (after the HTTP server, so no request inserts a job into a
// stopped client), waiting up to 15 seconds for jobs in progress.
func startJobs(ctx context.Context, st *store.Store, log *slog.Logger) (func(), error) {
	ws := jobs.NewWorkers()
	st.RegisterWorkers(ws)
	jc, err := jobs.New(st.Pool(), ws, jobs.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	st.UseJobs(jc)
	// Not ctx: cancelling the context given to Start cancels jobs in
	// progress; a signal should end them gracefully through Stop.
	if err := jc.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	return func() {
		stop, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := jc.Stop(stop); err != nil {
			log.Error("stop job queue", "err", err)
		}
	}, nil
}

// openStore connects to DATABASE_URL, or starts the embedded cluster under
// the data directory, and applies the migrations; serve and the admin
// commands both open the data this way. The returned function closes the
// pool and stops the cluster if this process started it: an admin command
// run beside the server reuses the server's cluster and leaves it running.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, func(), error) {
	dsn := cfg.DatabaseURL
	stopCluster := func() {}
	if cfg.Embedded() {
		log.Info("using the embedded PostgreSQL", "data_dir", cfg.DataDir)
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: cfg.DataDir, Logger: log, BinDir: cfg.PGBin})
		if err != nil {
			return nil, nil, err
		}
		dsn = cluster.DSN()
		stopCluster = func() {
			if err := cluster.Stop(context.Background()); err != nil {
				log.Error("stop embedded PostgreSQL", "err", err)
			}
		}
	} else {
		log.Info("using the PostgreSQL server from DATABASE_URL")
	}
	st, err := store.Open(ctx, dsn, log)
	if err != nil {
		stopCluster()
		return nil, nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		stopCluster()
		return nil, nil, err
	}
	return st, func() { st.Close(); stopCluster() }, nil
}

// idleMemory is the soft limit the Go runtime steers the heap towards
// unless GOMEMLIMIT says otherwise: past work (a diff cache, a sign-in's
// 19 MiB password hash) is then collected and handed back to the system
// within seconds instead of at the two-minute forced collection. It is
// soft: a busy server grows past it, and the runtime caps the time it
// spends collecting.
const idleMemory = 32 << 20

func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(idleMemory)
	}
}
