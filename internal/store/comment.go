package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// CommentPageSize is how many comments one page of a thread holds.
const CommentPageSize = 20

// NewComment is a comment as submitted, with who submits it.
type NewComment struct {
	DocumentID int64
	Key        string // provision key, or ""
	ProposalID int64  // or 0
	ParentID   int64  // 0 for a top-level comment
	Body       string // trimmed and checked by negotiation.CommentBody
	// Scope "" means public, or for a reply the scope of its thread.
	Scope   negotiation.CommentScope
	UserID  int64
	PartyID int64
	// Secretariat: the author acts for the secretariat, which sees every
	// confidential comment and may comment outside the window.
	Secretariat bool
	// At is the time the comment is made, judged against the window.
	At time.Time
	// Attachments are checked files (attachment.Detect) stored with the
	// comment in its transaction.
	Attachments []NewAttachment
}

// CreateComment stores a comment or reply in one transaction with its
// live-update event and audit event. The document row is share-locked so
// that the window cannot change between the check and the insert, while
// many comments go in side by side.
func (s *Store) CreateComment(ctx context.Context, actor negotiation.Actor, nc NewComment) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var w negotiation.CommentWindow
		err := tx.QueryRow(ctx, `SELECT comments_open_at, comments_close_at FROM documents WHERE id = $1 FOR SHARE`,
			nc.DocumentID).Scan(&w.OpensAt, &w.ClosesAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "document %d not found", nc.DocumentID)
		}
		if err != nil {
			return err
		}
		if !nc.Secretariat {
			if err := w.Check(nc.At); err != nil {
				return err
			}
		}
		var current int
		var label string
		err = tx.QueryRow(ctx, `SELECT number, label FROM versions WHERE document_id = $1 ORDER BY number DESC LIMIT 1`,
			nc.DocumentID).Scan(&current, &label)
		if err != nil {
			return err
		}
		scope, confidential, depth := nc.Scope, int64(0), 1
		var key *string
		var proposal *int64
		if nc.ParentID != 0 {
			p, err := replyParent(ctx, tx, nc)
			if err != nil {
				return err
			}
			depth = p.depth + 1
			key, proposal = p.key, p.proposal
			switch {
			case p.scope == negotiation.ScopeSecretariat && scope == negotiation.ScopePublic:
				return negotiation.Errorf(negotiation.EInvalid, "comment %d is confidential to the secretariat; a reply to it cannot be public", nc.ParentID)
			case p.scope == negotiation.ScopeSecretariat:
				scope, confidential = negotiation.ScopeSecretariat, p.confidential
			}
		}
		if scope == "" {
			scope = negotiation.ScopePublic
		}
		if scope == negotiation.ScopeSecretariat && confidential == 0 {
			confidential = nc.PartyID
		}
		if nc.ParentID == 0 && nc.Key != "" {
			var found bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provisions WHERE document_id = $1 AND version_number = $2 AND key = $3)`,
				nc.DocumentID, current, nc.Key).Scan(&found); err != nil {
				return err
			}
			if !found {
				return negotiation.Errorf(negotiation.EInvalid, "provision %q is not in the current version (%s); comment on a provision of the current text", nc.Key, label)
			}
			key = &nc.Key
		}
		if nc.ParentID == 0 && nc.ProposalID != 0 {
			var found bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM proposals WHERE id = $1 AND document_id = $2 AND (status <> 'draft' OR party_id = $3))`,
				nc.ProposalID, nc.DocumentID, nc.PartyID).Scan(&found); err != nil {
				return err
			}
			if !found {
				return negotiation.Errorf(negotiation.EInvalid, "proposal %d is not a proposal on this document", nc.ProposalID)
			}
			proposal = &nc.ProposalID
		}
		var campaign *string
		if nc.ParentID == 0 {
			k := negotiation.CampaignKey(anchorName(key, proposal), nc.Body)
			campaign = &k
		}
		err = tx.QueryRow(ctx, `INSERT INTO comments (document_id, parent_id, depth, provision_key, proposal_id, version_number,
			body, scope, confidential_party, author_id, party_id, campaign_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			nc.DocumentID, nullID(nc.ParentID), depth, key, proposal, current, nc.Body, string(scope), nullID(confidential),
			nc.UserID, nc.PartyID, campaign).Scan(&id)
		if err != nil {
			return err
		}
		if err := insertAttachments(ctx, tx, id, nc.Attachments); err != nil {
			return err
		}
		if err := notifyComment(ctx, tx, nc, id, key, scope, confidential); err != nil {
			return err
		}
		if err := commentEvent(ctx, tx, nc.DocumentID, id, scope, confidential); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "comment.create", "comment", strconv.FormatInt(id, 10), map[string]any{
			"document_id": nc.DocumentID, "parent_id": nc.ParentID, "key": key, "proposal_id": proposal, "scope": scope, "version": current,
			"attachments": attachmentNames(nc.Attachments)})
	})
	return id, err
}

// anchorName names what a top-level comment is on, for campaign keys.
func anchorName(key *string, proposal *int64) string {
	switch {
	case key != nil:
		return "key:" + *key
	case proposal != nil:
		return "proposal:" + strconv.FormatInt(*proposal, 10)
	}
	return "doc"
}

type parentComment struct {
	depth        int
	key          *string
	proposal     *int64
	scope        negotiation.CommentScope
	confidential int64
}

// replyParent reads and share-locks the comment replied to, refusing one
// of another document, one the author may not see, a hidden or withdrawn
// one, and one at the maximum depth.
func replyParent(ctx context.Context, tx pgx.Tx, nc NewComment) (parentComment, error) {
	var p parentComment
	var doc int64
	var status negotiation.CommentStatus
	var confidential *int64
	err := tx.QueryRow(ctx, `SELECT document_id, depth, provision_key, proposal_id, scope, confidential_party, status
		FROM comments WHERE id = $1 FOR SHARE`, nc.ParentID).Scan(&doc, &p.depth, &p.key, &p.proposal, &p.scope, &confidential, &status)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return p, err
	}
	if confidential != nil {
		p.confidential = *confidential
	}
	visible := p.scope != negotiation.ScopeSecretariat || nc.Secretariat || p.confidential == nc.PartyID
	if errors.Is(err, pgx.ErrNoRows) || doc != nc.DocumentID || !visible {
		return p, negotiation.Errorf(negotiation.EInvalid, "comment %d is not a comment on this document; a reply goes in the thread of the same document", nc.ParentID)
	}
	switch status {
	case negotiation.CommentHidden:
		return p, negotiation.Errorf(negotiation.EInvalid, "comment %d is hidden by the secretariat and takes no replies; its existing replies stay readable", nc.ParentID)
	case negotiation.CommentWithdrawn:
		return p, negotiation.Errorf(negotiation.EInvalid, "comment %d was withdrawn by its author and takes no replies", nc.ParentID)
	}
	if p.depth >= negotiation.MaxCommentDepth {
		return p, negotiation.Errorf(negotiation.EInvalid, "replies go at most %d levels deep; reply to an earlier comment of this thread instead", negotiation.MaxCommentDepth)
	}
	return p, nil
}

// commentEvent writes the live-update rows of a change to a comment: one
// public row for a public comment; for a confidential one, a private row
// for the party it is confidential to and one for each secretariat party,
// so that nobody else is told it exists.
func commentEvent(ctx context.Context, tx pgx.Tx, docID, id int64, scope negotiation.CommentScope, confidential int64) error {
	if scope != negotiation.ScopeSecretariat {
		return event(ctx, tx, docID, "comment", id, 0, false)
	}
	if err := event(ctx, tx, docID, "comment", id, confidential, true); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id FROM parties WHERE kind = 'secretariat' AND id <> $1`, confidential)
	if err != nil {
		return err
	}
	parties, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, p := range parties {
		if err := event(ctx, tx, docID, "comment", id, p, true); err != nil {
			return err
		}
	}
	return nil
}

