package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Policy returns a document's disclosure policy.
func (s *Store) Policy(ctx context.Context, docID int64) (negotiation.Policy, error) {
	var p negotiation.Policy
	err := s.pool.QueryRow(ctx, `SELECT disclosure FROM documents WHERE id = $1`, docID).Scan(&p)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
	}
	return p, err
}

// SetPolicy replaces a document's disclosure policy. The change is audited
// with the whole table and announced as a live event, so that open streams
// re-check what they may still send.
func (s *Store) SetPolicy(ctx context.Context, actor negotiation.Actor, docID int64, p negotiation.Policy) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE documents SET disclosure = $2 WHERE id = $1`, docID, p)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
		}
		if err := event(ctx, tx, docID, "policy", 0, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "document.disclosure", "document", strconv.FormatInt(docID, 10), map[string]any{"policy": p.Summary()})
	})
}
