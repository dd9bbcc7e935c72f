package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// exportBatch is how many comments the export reads per query; progress is
// recorded after each batch.
const exportBatch = 1000

// CommentExport is an export of a document's comments and where it stands.
type CommentExport struct {
	ID         int64      `json:"id"`
	DocumentID int64      `json:"document_id"`
	Format     string     `json:"format"`
	Status     string     `json:"status"` // queued, running, done, failed
	Done       int        `json:"done"`   // comments written so far
	Total      int        `json:"total"`  // comments to write (known once running)
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// commentExportArgs is the river job that writes one export.
type commentExportArgs struct {
	ExportID int64 `json:"export_id"`
}

func (commentExportArgs) Kind() string { return "comment_export" }

type commentExportWorker struct {
	river.WorkerDefaults[commentExportArgs]
	s *Store
}

// StartCommentExport records an export of a document's comments and
// queues its job in the same transaction.
func (s *Store) StartCommentExport(ctx context.Context, actor negotiation.Actor, docID, userID int64, format string) (CommentExport, error) {
	if format != "csv" && format != "json" {
		return CommentExport{}, negotiation.Errorf(negotiation.EInvalid, "format %q: use \"csv\" or \"json\"", format)
	}
	if s.jobs == nil {
		return CommentExport{}, errors.New("comment export: no job queue")
	}
	var e CommentExport
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO comment_exports (document_id, requested_by, format) VALUES ($1, $2, $3)
			RETURNING id, document_id, format, status, done, total, created_at`, docID, userID, format).
			Scan(&e.ID, &e.DocumentID, &e.Format, &e.Status, &e.Done, &e.Total, &e.CreatedAt)
		if err != nil {
			return err
		}
		if _, err := s.jobs.InsertTx(ctx, tx, commentExportArgs{ExportID: e.ID}, &river.InsertOpts{MaxAttempts: exportAttempts}); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "comments.export", "document", strconv.FormatInt(docID, 10), map[string]any{"export": e.ID, "format": format})
	})
	return e, err
}

// CommentExport returns one export of a document (without its data).
func (s *Store) CommentExport(ctx context.Context, docID, id int64) (CommentExport, error) {
	var e CommentExport
	err := s.pool.QueryRow(ctx, `SELECT id, document_id, format, status, done, total, error, created_at, finished_at
		FROM comment_exports WHERE id = $1 AND document_id = $2`, id, docID).
		Scan(&e.ID, &e.DocumentID, &e.Format, &e.Status, &e.Done, &e.Total, &e.Error, &e.CreatedAt, &e.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, negotiation.Errorf(negotiation.ENotFound, "export %d of this document not found", id)
	}
	return e, err
}

// CommentExports lists a document's exports, newest first.
func (s *Store) CommentExports(ctx context.Context, docID int64) ([]CommentExport, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, document_id, format, status, done, total, error, created_at, finished_at
		FROM comment_exports WHERE document_id = $1 ORDER BY id DESC LIMIT 20`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CommentExport, error) {
		var e CommentExport
		err := r.Scan(&e.ID, &e.DocumentID, &e.Format, &e.Status, &e.Done, &e.Total, &e.Error, &e.CreatedAt, &e.FinishedAt)
		return e, err
	})
}

// CommentExportFile returns a finished export's bytes.
func (s *Store) CommentExportFile(ctx context.Context, docID, id int64) (CommentExport, []byte, error) {
	e, err := s.CommentExport(ctx, docID, id)
	if err != nil {
		return e, nil, err
	}
	if e.Status != "done" {
		return e, nil, negotiation.Errorf(negotiation.EConflict, "export %d is %s (%d of %d comments); try again when it is done", id, e.Status, e.Done, e.Total)
	}
	var data []byte
	err = s.pool.QueryRow(ctx, `SELECT data FROM comment_exports WHERE id = $1`, id).Scan(&data)
	return e, data, err
}

// ExportedComment is one row of an export: every comment of the document,
// hidden and withdrawn ones included (with their bodies, flagged), the
// thread structure as parent ids.
type ExportedComment struct {
	ID           int64      `json:"id"`
	Parent       *int64     `json:"parent"`
	Key          *string    `json:"key"`
	Proposal     *int64     `json:"proposal"`
	Version      int        `json:"version"`
	Author       string     `json:"author"`
	AuthorEmail  string     `json:"author_email"`
	Party        string     `json:"party"`
	Scope        string     `json:"scope"`
	Status       string     `json:"status"`
	Hidden       bool       `json:"hidden"`
	StatusBy     string     `json:"status_by"`
	StatusReason string     `json:"status_reason"`
	Reports      int        `json:"reports"`
	CreatedAt    time.Time  `json:"created_at"`
	EditedAt     *time.Time `json:"edited_at"`
	Campaign     string     `json:"campaign"`
	Attachments  []string   `json:"attachments"`
	Body         string     `json:"body"`
}

var exportHeader = []string{"id", "parent", "key", "proposal", "version", "author", "author_email", "party", "scope", "status",
	"hidden", "status_by", "status_reason", "reports", "created_at", "edited_at", "campaign", "attachments", "body"}

func (r ExportedComment) csvRecord() []string {
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	edited := ""
	if r.EditedAt != nil {
		edited = r.EditedAt.UTC().Format(time.RFC3339)
	}
	key := ""
	if r.Key != nil {
		key = *r.Key
	}
	return []string{strconv.FormatInt(r.ID, 10), opt(r.Parent), key, opt(r.Proposal), strconv.Itoa(r.Version), r.Author, r.AuthorEmail,
		r.Party, r.Scope, r.Status, strconv.FormatBool(r.Hidden), r.StatusBy, r.StatusReason, strconv.Itoa(r.Reports),
		r.CreatedAt.UTC().Format(time.RFC3339), edited, r.Campaign, strings.Join(r.Attachments, "; "), export.CSVCell(r.Body)}
}