// CommentAccess returns what the authorisation check needs to know of a
// comment and its document.
func (s *Store) CommentAccess(ctx context.Context, id int64) (negotiation.CommentAccess, error) {
	c := negotiation.CommentAccess{ID: id}
	var confidential *int64
	err := s.pool.QueryRow(ctx, `SELECT c.document_id, d.suggestions_open, d.disclosure, c.author_id, c.party_id, c.author_kind,
		c.scope, c.confidential_party, c.status
		, ad.adopted_at, ad.public_from
		FROM comments c JOIN documents d ON d.id = c.document_id LEFT JOIN adoptions ad ON ad.document_id = d.id WHERE c.id = $1`, id).Scan(
		&c.Document.ID, &c.Document.ObserversConsulted, &c.Document.Disclosure.Policy, &c.AuthorID, &c.AuthorParty, &c.AuthorKind,
		&c.Scope, &confidential, &c.Status, &c.Document.Disclosure.AdoptedAt, &c.Document.Disclosure.FinalFrom)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, negotiation.Errorf(negotiation.ENotFound, "comment %d not found", id)
	}
	if confidential != nil {
		c.ConfidentialParty = *confidential
	}
	return c, err
}

// lockedComment is a comment row locked for a change, with its document's
// window and report threshold.
type lockedComment struct {
	doc          int64
	author       int64
	body         string
	status       negotiation.CommentStatus
	scope        negotiation.CommentScope
	confidential int64
	reviewed     bool
	reports      int
	threshold    int
	window       negotiation.CommentWindow
}

