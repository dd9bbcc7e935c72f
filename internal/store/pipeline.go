package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// inTwoTrips runs a transaction in two round trips to the database, for
// the busiest writes, where each round trip counts: the first opens the
// transaction and sends read's queries (locks and reads that the checks
// need) in one pipeline; decide then looks at what they read, in Go, and
// returns the writes, or an error to roll back; the second trip sends the
// writes and the COMMIT together. The caller is answered only after the
// COMMIT succeeded. The queries' callbacks (pgx.QueuedQuery's QueryRow,
// Query, Exec) receive the results.
//
// The caller sets the viewer for the transaction in read (viewerQuery),
// rather than on the connection in a round trip of its own when the pool
// hands it out; a transaction may change viewer between its statements.
func (s *Store) inTwoTrips(ctx context.Context, read *pgx.Batch, decide func() (*pgx.Batch, error)) (err error) {
	conn, err := s.pool.Acquire(outsideRowRules(ctx))
	if err != nil {
		return err
	}
	defer conn.Release()
	defer func() {
		// A transaction still open here failed: end it, so that the
		// connection goes back to the pool clean (the pool discards one
		// that is not, should this fail too).
		if err != nil && conn.Conn().PgConn().TxStatus() != 'I' {
			conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	first := &pgx.Batch{QueuedQueries: append([]*pgx.QueuedQuery{{SQL: "BEGIN"}}, read.QueuedQueries...)}
	if err := conn.SendBatch(ctx, first).Close(); err != nil {
		return frozenError(err)
	}
	writes, err := decide()
	if err != nil {
		return err
	}
	writes.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error {
		// PostgreSQL answers COMMIT of a failed transaction with ROLLBACK.
		if ct.String() != "COMMIT" {
			return fmt.Errorf("the transaction was rolled back (%s)", ct)
		}
		return nil
	})
	return frozenError(conn.SendBatch(ctx, writes).Close())
}

// viewerQuery is the statement that makes v (settings) the viewer of the
// rest of the transaction, until another one is set.
func viewerQuery(v [4]string) *pgx.QueuedQuery {
	return &pgx.QueuedQuery{SQL: setViewerSQL, Arguments: []any{v[0], v[1], v[2], v[3], true}}
}