// exportAttempts bounds the tries of one export: a failure that survives
// five tries (over about a minute of River's backoff) is not passing.
const exportAttempts = 5

// Work writes the export; a failed try is recorded on the export, so that
// the secretariat sees it is being tried again, or that it failed.
func (w *commentExportWorker) Work(ctx context.Context, job *river.Job[commentExportArgs]) error {
	err := w.write(ctx, job)
	if err != nil {
		w.s.recordExportFailure(AsSystem(context.WithoutCancel(ctx)), job.Args.ExportID, job.Attempt, job.MaxAttempts, err)
	}
	return err
}

// recordExportFailure notes a failed try of an export: queued again with
// the reason while tries remain, failed for good after the last.
// The reason goes to the log; the export says what its reader can act on.
func (s *Store) recordExportFailure(ctx context.Context, exportID int64, attempt, maxAttempts int, cause error) {
	s.log.Error("comment export failed", "export", exportID, "try", attempt, "of", maxAttempts, "err", cause)
	status, msg := "queued", fmt.Sprintf("try %d of %d failed; it will be tried again", attempt, maxAttempts)
	if attempt >= maxAttempts {
		status, msg = "failed", fmt.Sprintf("the export failed after %d tries; the server's log says why", attempt)
	}
	_, err := s.pool.Exec(ctx, `UPDATE comment_exports SET status = $2, error = $3,
		finished_at = CASE WHEN $2 = 'failed' THEN now() END WHERE id = $1 AND status <> 'done'`, exportID, status, msg)
	if err != nil {
		s.log.Error("record a failed export", "export", exportID, "err", err)
	}
}

// write writes the export batch by batch, recording progress after each,
// then stores the file and completes the job in one transaction.
func (w *commentExportWorker) write(ctx context.Context, job *river.Job[commentExportArgs]) error {
	// The secretariat asked for it; the job runs with no viewer of its own.
	ctx = AsSystem(ctx)
	s := w.s
	var docID int64
	var format string
	err := s.pool.QueryRow(ctx, `UPDATE comment_exports SET status = 'running', done = 0,
		total = (SELECT count(*) FROM comments c WHERE c.document_id = comment_exports.document_id)
		WHERE id = $1 RETURNING document_id, format`, job.Args.ExportID).Scan(&docID, &format)
	if err != nil {
		return fmt.Errorf("export %d: %w", job.Args.ExportID, err)
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if format == "csv" {
		buf.WriteString("\ufeff") // so that spreadsheets read UTF-8
		_ = cw.Write(exportHeader)
	} else {
		buf.WriteString(`{"document_id":` + strconv.FormatInt(docID, 10) + `,"comments":[`)
	}
	var after int64
	done := 0
	for {
		batch, err := s.exportBatch(ctx, docID, after)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if format == "csv" {
				if err := cw.Write(r.csvRecord()); err != nil {
					return err
				}
				continue
			}
			if done > 0 {
				buf.WriteByte(',')
			}
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			buf.Write(b)
			done++
		}
		if format == "csv" {
			done += len(batch)
		}
		if _, err := s.pool.Exec(ctx, `UPDATE comment_exports SET done = $2 WHERE id = $1`, job.Args.ExportID, done); err != nil {
			return err
		}
		if len(batch) < exportBatch {
			break
		}
		after = batch[len(batch)-1].ID
	}
	if format == "csv" {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	} else {
		buf.WriteString("]}\n")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE comment_exports SET status = 'done', done = $2, total = $2, data = $3, error = '', finished_at = now() WHERE id = $1`,
			job.Args.ExportID, done, buf.Bytes()); err != nil {
			return err
		}
		if err := audit(ctx, tx, negotiation.Actor{Name: "export"}, "comments.export.done", "document", strconv.FormatInt(docID, 10),
			map[string]any{"export": job.Args.ExportID, "comments": done, "bytes": buf.Len()}); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// exportBatch reads the next comments of a document after id, in id order
// (parents before their replies), with their attachments' names.
func (s *Store) exportBatch(ctx context.Context, docID, after int64) ([]ExportedComment, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.parent_id, c.provision_key, c.proposal_id, c.version_number, u.name, u.email, p.code,
		c.scope, c.status, coalesce(c.status_by, ''), c.status_reason, c.report_count, c.created_at, c.edited_at, coalesce(c.campaign_key, ''),
		coalesce((SELECT array_agg(a.name ORDER BY a.id) FROM comment_attachments a WHERE a.comment_id = c.id), '{}'), c.body
		FROM comments c JOIN users u ON u.id = c.author_id JOIN parties p ON p.id = c.party_id
		WHERE c.document_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3`, docID, after, exportBatch)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExportedComment, error) {
		var e ExportedComment
		err := r.Scan(&e.ID, &e.Parent, &e.Key, &e.Proposal, &e.Version, &e.Author, &e.AuthorEmail, &e.Party, &e.Scope, &e.Status,
			&e.StatusBy, &e.StatusReason, &e.Reports, &e.CreatedAt, &e.EditedAt, &e.Campaign, &e.Attachments, &e.Body)
		e.Hidden = e.Status == string(negotiation.CommentHidden)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	})
}