func lockComment(ctx context.Context, tx pgx.Tx, id int64) (lockedComment, error) {
	var c lockedComment
	var confidential *int64
	err := tx.QueryRow(ctx, `SELECT c.document_id, c.author_id, c.body, c.status, c.scope, c.confidential_party, c.reviewed,
		c.report_count, d.comment_report_threshold, d.comments_open_at, d.comments_close_at
		FROM comments c JOIN documents d ON d.id = c.document_id WHERE c.id = $1 FOR UPDATE OF c`, id).Scan(
		&c.doc, &c.author, &c.body, &c.status, &c.scope, &confidential, &c.reviewed, &c.reports, &c.threshold,
		&c.window.OpensAt, &c.window.ClosesAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, negotiation.Errorf(negotiation.ENotFound, "comment %d not found", id)
	}
	if confidential != nil {
		c.confidential = *confidential
	}
	return c, err
}

// notVisible explains why a hidden or withdrawn comment cannot be changed.
func notVisible(id int64, status negotiation.CommentStatus, what string) error {
	return negotiation.Errorf(negotiation.EConflict, "comment %d is %s; it can no longer be %s", id, status, what)
}

// EditComment replaces the body of the author's own visible comment,
// keeping the previous body in the comment's history. Outside the window
// only the secretariat edits.
func (s *Store) EditComment(ctx context.Context, actor negotiation.Actor, id, userID int64, body string, secretariat bool, at time.Time) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockComment(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.author != userID {
			return negotiation.Errorf(negotiation.EForbidden, "only the author may edit a comment")
		}
		if c.status != negotiation.CommentVisible {
			return notVisible(id, c.status, "edited")
		}
		if !secretariat {
			if err := c.window.Check(at); err != nil {
				return err
			}
		}
		if body == c.body {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comment_edits (comment_id, body, edited_by) VALUES ($1, $2, $3)`, id, c.body, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = $2, edited_at = now() WHERE id = $1`, id, body); err != nil {
			return err
		}
		if err := commentEvent(ctx, tx, c.doc, id, c.scope, c.confidential); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "comment.edit", "comment", strconv.FormatInt(id, 10), map[string]any{"document_id": c.doc})
	})
}

// CommentEdit is one earlier body of an edited comment.
type CommentEdit struct {
	Body     string    `json:"body"`
	EditedAt time.Time `json:"edited_at"` // when it was replaced
}

// CommentHistory returns the earlier bodies of a comment, oldest first.
func (s *Store) CommentHistory(ctx context.Context, id int64) ([]CommentEdit, error) {
	rows, err := s.pool.Query(ctx, `SELECT body, edited_at FROM comment_edits WHERE comment_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CommentEdit, error) {
		var e CommentEdit
		err := r.Scan(&e.Body, &e.EditedAt)
		e.EditedAt = e.EditedAt.UTC()
		return e, err
	})
}

// WithdrawComment lets the author withdraw their own visible comment; it
// stays in the thread as a tombstone and its replies stay readable.
func (s *Store) WithdrawComment(ctx context.Context, actor negotiation.Actor, id, userID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockComment(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.author != userID {
			return negotiation.Errorf(negotiation.EForbidden, "only the author may withdraw a comment")
		}
		if c.status != negotiation.CommentVisible {
			return notVisible(id, c.status, "withdrawn")
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET status = 'withdrawn', status_by = 'author', status_reason = '', status_at = now()
			WHERE id = $1`, id); err != nil {
			return err
		}
		if err := commentEvent(ctx, tx, c.doc, id, c.scope, c.confidential); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "comment.withdraw", "comment", strconv.FormatInt(id, 10), map[string]any{"document_id": c.doc})
	})
}

