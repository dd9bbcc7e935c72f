package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestExportFailureRecorded checks what a failed try leaves on an export:
// queued again with the reason while tries remain, failed with a finishing
// time after the last; a finished export is never marked failed.
func TestExportFailureRecorded(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	f := newBackstopFixture(t, s)
	ctx := AsSystem(context.Background())
	newExport := func() int64 {
		var id int64
		if err := s.pool.QueryRow(ctx, `INSERT INTO comment_exports (document_id, requested_by, format) VALUES ($1, $2, 'csv') RETURNING id`,
			f.doc, f.secUser).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cause := errors.New("disk full")
	id := newExport()
	s.recordExportFailure(ctx, id, 1, exportAttempts, cause)
	e, err := s.CommentExport(ctx, f.doc, id)
	if err != nil || e.Status != "queued" || !strings.Contains(e.Error, "try 1 of 5 failed; it will be tried again") || e.FinishedAt != nil {
		t.Fatalf("after a first failed try: %+v, %v", e, err)
	}
	s.recordExportFailure(ctx, id, exportAttempts, exportAttempts, cause)
	e, err = s.CommentExport(ctx, f.doc, id)
	if err != nil || e.Status != "failed" || !strings.Contains(e.Error, "failed after 5 tries") || strings.Contains(e.Error, "disk full") || e.FinishedAt == nil {
		t.Fatalf("after the last try: %+v, %v", e, err)
	}
	done := newExport()
	if _, err := s.pool.Exec(ctx, `UPDATE comment_exports SET status = 'done', finished_at = now() WHERE id = $1`, done); err != nil {
		t.Fatal(err)
	}
	s.recordExportFailure(ctx, done, exportAttempts, exportAttempts, cause)
	if e, _ := s.CommentExport(ctx, f.doc, done); e.Status != "done" || e.Error != "" {
		t.Errorf("a finished export after a late failure: %+v", e)
	}
}
