package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
)

// documentAuditSQL reads one page of a document's audit trail: the events
// about the document itself and those about its proposals, suggestions
// and comments, each kind found through its own index and merged in id
// order ($1 the document, $2 the last id already read, $3 the page size).
var documentAuditSQL = func() string {
	branch := func(table, objectType string) string {
		return `(SELECT ` + auditColumns + ` FROM ` + table + ` o
			JOIN audit_events a ON a.object_type = '` + objectType + `' AND a.object_id = o.id::text
			WHERE o.document_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3)`
	}
	return `SELECT * FROM (
		(SELECT ` + auditColumns + ` FROM audit_events a
			WHERE a.object_type = 'document' AND a.object_id = $1::bigint::text AND a.id > $2 ORDER BY a.id LIMIT $3)
		UNION ALL ` + strings.Join([]string{branch("proposals", "proposal"), branch("suggestions", "suggestion"), branch("comments", "comment")}, " UNION ALL ") + `
	) t ORDER BY id LIMIT $3`
}()

// DocumentAudit returns up to limit entries of a document's audit trail
// after the entry with id after, oldest first: what was done to the
// document itself (versions, revisions, statuses, positions, policy,
// silence, adoption…) and to its proposals, suggestions and comments.
func (s *Store) DocumentAudit(ctx context.Context, docID, after int64, limit int) ([]AuditEvent, error) {
	rows, err := s.pool.Query(ctx, documentAuditSQL, docID, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAuditEvent)
}
