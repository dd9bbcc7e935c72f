package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/zerodraft/zerodraft/internal/jobs"
)

// RegisterWorkers adds the workers of the jobs the store schedules to ws.
// The server's start-up and tests call it before building the job client.
func (s *Store) RegisterWorkers(ws *jobs.Workers) {
	jobs.Register(ws, &commentExportWorker{s: s})
	jobs.Register(ws, &adoptWorker{s: s})
}

// adoptWorker runs AdoptAtDeadline for a silence whose deadline came.
type adoptWorker struct {
	river.WorkerDefaults[AdoptAtDeadlineArgs]
	s *Store
}

// Work adopts (or finds nothing to do) and completes the job in the same
// transaction. A job run early (clocks apart) waits for the deadline.
func (w *adoptWorker) Work(ctx context.Context, job *river.Job[AdoptAtDeadlineArgs]) error {
	ctx = AsSystem(ctx) // the deadline adopts; no viewer asked for it
	adopted, err := w.s.AdoptAtDeadline(ctx, job.Args.SilenceID, time.Now(), func(tx pgx.Tx) error {
		return jobs.CompleteTx(ctx, tx, job)
	})
	if errors.Is(err, ErrBeforeDeadline) {
		return river.JobSnooze(time.Second)
	}
	if err == nil && adopted {
		w.s.log.Info("adopted at the silence deadline", "silence_id", job.Args.SilenceID)
	}
	return err
}
