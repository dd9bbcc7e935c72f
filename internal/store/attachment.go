package store

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// NewAttachment is a file to store with a comment: its cleaned name, the
// content type detected from its bytes, and the bytes.
type NewAttachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// AttachmentInfo describes a stored attachment, as threads list it.
type AttachmentInfo struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Attachment is a stored file with its bytes, for download.
type Attachment struct {
	AttachmentInfo
	CommentID int64
	Data      []byte
}

func insertAttachments(ctx context.Context, tx pgx.Tx, commentID int64, files []NewAttachment) error {
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		if _, err := tx.Exec(ctx, `INSERT INTO comment_attachments (comment_id, name, content_type, size, sha256, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, commentID, f.Name, f.ContentType, len(f.Data), sum[:], f.Data); err != nil {
			return err
		}
	}
	return nil
}

func attachmentNames(files []NewAttachment) []string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names
}

// CommentAttachment returns one attachment of a comment; the caller has
// checked that the viewer may read the comment.
func (s *Store) CommentAttachment(ctx context.Context, commentID, id int64) (Attachment, error) {
	a := Attachment{CommentID: commentID}
	err := s.pool.QueryRow(ctx, `SELECT id, name, content_type, size, data FROM comment_attachments WHERE id = $1 AND comment_id = $2`,
		id, commentID).Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, negotiation.Errorf(negotiation.ENotFound, "comment %d has no attachment %d", commentID, id)
	}
	return a, err
}
