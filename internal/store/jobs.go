package store

import "github.com/zerodraft/zerodraft/internal/jobs"

// RegisterWorkers adds the workers of the jobs the store schedules to ws.
// The server's start-up and tests call it before building the job client.
func (s *Store) RegisterWorkers(ws *jobs.Workers) {
	jobs.Register(ws, &commentExportWorker{s: s})
}