// ReportComment records one user's report of a visible comment. The
// report that reaches the document's threshold hides the comment pending
// review, unless the secretariat has already reviewed and restored it.
// It tells whether the comment is now hidden.
func (s *Store) ReportComment(ctx context.Context, actor negotiation.Actor, id, userID int64, reason string) (bool, error) {
	var hidden bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockComment(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.author == userID {
			return negotiation.Errorf(negotiation.EForbidden, "you cannot report your own comment; withdraw or edit it instead")
		}
		if c.status != negotiation.CommentVisible {
			return notVisible(id, c.status, "reported")
		}
		_, err = tx.Exec(ctx, `INSERT INTO comment_reports (comment_id, user_id, reason) VALUES ($1, $2, $3)`, id, userID, reason)
		if isUniqueViolation(err, "comment_reports_pkey") {
			return negotiation.Errorf(negotiation.EConflict, "you have already reported comment %d; the secretariat counts each person once", id)
		}
		if err != nil {
			return err
		}
		c.reports++
		hidden = c.reports >= c.threshold && !c.reviewed
		if hidden {
			_, err = tx.Exec(ctx, `UPDATE comments SET report_count = $2, status = 'hidden', status_by = 'reports',
				status_reason = $3, status_at = now() WHERE id = $1`, id, c.reports, fmt.Sprintf("%d reports", c.reports))
		} else {
			_, err = tx.Exec(ctx, `UPDATE comments SET report_count = $2 WHERE id = $1`, id, c.reports)
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, "comment.report", "comment", strconv.FormatInt(id, 10),
			map[string]any{"document_id": c.doc, "reason": reason, "reports": c.reports}); err != nil {
			return err
		}
		if !hidden {
			return nil
		}
		if err := commentEvent(ctx, tx, c.doc, id, c.scope, c.confidential); err != nil {
			return err
		}
		return audit(ctx, tx, negotiation.Actor{Name: "reports"}, "comment.hide", "comment", strconv.FormatInt(id, 10),
			map[string]any{"document_id": c.doc, "by": "reports", "reports": c.reports, "threshold": c.threshold})
	})
	return hidden, err
}

// ModerateComment hides a visible comment, or restores a hidden one, with
// the secretariat's reason. A restored comment counts as reviewed: further
// reports no longer hide it by themselves.
func (s *Store) ModerateComment(ctx context.Context, actor negotiation.Actor, id int64, hide bool, reason string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockComment(ctx, tx, id)
		if err != nil {
			return err
		}
		action := "comment.restore"
		if hide {
			action = "comment.hide"
			if c.status != negotiation.CommentVisible {
				return notVisible(id, c.status, "hidden")
			}
			_, err = tx.Exec(ctx, `UPDATE comments SET status = 'hidden', status_by = 'secretariat', status_reason = $2,
				status_at = now() WHERE id = $1`, id, reason)
		} else {
			if c.status != negotiation.CommentHidden {
				return negotiation.Errorf(negotiation.EConflict, "comment %d is %s; only a hidden comment can be restored", id, c.status)
			}
			_, err = tx.Exec(ctx, `UPDATE comments SET status = 'visible', status_by = 'secretariat', status_reason = $2,
				status_at = now(), reviewed = true WHERE id = $1`, id, reason)
		}
		if err != nil {
			return err
		}
		if err := commentEvent(ctx, tx, c.doc, id, c.scope, c.confidential); err != nil {
			return err
		}
		return audit(ctx, tx, actor, action, "comment", strconv.FormatInt(id, 10),
			map[string]any{"document_id": c.doc, "by": "secretariat", "reason": reason})
	})
}

