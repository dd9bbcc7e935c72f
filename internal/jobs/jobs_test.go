package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// noteArgs asks for a row in notes; the worker writes it and completes the
// job in the same transaction.
type noteArgs struct {
	Text string `json:"text"`
}

func (noteArgs) Kind() string { return "test_note" }

type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	pool *pgxpool.Pool
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO notes (text, at) VALUES ($1, now())`, job.Args.Text); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

func setup(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := jobs.Migrate(ctx, pool, log); err != nil {
		t.Fatal(err)
	}
	// A second run finds everything applied and changes nothing.
	if err := jobs.Migrate(ctx, pool, log); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE notes (text text NOT NULL, at timestamptz NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return pool
}

func client(t *testing.T, pool *pgxpool.Pool) *jobs.Client {
	t.Helper()
	ws := jobs.NewWorkers()
	jobs.Register(ws, &noteWorker{pool: pool})
	c, err := jobs.New(pool, ws, jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FetchPollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func insert(t *testing.T, pool *pgxpool.Pool, c *jobs.Client, text string, at time.Time, commit bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := c.InsertTx(ctx, tx, noteArgs{Text: text}, &river.InsertOpts{ScheduledAt: at}); err != nil {
		t.Fatal(err)
	}
	if commit {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func waitNote(t *testing.T, pool *pgxpool.Pool, text string, within time.Duration) time.Time {
	t.Helper()
	end := time.Now().Add(within)
	for time.Now().Before(end) {
		var at time.Time
		err := pool.QueryRow(context.Background(), `SELECT at FROM notes WHERE text = $1`, text).Scan(&at)
		if err == nil {
			return at
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %q was not worked within %s", text, within)
	return time.Time{}
}

// A job inserted in a transaction that rolls back never runs; one that
// commits does.
func TestJobExistsOnlyIfItsTransactionCommits(t *testing.T) {
	pool := setup(t)
	c := client(t, pool)
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	insert(t, pool, c, "rolled back", time.Time{}, false)
	insert(t, pool, c, "committed", time.Time{}, true)
	waitNote(t, pool, "committed", 10*time.Second)
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM notes WHERE text = 'rolled back'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("a job of a rolled-back transaction ran %d times", n)
	}
}

// A job scheduled while no client runs is worked, once, by the next client
// started after its time: the queue is durable, not a timer in memory.
func TestScheduledJobSurvivesRestart(t *testing.T) {
	pool := setup(t)
	ctx := context.Background()
	first := client(t, pool)
	if err := first.Start(ctx); err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(2 * time.Second)
	insert(t, pool, first, "after restart", due, true)
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := first.Stop(stop); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(due) + 500*time.Millisecond)
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("the job ran although no client was running")
	}
	second := client(t, pool)
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Stop(context.Background()) })
	at := waitNote(t, pool, "after restart", 20*time.Second)
	if at.Before(due) {
		t.Fatalf("the job ran at %s, before its time %s", at, due)
	}
	time.Sleep(time.Second)
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("the job ran %d times, want once", n)
	}
}
