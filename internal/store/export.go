package store

import (
	"context"
	"fmt"
)

// ChangeAuthors says who proposed the provisions changed by the versions
// after from up to and including to of a document: provision key → the
// proposing parties' codes ("EU" or "EU, G77"), from the provenance that
// issuing a revision records. Keys without provenance are absent: their
// changes were made by the secretariat.
func (s *Store) ChangeAuthors(ctx context.Context, docID int64, from, to int) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT pv.key, string_agg(DISTINCT pa.code, ', ' ORDER BY pa.code)
		FROM provenance pv
		JOIN proposals p ON p.id = pv.proposal_id
		JOIN parties pa ON pa.id = p.party_id
		WHERE pv.document_id = $1 AND pv.version_number > $2 AND pv.version_number <= $3
		GROUP BY pv.key`, docID, from, to)
	if err != nil {
		return nil, fmt.Errorf("read provenance: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, parties string
		if err := rows.Scan(&key, &parties); err != nil {
			return nil, err
		}
		out[key] = parties
	}
	return out, rows.Err()
}