// SetCommentWindow sets (or with both bounds nil, removes) a document's
// comment window. A window that now closes later than before is recorded
// in the audit trail as an extension, with the previous window.
func (s *Store) SetCommentWindow(ctx context.Context, actor negotiation.Actor, docID int64, w negotiation.CommentWindow) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var old negotiation.CommentWindow
		err := tx.QueryRow(ctx, `SELECT comments_open_at, comments_close_at FROM documents WHERE id = $1 FOR UPDATE`, docID).
			Scan(&old.OpensAt, &old.ClosesAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET comments_open_at = $2, comments_close_at = $3 WHERE id = $1`,
			docID, w.OpensAt, w.ClosesAt); err != nil {
			return err
		}
		action := "comments.window"
		if w.Extends(old) {
			action = "comments.window.extend"
		}
		return audit(ctx, tx, actor, action, "document", strconv.FormatInt(docID, 10), map[string]any{
			"opens_at": w.OpensAt, "closes_at": w.ClosesAt, "previous_opens_at": old.OpensAt, "previous_closes_at": old.ClosesAt})
	})
}

// CommentWindow returns a document's comment window.
func (s *Store) CommentWindow(ctx context.Context, docID int64) (negotiation.CommentWindow, error) {
	var w negotiation.CommentWindow
	err := s.pool.QueryRow(ctx, `SELECT comments_open_at, comments_close_at FROM documents WHERE id = $1`, docID).Scan(&w.OpensAt, &w.ClosesAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
	}
	return w, err
}

// SetCommentReportThreshold sets how many reports hide a comment of the
// document pending review.
func (s *Store) SetCommentReportThreshold(ctx context.Context, actor negotiation.Actor, docID int64, n int) error {
	if n < 1 {
		return negotiation.Errorf(negotiation.EInvalid, "the report threshold must be at least 1")
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE documents SET comment_report_threshold = $2 WHERE id = $1`, docID, n); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "comments.report_threshold", "document", strconv.FormatInt(docID, 10), map[string]any{"threshold": n})
	})
}

// Comment is a comment as a viewer sees it in a thread. A hidden or
// withdrawn comment carries a tombstone instead of its body (the
// secretariat, which reviews, gets both).
type Comment struct {
	ID     int64   `json:"id"`
	Parent *int64  `json:"parent"`
	Key    *string `json:"key"`
	// Number is the provision's display number in the current version.
	Number       string `json:"number,omitempty"`
	Version      int    `json:"version"`       // the version commented on
	VersionLabel string `json:"version_label"` // its label, e.g. "Rev.1"
	// TextChanged: the provision's text in the current version differs
	// from the version commented on (the thread says "on Rev.1").
	TextChanged bool                      `json:"text_changed"`
	Proposal    *int64                    `json:"proposal"`
	Author      string                    `json:"author"`
	Party       string                    `json:"party"`
	Scope       negotiation.CommentScope  `json:"scope"`
	CreatedAt   time.Time                 `json:"created_at"`
	Edited      bool                      `json:"edited"`
	EditedAt    *time.Time                `json:"edited_at,omitempty"`
	ReplyCount  int                       `json:"reply_count"`
	Status      negotiation.CommentStatus `json:"status"`
	Body        string                    `json:"body,omitempty"`
	Tombstone   string                    `json:"tombstone,omitempty"`
	Reports     int                       `json:"reports,omitempty"` // shown to the secretariat only
	Depth       int                       `json:"depth"`             // 1 for a top-level comment
	AuthorID    int64                     `json:"-"`                 // for the page's "withdraw" and "report" forms
	// Campaign: this comment stands for a group of identical or
	// near-identical submissions (it is the first of them); nil otherwise.
	Campaign    *Campaign        `json:"campaign,omitempty"`
	Attachments []AttachmentInfo `json:"attachments,omitempty"`
}

// Campaign is a group of top-level comments on the same anchor with the
// same normalised text: how many there are (the shown one included) and
// who submitted them, first CampaignSignatories in order of submission.
type Campaign struct {
	Count       int         `json:"count"`
	Signatories []Signatory `json:"signatories"`
}

// Signatory is one submitter of a campaign's text.
type Signatory struct {
	CommentID int64     `json:"comment"`
	Author    string    `json:"author"`
	Party     string    `json:"party"`
	At        time.Time `json:"created_at"`
}

// CampaignSignatories bounds the signatories listed with a thread page;
// GET /api/v1/comments/{cid}/signatories lists them all.
const CampaignSignatories = 100

// CommentCounts counts the comments of a document the viewer may see,
// replies included, by status.
type CommentCounts struct {
	Visible   int `json:"visible"`
	Hidden    int `json:"hidden"`
	Withdrawn int `json:"withdrawn"`
}

