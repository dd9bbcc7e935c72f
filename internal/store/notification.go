package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Notification kinds written by the consultation; other features add
// their own (the kind is free text, the page names known kinds).
const (
	NotifyReply         = "comment.reply"     // a reply to one of the recipient's comments
	NotifyProvisionNote = "comment.provision" // a new comment on a provision the recipient follows
)

// Notification is one row of a user's notifications.
type Notification struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	DocumentID *int64     `json:"document_id"`
	Document   string     `json:"document"` // the document's symbol, "" if none
	Link       string     `json:"link"`
	Subject    string     `json:"subject"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at"`
}

// NewNotification is what to tell: kind, document (0 for none), a local
// link and a short plain-text subject (never a comment's body).
type NewNotification struct {
	Kind       string
	DocumentID int64
	Link       string
	Subject    string
}

// NotifyParties tells every active user of the given parties, inside the
// caller's transaction, so that the notification exists exactly when the
// change it announces does (e.g. "silence procedure started" for all
// states and groups). It returns how many users were notified.
func NotifyParties(ctx context.Context, tx pgx.Tx, parties []int64, n NewNotification) (int64, error) {
	if len(n.Link) == 0 || n.Link[0] != '/' {
		return 0, fmt.Errorf("notification link %q is not a local path", n.Link)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO notifications (recipient_id, kind, document_id, link, subject)
		SELECT u.id, $2, $3, $4, $5 FROM users u WHERE u.party_id = ANY($1) AND u.suspended_at IS NULL`,
		parties, n.Kind, nullID(n.DocumentID), n.Link, n.Subject)
	return tag.RowsAffected(), err
}

// NotifyUsers tells the given users, inside the caller's transaction.
func NotifyUsers(ctx context.Context, tx pgx.Tx, users []int64, n NewNotification) error {
	if len(n.Link) == 0 || n.Link[0] != '/' {
		return fmt.Errorf("notification link %q is not a local path", n.Link)
	}
	_, err := tx.Exec(ctx, `INSERT INTO notifications (recipient_id, kind, document_id, link, subject)
		SELECT u.id, $2, $3, $4, $5 FROM users u WHERE u.id = ANY($1) AND u.suspended_at IS NULL`,
		users, n.Kind, nullID(n.DocumentID), n.Link, n.Subject)
	return err
}

// notifyComment tells, in one statement, the author of the comment replied
// to and the followers of the provision commented on, except the author
// of the new comment and anyone who may not read it (a confidential
// comment reaches only the secretariat and the party it is shared with).
func notifyComment(ctx context.Context, tx pgx.Tx, nc NewComment, id int64, key *string, scope negotiation.CommentScope, confidential int64) error {
	if nc.ParentID == 0 && key == nil {
		return nil
	}
	link := fmt.Sprintf("/documents/%d/comments/%d", nc.DocumentID, id)
	// The subject names nobody: whether a recipient may see who wrote the
	// comment is for the document's disclosure rules to say when it is
	// opened, through its permalink.
	_, err := tx.Exec(ctx, `WITH parent AS (SELECT author_id FROM comments WHERE id = $2),
	recipients AS (
		SELECT author_id AS user_id, 1 AS rank, $8 AS kind FROM parent
		UNION ALL
		SELECT f.user_id, 2, $9 FROM provision_follows f WHERE f.document_id = $1 AND f.provision_key = $4)
	INSERT INTO notifications (recipient_id, kind, document_id, link, subject)
	SELECT DISTINCT ON (r.user_id) r.user_id, r.kind, $1, $7, ''
	FROM recipients r JOIN users u ON u.id = r.user_id JOIN parties p ON p.id = u.party_id
	WHERE r.user_id <> $3 AND u.suspended_at IS NULL AND ($5 = 'public' OR p.kind = 'secretariat' OR p.id = $6)
	ORDER BY r.user_id, r.rank`,
		nc.DocumentID, nc.ParentID, nc.UserID, key, string(scope), confidential, link, NotifyReply, NotifyProvisionNote)
	return err
}

// NotificationPageSize is how many notifications one page holds.
const NotificationPageSize = 50

// Notifications returns a user's notifications, newest first, before the
// given id (0: the newest), and how many are unread.
func (s *Store) Notifications(ctx context.Context, userID, before int64) ([]Notification, int, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.kind, n.document_id, coalesce(d.symbol, ''), n.link, n.subject, n.created_at, n.read_at
		FROM notifications n LEFT JOIN documents d ON d.id = n.document_id
		WHERE n.recipient_id = $1 AND ($2 = 0 OR n.id < $2) ORDER BY n.id DESC LIMIT $3`, userID, before, NotificationPageSize)
	if err != nil {
		return nil, 0, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.Kind, &n.DocumentID, &n.Document, &n.Link, &n.Subject, &n.CreatedAt, &n.ReadAt)
		n.CreatedAt = n.CreatedAt.UTC()
		return n, err
	})
	if err != nil {
		return nil, 0, err
	}
	unread, err := s.UnreadNotifications(ctx, userID)
	return list, unread, err
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks one notification (id > 0) or all of a
// user's notifications read.
func (s *Store) MarkNotificationsRead(ctx context.Context, actor negotiation.Actor, userID, id int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL AND ($2 = 0 OR id = $2)`, userID, id)
		if err != nil {
			return err
		}
		if id != 0 && tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notifications WHERE id = $1 AND recipient_id = $2)`, id, userID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return negotiation.Errorf(negotiation.ENotFound, "notification %d not found", id)
			}
		}
		return audit(ctx, tx, actor, "notifications.read", "user", strconv.FormatInt(userID, 10), map[string]any{"id": id, "count": tag.RowsAffected()})
	})
}

// FollowProvision makes the user follow (or with follow false, stop
// following) a provision of a document by its key. The key must be one
// of the current version.
func (s *Store) FollowProvision(ctx context.Context, actor negotiation.Actor, userID, docID int64, key string, follow bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		found, err := inCurrentVersion(ctx, tx, docID, key)
		if err != nil {
			return err
		}
		if !found {
			return negotiation.Errorf(negotiation.EInvalid, "provision %q is not in the current version of this document", key)
		}
		action := "provision.follow"
		if follow {
			_, err = tx.Exec(ctx, `INSERT INTO provision_follows (user_id, document_id, provision_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				userID, docID, key)
		} else {
			action = "provision.unfollow"
			_, err = tx.Exec(ctx, `DELETE FROM provision_follows WHERE user_id = $1 AND document_id = $2 AND provision_key = $3`, userID, docID, key)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, action, "document", strconv.FormatInt(docID, 10), map[string]any{"key": key})
	})
}

// FollowedProvisions returns the keys of a document's provisions the user follows.
func (s *Store) FollowedProvisions(ctx context.Context, userID, docID int64) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT provision_key FROM provision_follows WHERE user_id = $1 AND document_id = $2`, userID, docID)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}
