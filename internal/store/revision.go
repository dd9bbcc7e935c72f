package store

import (
	"context"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Revision is the outcome of folding proposals into a new version, as
// computed by the caller from the base version and its tabled proposals.
type Revision struct {
	Provisions []negotiation.Provision
	Warnings   []negotiation.Warning
	Provenance map[string][]int64     // new provision key → proposal ids it came from
	Carried    []negotiation.Proposal // still-tabled proposals, re-anchored or orphaned
}

// ReviseFunc computes a revision from the base version, the proposals to
// incorporate and the other tabled ones; used holds every key ever used.
type ReviseFunc func(base negotiation.Version, incorporate, others []negotiation.Proposal, used map[string]bool) (Revision, error)

// IssueRevision builds and stores the next version from the current one in
// one transaction: the chosen proposals become incorporated or not
// retained, the rest are carried forward onto the new version (or orphaned,
// visibly), and the provenance of every changed provision is recorded.
func (s *Store) IssueRevision(ctx context.Context, actor negotiation.Actor, docID int64, label string, incorporate, notRetained []int64, revise ReviseFunc) (negotiation.Version, error) {
	var number int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, docID); err != nil {
			return err
		}
		base, err := latestVersion(ctx, tx, docID)
		if err != nil {
			return err
		}
		inc, others, err := splitTabled(ctx, tx, docID, base.Number, incorporate, notRetained)
		if err != nil {
			return err
		}
		used, err := usedKeys(ctx, tx, docID)
		if err != nil {
			return err
		}
		rev, err := revise(base, inc, others, used)
		if err != nil {
			return err
		}
		number = base.Number + 1
		if label == "" {
			label = "Rev." + strconv.Itoa(number-1)
		}
		if err := insertVersion(ctx, tx, actor, docID, number, label, rev.Provisions, rev.Warnings); err != nil {
			return err
		}
		if err := recordOutcome(ctx, tx, docID, number, incorporate, notRetained, rev); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "version", int64(number), 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "revision.create", "document", strconv.FormatInt(docID, 10),
			map[string]any{"version": number, "label": label, "incorporated": incorporate, "not_retained": notRetained})
	})
	if err != nil {
		return negotiation.Version{}, err
	}
	return s.Version(ctx, docID, number)
}

// splitTabled loads the tabled proposals on the base version and splits
// them into those to incorporate and the rest (not_retained ones excluded).
// Every named id must be a tabled proposal on the current version.
func splitTabled(ctx context.Context, tx pgx.Tx, docID int64, base int, incorporate, notRetained []int64) (inc, others []negotiation.Proposal, err error) {
	rows, err := tx.Query(ctx, proposalSelect+` WHERE p.document_id = $1 AND p.status = 'tabled' ORDER BY p.id FOR UPDATE OF p`, docID)
	if err != nil {
		return nil, nil, err
	}
	tabled, err := pgx.CollectRows(rows, scanProposal)
	if err != nil {
		return nil, nil, err
	}
	known := map[int64]bool{}
	for _, p := range tabled {
		known[p.ID] = p.BaseVersion == base
	}
	for _, id := range append(slices.Clone(incorporate), notRetained...) {
		if !known[id] {
			return nil, nil, negotiation.Errorf(negotiation.EInvalid, "proposal %d is not a tabled proposal on the current version %d", id, base)
		}
		if slices.Contains(incorporate, id) && slices.Contains(notRetained, id) {
			return nil, nil, negotiation.Errorf(negotiation.EInvalid, "proposal %d cannot be both incorporated and not retained", id)
		}
	}
	for _, p := range tabled {
		switch {
		case slices.Contains(incorporate, p.ID):
			inc = append(inc, p)
		case !slices.Contains(notRetained, p.ID):
			others = append(others, p)
		}
	}
	return inc, others, nil
}

func recordOutcome(ctx context.Context, tx pgx.Tx, docID int64, number int, incorporate, notRetained []int64, rev Revision) error {
	if _, err := tx.Exec(ctx, `UPDATE proposals SET status = 'incorporated', decided_version = $2, updated_at = now() WHERE id = ANY($1)`, incorporate, number); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE proposals SET status = 'not_retained', decided_version = $2, updated_at = now() WHERE id = ANY($1)`, notRetained, number); err != nil {
		return err
	}
	for _, p := range rev.Carried {
		if _, err := tx.Exec(ctx, `UPDATE proposals SET base_version = $2, start_offset = $3, end_offset = $4, status = $5, updated_at = now() WHERE id = $1`,
			p.ID, p.BaseVersion, p.Start, p.End, string(p.Status)); err != nil {
			return err
		}
	}
	for key, ids := range rev.Provenance {
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `INSERT INTO provenance (document_id, version_number, key, proposal_id) VALUES ($1, $2, $3, $4)`, docID, number, key, id); err != nil {
				return err
			}
		}
	}
	return nil
}