// CommentCursor is the position after which the next page starts.
type CommentCursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

// CommentQuery asks for one page of a thread.
type CommentQuery struct {
	DocumentID int64
	ParentID   int64 // 0: top-level comments; else the replies of this comment
	After      *CommentCursor
	Limit      int // default and maximum CommentPageSize
	CommentViewer
	// Key: only the thread on this provision (top level); counts then
	// count that thread.
	Key string
	// Only: just this one comment (a permalink), if the viewer may see it.
	Only int64
}

// CommentViewer is who reads comments: the secretariat sees every comment;
// a party the public ones whose author's kind the document's disclosure
// rules show it (AuthorKinds), its own, and those confidential to it.
type CommentViewer struct {
	ViewerParty int64
	Secretariat bool
	AuthorKinds []negotiation.PartyKind
}

// seenBy is the condition, on comments aliased a, that the viewer ($2
// secretariat, $3 party) may see the comment: public ones whose author's
// kind the document's rules show ($10), its own party's, and those
// confidential to it.
func seenBy(a, kinds string) string {
	return strings.NewReplacer("a.", a+".", "$10", kinds).Replace(
		`(($2 OR a.scope = 'public' OR a.confidential_party = $3) AND ($2 OR a.party_id = $3 OR a.confidential_party = $3 OR a.author_kind = ANY ($10::text[])))`)
}

var seenByC, seenByE, seenByR = seenBy("c", "$10"), seenBy("e", "$10"), seenBy("r", "$10")

