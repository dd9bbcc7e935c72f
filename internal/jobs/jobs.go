// Package jobs is zerodraft's durable job queue: River (riverqueue/river)
// on the application's own PostgreSQL through its pgx v5 driver. A job is a
// row inserted in the same transaction as the change that calls for it, so
// it exists exactly when that change committed, and it survives restarts:
// a job scheduled for a deadline runs once a process is up after the
// deadline, whichever process that is.
//
// Features register their workers on a Workers set before the client is
// built (River needs them up front), insert jobs with InsertTx inside their
// own pgx transaction, and may complete a job inside the transaction of its
// work with CompleteTx, so that the work and the job's completion commit
// together.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// Workers is the set of job kinds a process works.
type Workers struct {
	w *river.Workers
	n int
}

// NewWorkers returns an empty set.
func NewWorkers() *Workers { return &Workers{w: river.NewWorkers()} }

// Register adds the worker for one kind of job (its args type T). Register
// the same kind twice and River panics: a kind has one meaning.
func Register[T river.JobArgs](ws *Workers, w river.Worker[T]) {
	river.AddWorker(ws.w, w)
	ws.n++
}

// Options tune a client; the zero value is what the server uses.
type Options struct {
	Logger *slog.Logger
	// MaxWorkers is how many jobs this process works at once (default 10).
	MaxWorkers int
	// FetchPollInterval is how often a client looks for due jobs when no
	// notification told it (River's default, 1 s, when zero).
	FetchPollInterval time.Duration
}

// Client inserts and works jobs.
type Client struct {
	rc    *river.Client[pgx.Tx]
	log   *slog.Logger
	works bool // has workers; an insert-only client is not started
}

// Migrate applies River's own migrations (its tables live beside ours in
// the same database). It runs at start-up after the application's.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	for _, v := range res.Versions {
		log.Info("job queue migration applied", "version", v.Version, "name", v.Name)
	}
	return nil
}

// New builds a client on pool that works the jobs of ws. It does not start
// working until Start.
func New(pool *pgxpool.Pool, ws *Workers, o Options) (*Client, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = 10
	}
	cfg := &river.Config{Logger: o.Logger, FetchPollInterval: o.FetchPollInterval}
	if ws.n > 0 {
		// Without workers the client only inserts (River refuses queues
		// nobody works).
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.MaxWorkers}}
		cfg.Workers = ws.w
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Client{rc: rc, log: o.Logger, works: ws.n > 0}, nil
}

// Start begins working jobs; it returns once the client runs. Cancelling
// ctx stops the client abruptly (work in progress is cancelled); use Stop
// for a graceful end.
func (c *Client) Start(ctx context.Context) error {
	if !c.works {
		return nil
	}
	if err := c.rc.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// Stop stops fetching new jobs and waits for those in progress to finish.
// If ctx ends first, work in progress is cancelled (its jobs are retried
// by the next process, since each commits its work and its completion
// together or not at all).
func (c *Client) Stop(ctx context.Context) error {
	if !c.works {
		return nil
	}
	err := c.rc.Stop(ctx)
	if err == nil || !errors.Is(err, ctx.Err()) {
		return err
	}
	c.log.Warn("job queue: jobs still running at shutdown, cancelling them")
	cancelCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.rc.StopAndCancel(cancelCtx)
}

// InsertTx inserts a job inside tx: it exists if and only if tx commits.
// skipped tells that River's uniqueness found the same job already there.
func (c *Client) InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (skipped bool, err error) {
	res, err := c.rc.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return false, fmt.Errorf("insert job %s: %w", args.Kind(), err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// CompleteTx marks job completed inside tx, so the work done in tx and the
// job's completion commit together: a job whose work committed is never
// run again.
func CompleteTx[T river.JobArgs](ctx context.Context, tx pgx.Tx, job *river.Job[T]) error {
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	return err
}
