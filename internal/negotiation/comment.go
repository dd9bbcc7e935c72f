package negotiation

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Comment limits, documented in docs/api.md.
const (
	MaxCommentBody   = 10000 // characters, after trimming
	MaxCommentDepth  = 5     // a top-level comment has depth 1
	MaxCommentReason = 1000  // characters of a report or moderation reason
)

// CommentScope says who may read a comment.
type CommentScope string

// Comment scopes: public (everyone who may read the document) or
// confidential to the secretariat (the secretariat and the party the
// thread is confidential to).
const (
	ScopePublic      CommentScope = "public"
	ScopeSecretariat CommentScope = "secretariat"
)

// CommentStatus is where a comment stands. Nothing is ever deleted: a
// hidden or withdrawn comment is shown as a tombstone.
type CommentStatus string

// Comment statuses.
const (
	CommentVisible   CommentStatus = "visible"
	CommentHidden    CommentStatus = "hidden"
	CommentWithdrawn CommentStatus = "withdrawn"
)

// CommentBody trims a comment's (or edit's) body and checks its length.
func CommentBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return "", Errorf(EInvalid, "the comment is empty; write at least one character")
	}
	if !utf8.ValidString(body) {
		return "", Errorf(EInvalid, "the comment is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(body); n > MaxCommentBody {
		return "", Errorf(ETooLarge, "the comment is %d characters long; the limit is %d", n, MaxCommentBody)
	}
	return body, nil
}

// ModerationReason trims and checks the reason for hiding, restoring or
// reporting a comment; required says whether it may be empty.
func ModerationReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" && required {
		return "", Errorf(EInvalid, "give a reason; it is shown with the comment and kept in the audit trail")
	}
	if n := utf8.RuneCountInString(reason); n > MaxCommentReason {
		return "", Errorf(EInvalid, "the reason is %d characters long; the limit is %d", n, MaxCommentReason)
	}
	return reason, nil
}

// ParseCommentScope reads a requested scope; "" means public.
func ParseCommentScope(s string) (CommentScope, error) {
	switch CommentScope(s) {
	case "", ScopePublic:
		return ScopePublic, nil
	case ScopeSecretariat:
		return ScopeSecretariat, nil
	}
	return "", Errorf(EInvalid, "scope %q: use \"public\" or \"secretariat\" (confidential to the secretariat)", s)
}

// CommentWindow is a document's comment window. A nil bound is open on
// that side; a document with neither bound takes comments whenever one may
// comment.
type CommentWindow struct {
	OpensAt  *time.Time `json:"opens_at"`
	ClosesAt *time.Time `json:"closes_at"`
}

// Validate checks that the window opens before it closes.
func (w CommentWindow) Validate() error {
	if w.OpensAt != nil && w.ClosesAt != nil && !w.OpensAt.Before(*w.ClosesAt) {
		return Errorf(EInvalid, "the window must open before it closes (opens %s, closes %s)", utc(*w.OpensAt), utc(*w.ClosesAt))
	}
	return nil
}

// Check refuses a comment made at now outside the window, naming the
// window in UTC. The window includes its opening instant and excludes its
// closing instant.
func (w CommentWindow) Check(now time.Time) error {
	if w.OpensAt != nil && now.Before(*w.OpensAt) {
		return Errorf(EForbidden, "comments on this document are accepted %s; the window opens at %s", w, utc(*w.OpensAt))
	}
	if w.ClosesAt != nil && !now.Before(*w.ClosesAt) {
		return Errorf(EForbidden, "comments on this document were accepted %s; the window closed at %s", w, utc(*w.ClosesAt))
	}
	return nil
}

// Extends tells whether w closes later than old (or no longer closes).
func (w CommentWindow) Extends(old CommentWindow) bool {
	if old.ClosesAt == nil {
		return false
	}
	return w.ClosesAt == nil || w.ClosesAt.After(*old.ClosesAt)
}