func authorKinds(kinds []negotiation.PartyKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// CommentPage is one page of a thread, with the cursor of the next page
// (nil on the last) and the document's counts.
type CommentPage struct {
	Comments []Comment
	Next     *CommentCursor
	Counts   CommentCounts
}

// Comments returns one page of a thread in one query: the page's rows, each
// with its reply count (a correlated count on the parent index, not one
// query per comment), and the document's counts by status.
func (s *Store) Comments(ctx context.Context, q CommentQuery) (CommentPage, error) {
	if q.Limit <= 0 || q.Limit > CommentPageSize {
		q.Limit = CommentPageSize
	}
	var afterAt *time.Time
	var afterID int64
	if q.After != nil {
		afterAt, afterID = &q.After.At, q.After.ID
	}
	rows, err := s.pool.Query(ctx, commentPageQuery,
		q.DocumentID, q.Secretariat, q.ViewerParty, q.ParentID, afterAt, afterID, q.Limit+1, q.Key, q.Only, authorKinds(q.AuthorKinds))
	if err != nil {
		return CommentPage{}, err
	}
	defer rows.Close()
	page := CommentPage{Comments: []Comment{}}
	for rows.Next() {
		var c Comment
		var id *int64
		var version *int
		var label, author, party, scope, status, by, reason, body *string
		var createdAt *time.Time
		var statusAt *time.Time
		var reports *int
		var campaign *int
		var signatories []Signatory
		var attachments []AttachmentInfo
		err := rows.Scan(&page.Counts.Visible, &page.Counts.Hidden, &page.Counts.Withdrawn, &id, &c.Parent, &c.Key, &version, &label,
			&c.Proposal, &author, &party, &scope, &createdAt, &c.EditedAt, &status, &by, &reason, &statusAt, &body, &reports,
			&c.ReplyCount, &c.Number, &c.TextChanged, &c.Depth, &campaign, &signatories, &attachments, &c.AuthorID)
		if err != nil {
			return page, err
		}
		if id == nil { // no comment on this page: only the counts
			continue
		}
		c.ID, c.Version, c.VersionLabel, c.Author, c.Party = *id, *version, *label, *author, *party
		c.Scope, c.Status, c.CreatedAt = negotiation.CommentScope(*scope), negotiation.CommentStatus(*status), createdAt.UTC()
		c.Edited = c.EditedAt != nil
		if c.Edited {
			t := c.EditedAt.UTC()
			c.EditedAt = &t
		}
		if c.Status == negotiation.CommentVisible || q.Secretariat {
			c.Body = *body
		}
		if c.Status != negotiation.CommentVisible {
			c.Tombstone = negotiation.Tombstone(c.Status, deref(by), deref(reason), *statusAt)
		}
		if q.Secretariat {
			c.Reports = *reports
		}
		if campaign != nil && *campaign > 1 {
			c.Campaign = &Campaign{Count: *campaign, Signatories: signatories}
		}
		if c.Status == negotiation.CommentVisible || q.Secretariat {
			c.Attachments = attachments
		}
		page.Comments = append(page.Comments, c)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if q.Only != 0 {
		return page, nil
	}
	if len(page.Comments) > q.Limit {
		page.Comments = page.Comments[:q.Limit]
		last := page.Comments[q.Limit-1]
		page.Next = &CommentCursor{At: last.CreatedAt, ID: last.ID}
	}
	return page, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// commentPageQuery reads one page of a thread, in one statement: the
// document's (or the provision thread's) counts by status, the page's
// comments with their reply counts, the provision's current number and
// whether its text changed since, the campaign each stands for, and their
// attachments. A campaign is shown at its first visible submission; the
// later ones are left out of the page and counted with it.
//
// $1 document, $2 secretariat, $3 viewer's party, $4 parent (0: top level),
// $5/$6 cursor, $7 limit, $8 provision key (” for all), $9 one comment (0: a page),
// $10 the author kinds the rules show the viewer. Names and parties come
// through comments_seen, which blanks them where the rules name no authors.
var commentPageQuery = `WITH
	latest AS (SELECT max(number) AS n FROM versions WHERE document_id = $1),
	counts AS (SELECT count(*) FILTER (WHERE status = 'visible') AS visible, count(*) FILTER (WHERE status = 'hidden') AS hidden,
		count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn
		FROM comments c WHERE document_id = $1 AND ` + seenByC + `
		AND ($8::text = '' OR provision_key = $8)),
	page AS (SELECT * FROM comments_seen c
		WHERE c.document_id = $1 AND ` + seenByC + `
		AND CASE WHEN $9::bigint <> 0 THEN c.id = $9
			WHEN $4::bigint = 0 THEN c.parent_id IS NULL AND ($8 = '' OR c.provision_key = $8)
			ELSE c.parent_id = $4 END
		AND ($9 <> 0 OR c.campaign_key IS NULL OR c.status <> 'visible' OR NOT EXISTS (SELECT 1 FROM comments e
			WHERE e.document_id = c.document_id AND e.campaign_key = c.campaign_key AND e.status = 'visible'
			AND ` + seenByE + ` AND (e.created_at, e.id) < (c.created_at, c.id)))
		AND ($5::timestamptz IS NULL OR (c.created_at, c.id) > ($5, $6))
		ORDER BY c.created_at, c.id LIMIT $7)
	SELECT n.visible, n.hidden, n.withdrawn, p.id, p.parent_id, p.provision_key, p.version_number, v.label, p.proposal_id,
		coalesce(u.name, ''), coalesce(pa.code, ''), p.scope, p.created_at, p.edited_at, p.status, p.status_by, p.status_reason, p.status_at, p.body, p.report_count,
		(SELECT count(*) FROM comments r WHERE r.parent_id = p.id AND ` + seenByR + `),
		coalesce(cur.number, ''), coalesce(cur.text IS DISTINCT FROM old.text AND p.version_number <> l.n, false), coalesce(p.depth, 0),
		camp.n, coalesce(camp_who.who, '[]'), coalesce(att.list, '[]'), coalesce(p.author_id, 0)
	FROM counts n CROSS JOIN latest l LEFT JOIN page p ON true
	LEFT JOIN users u ON u.id = p.author_id
	LEFT JOIN parties pa ON pa.id = p.party_id
	LEFT JOIN versions v ON v.document_id = p.document_id AND v.number = p.version_number
	LEFT JOIN provisions cur ON cur.document_id = p.document_id AND cur.version_number = l.n AND cur.key = p.provision_key
	LEFT JOIN provisions old ON old.document_id = p.document_id AND old.version_number = p.version_number AND old.key = p.provision_key
	LEFT JOIN LATERAL (SELECT count(*) AS n FROM comments e
		WHERE p.campaign_key IS NOT NULL AND p.status = 'visible' AND e.document_id = p.document_id
		AND e.campaign_key = p.campaign_key AND e.status = 'visible' AND ` + seenByE + `) camp ON true
	LEFT JOIN LATERAL (SELECT jsonb_agg(jsonb_build_object('comment', s.id, 'author', s.name, 'party', s.code, 'created_at', s.created_at)
			ORDER BY s.created_at, s.id) AS who
		FROM (SELECT e.id, e.created_at, coalesce(su.name, '') AS name, coalesce(sp.code, '') AS code FROM comments_seen e
			LEFT JOIN users su ON su.id = e.author_id LEFT JOIN parties sp ON sp.id = e.party_id
			WHERE camp.n > 1 AND e.document_id = p.document_id AND e.campaign_key = p.campaign_key AND e.status = 'visible'
			AND ` + seenByE + ` ORDER BY e.created_at, e.id LIMIT ` + "100" + `) s) camp_who ON true
	LEFT JOIN LATERAL (SELECT jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name, 'content_type', a.content_type, 'size', a.size) ORDER BY a.id) AS list
		FROM comment_attachments a WHERE a.comment_id = p.id) att ON true
	ORDER BY p.created_at, p.id`

// CampaignSignatories lists, in order of submission, everyone whose
// visible top-level comment has the same campaign key as comment id and
// is visible to the viewer; a comment outside any campaign lists itself.
func (s *Store) CampaignSignatories(ctx context.Context, id int64, cv CommentViewer) ([]Signatory, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, coalesce(u.name, ''), coalesce(p.code, ''), e.created_at FROM comments c
		JOIN comments_seen e ON e.document_id = c.document_id AND (e.id = c.id OR (e.campaign_key = c.campaign_key AND e.status = 'visible'))
		LEFT JOIN users u ON u.id = e.author_id LEFT JOIN parties p ON p.id = e.party_id
		WHERE c.id = $1 AND `+seenBy("e", "$4")+`
		ORDER BY e.created_at, e.id`, id, cv.Secretariat, cv.ViewerParty, authorKinds(cv.AuthorKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Signatory, error) {
		var sg Signatory
		err := r.Scan(&sg.CommentID, &sg.Author, &sg.Party, &sg.At)
		sg.At = sg.At.UTC()
		return sg, err
	})
}

// ProvisionCommentCounts counts, per provision key, the visible comments
// (replies included) of a document's provision threads that the viewer
// may see.
func (s *Store) ProvisionCommentCounts(ctx context.Context, docID int64, cv CommentViewer) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT provision_key, count(*) FROM comments c
		WHERE document_id = $1 AND provision_key IS NOT NULL AND status = 'visible' AND `+seenBy("c", "$4")+`
		GROUP BY provision_key`, docID, cv.Secretariat, cv.ViewerParty, authorKinds(cv.AuthorKinds))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// FeedSize is how many of the newest comments a document's feed holds.
const FeedSize = 50

// RecentComments returns a document's newest comments, replies included,
// that the viewer may see, newest first, with tombstones in place of the
// bodies of hidden and withdrawn ones (for the secretariat too: a feed
// leaves the document's pages).
func (s *Store) RecentComments(ctx context.Context, docID int64, cv CommentViewer) ([]Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.parent_id, c.provision_key, c.proposal_id, coalesce(u.name, ''), coalesce(pa.code, ''), c.scope, c.created_at,
		c.edited_at, c.status, coalesce(c.status_by, ''), c.status_reason, c.status_at, c.body
		FROM comments_seen c LEFT JOIN users u ON u.id = c.author_id LEFT JOIN parties pa ON pa.id = c.party_id
		WHERE c.document_id = $1 AND `+seenBy("c", "$5")+`
		ORDER BY c.created_at DESC, c.id DESC LIMIT $4`, docID, cv.Secretariat, cv.ViewerParty, FeedSize, authorKinds(cv.AuthorKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Comment, error) {
		var c Comment
		var by, reason string
		var statusAt *time.Time
		err := r.Scan(&c.ID, &c.Parent, &c.Key, &c.Proposal, &c.Author, &c.Party, &c.Scope, &c.CreatedAt, &c.EditedAt,
			&c.Status, &by, &reason, &statusAt, &c.Body)
		c.CreatedAt, c.Edited = c.CreatedAt.UTC(), c.EditedAt != nil
		if c.Status != negotiation.CommentVisible && statusAt != nil {
			c.Body, c.Tombstone = "", negotiation.Tombstone(c.Status, by, reason, *statusAt)
		}
		return c, err
	})
}