// String names the window in UTC, e.g. "from 2026-03-01 09:00:00 UTC to
// 2026-03-15 18:00:00 UTC".
func (w CommentWindow) String() string {
	switch {
	case w.OpensAt != nil && w.ClosesAt != nil:
		return "from " + utc(*w.OpensAt) + " to " + utc(*w.ClosesAt)
	case w.OpensAt != nil:
		return "from " + utc(*w.OpensAt)
	case w.ClosesAt != nil:
		return "until " + utc(*w.ClosesAt)
	}
	return "at any time"
}

func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// VisibleAuthorKinds lists the kinds of party whose comments dis shows v at
// now (the secretariat's comments count as members').
func VisibleAuthorKinds(dis Disclosure, v Viewer, now time.Time) []PartyKind {
	var out []PartyKind
	if dis.CanSee(v, ArtMemberComments, false, now) {
		out = append(out, PartySecretariat, PartyState, PartyGroup)
	}
	if dis.CanSee(v, ArtObserverComments, false, now) {
		out = append(out, PartyObserver)
	}
	return out
}

// CommentArtefact is the artefact that rules a comment by an author of the
// given party kind.
func CommentArtefact(author PartyKind) Artefact {
	if author == PartyObserver || author == "" {
		return ArtObserverComments
	}
	return ArtMemberComments
}

// CommentAccess is what the authorisation check needs to know of one
// comment.
type CommentAccess struct {
	ID       int64
	Document DocumentAccess
	AuthorID int64
	Scope    CommentScope
	// ConfidentialParty is the party a confidential comment is shared
	// with besides the secretariat.
	ConfidentialParty int64
	Status            CommentStatus
	// AuthorParty and AuthorKind are the author's party and its kind: the
	// document's rules show comments by author kind.
	AuthorParty int64
	AuthorKind  PartyKind
}

// VisibleTo tells whether v may read the comment at all (its document
// being readable): public comments to all, confidential ones to the
// secretariat and the party they are confidential to.
func (c CommentAccess) VisibleTo(v Viewer) bool {
	return c.Scope != ScopeSecretariat || v.isSecretariat() || (v.PartyID != 0 && v.PartyID == c.ConfidentialParty)
}

// AuthorizeComment is AuthorizeDocument for an action on one comment: the
// document-level decision first, then the comment's own rules. A comment
// the viewer may not see answers "not found"; only its author edits or
// withdraws it, and nobody reports their own comment.
func AuthorizeComment(v Viewer, action Action, c CommentAccess, now time.Time) error {
	if err := AuthorizeDocument(v, ReadDocuments, c.Document, now); err != nil {
		return err
	}
	if !c.VisibleTo(v) || !c.Document.Disclosure.CanSee(v, CommentArtefact(c.AuthorKind), v.Owns(c.AuthorParty) || v.Owns(c.ConfidentialParty), now) {
		return Errorf(ENotFound, "comment %d not found", c.ID)
	}
	if err := AuthorizeDocument(v, action, c.Document, now); err != nil {
		return err
	}
	switch action {
	case EditComment, WithdrawComment:
		if v.UserID != c.AuthorID {
			return Errorf(EForbidden, "only the author may change or withdraw a comment")
		}
	case ReportComment:
		if v.UserID == c.AuthorID {
			return Errorf(EForbidden, "you cannot report your own comment; withdraw or edit it instead")
		}
	}
	return nil
}

// Tombstone is the text shown instead of a hidden or withdrawn comment's
// body; "" for a visible one. by is who changed the status: "secretariat",
// "reports" or "author".
func Tombstone(status CommentStatus, by, reason string, at time.Time) string {
	when := at.UTC().Format("2006-01-02 15:04 UTC")
	switch {
	case status == CommentWithdrawn:
		return "withdrawn by its author on " + when
	case status == CommentHidden && by == "reports":
		return "hidden on " + when + " pending review by the secretariat: " + reason
	case status == CommentHidden:
		return "hidden by the secretariat on " + when + ": " + reason
	}
	return ""
}
