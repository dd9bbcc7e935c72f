package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Closing a negotiation: silence procedures, adoption, explanations of
// position. Every closing write locks the document row first (FOR UPDATE),
// then the silence row, so concurrent starts, breaks, returns and
// adoptions (by the secretariat or by the job at a deadline, in any
// process) take turns and never deadlock; the unique constraint on
// adoptions.document_id is the last guard against a second adoption.

// silenceActor names the silence procedure in the audit trail when it
// adopts a text by itself at the deadline.
var silenceActor = negotiation.Actor{Name: "silence procedure"}

// lockDocument locks the document row for a closing write and returns its
// symbol, title and latest version number.
func lockDocument(ctx context.Context, tx pgx.Tx, docID int64) (symbol, title string, latest int, err error) {
	// The lock in a statement of its own: one that waited for it would
	// read the versions as they were before the wait (see CreateProposal).
	if _, err := tx.Exec(ctx, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, docID); err != nil {
		return "", "", 0, err
	}
	err = tx.QueryRow(ctx, `SELECT d.symbol, d.title, (SELECT max(number) FROM versions WHERE document_id = d.id)
		FROM documents d WHERE d.id = $1`, docID).Scan(&symbol, &title, &latest)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", 0, negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
	}
	return symbol, title, latest, err
}

// checkNotAdopted refuses a closing step on a document adopted already.
func checkNotAdopted(ctx context.Context, tx pgx.Tx, docID int64) error {
	var number int
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT version_number, adopted_at FROM adoptions WHERE document_id = $1`, docID).Scan(&number, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return negotiation.Errorf(negotiation.EConflict, "the document was adopted already (version %d, %s)", number, at.UTC().Format(time.RFC3339))
}

// checkLatest refuses to close on anything but the latest version.
func checkLatest(ctx context.Context, tx pgx.Tx, docID int64, number, latest int) (negotiation.Version, error) {
	if number != latest {
		v, err := version(ctx, tx, docID, latest)
		if err != nil {
			return v, err
		}
		return v, negotiation.Errorf(negotiation.EConflict, "version %d is not the latest version; the latest is version %d (%s)", number, latest, v.Label)
	}
	v, err := version(ctx, tx, docID, number)
	if err != nil {
		return v, err
	}
	return v, negotiation.CheckFinalText(v)
}

// StartSilence puts version number of a document under the silence
// procedure until deadline (checked against the installation's minimum by
// the caller). In one transaction: the version must be the latest and
// clean, no silence may be open and the document not adopted; the silence,
// the job that adopts at the deadline, the live-update event, the
// notification and the audit event are written together.
func (s *Store) StartSilence(ctx context.Context, actor negotiation.Actor, docID int64, number int, deadline time.Time, publicFrom *time.Time) (negotiation.Silence, error) {
	if s.jobs == nil {
		return negotiation.Silence{}, errors.New("the job queue is not running: a silence procedure needs it to adopt at the deadline")
	}
	deadline = deadline.UTC().Truncate(time.Microsecond) // PostgreSQL's precision: the adoption time is exactly this
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, _, latest, err := lockDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		if err := checkNotAdopted(ctx, tx, docID); err != nil {
			return err
		}
		if open, err := openSilence(ctx, tx, docID); err != nil {
			return err
		} else if open != nil {
			return negotiation.Errorf(negotiation.EConflict, "version %d is under the silence procedure already (deadline %s)", open.Version, open.Deadline.Format(time.RFC3339))
		}
		if _, err := checkLatest(ctx, tx, docID, number, latest); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO silences (document_id, version_number, deadline, public_from, started_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, docID, number, deadline, publicFrom, actor.Name).Scan(&id)
		if err != nil {
			return err
		}
		// River's uniqueness by arguments keeps one adoption job per
		// silence, whoever inserts it.
		if _, err := s.jobs.InsertTx(ctx, tx, AdoptAtDeadlineArgs{SilenceID: id},
			&river.InsertOpts{ScheduledAt: deadline, UniqueOpts: river.UniqueOpts{ByArgs: true}}); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "silence", id, 0, false); err != nil {
			return err
		}
		if err := notifyNegotiators(ctx, tx, docID, NotifySilence, deadline.Format("2006-01-02 15:04:05 UTC")); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "silence.start", "document", strconv.FormatInt(docID, 10),
			map[string]any{"silence_id": id, "version": number, "deadline": deadline, "public_from": publicFrom})
	})
	if err != nil {
		return negotiation.Silence{}, err
	}
	return s.Silence(ctx, docID)
}

// Notification kinds written by closing steps.
const (
	NotifySilence = "silence.start"    // a text was put under silence (subject: the deadline)
	NotifyAdopted = "document.adopted" // a text was adopted (subject: the version's label)
)

// notifyNegotiators tells every user of every state and group, in the
// transaction of the change: under a silence procedure all of them must
// know the deadline, and all of them learn of the adoption.
func notifyNegotiators(ctx context.Context, tx pgx.Tx, docID int64, kind, subject string) error {
	var parties []int64
	err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM parties WHERE kind IN ('state', 'group')`).Scan(&parties)
	if err != nil {
		return err
	}
	_, err = NotifyParties(ctx, tx, parties, NewNotification{Kind: kind, DocumentID: docID,
		Link: fmt.Sprintf("/documents/%d/closing", docID), Subject: subject})
	return err
}

// openSilence returns the document's open silence (running or broken), or nil.
func openSilence(ctx context.Context, tx pgx.Tx, docID int64) (*negotiation.Silence, error) {
	var sl negotiation.Silence
	err := tx.QueryRow(ctx, `SELECT id, version_number, deadline, status FROM silences
		WHERE document_id = $1 AND status IN ('running', 'broken') FOR UPDATE`, docID).Scan(&sl.ID, &sl.Version, &sl.Deadline, &sl.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	sl.Deadline = sl.Deadline.UTC()
	return &sl, err
}

// BreakSilence records party's break of the running silence on a
// document, at time now: strictly before the deadline, once per party,
// naming only provisions of the silenced version.
func (s *Store) BreakSilence(ctx context.Context, actor negotiation.Actor, docID int64, party negotiation.Party, userID int64, b negotiation.SilenceBreak, now time.Time) (negotiation.Silence, error) {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var sl negotiation.Silence
		err := tx.QueryRow(ctx, `SELECT id, version_number, deadline, status, ended_at FROM silences
			WHERE document_id = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE`, docID).Scan(&sl.ID, &sl.Version, &sl.Deadline, &sl.Status, &sl.EndedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.EConflict, "no silence procedure is running on this document")
		}
		if err != nil {
			return err
		}
		switch sl.Status {
		case negotiation.SilenceAdopted:
			return negotiation.Errorf(negotiation.EConflict, "the silence procedure ended: the text was adopted")
		case negotiation.SilenceReturned:
			return negotiation.Errorf(negotiation.EConflict, "the secretariat returned the text to negotiation; there is no silence to break")
		}
		if !now.Before(sl.Deadline) {
			return negotiation.Errorf(negotiation.EConflict, "the silence deadline passed at %s (%s ago); silence can only be broken before it",
				sl.Deadline.UTC().Format(time.RFC3339), now.Sub(sl.Deadline).Round(time.Millisecond))
		}
		if len(b.Keys) > 0 {
			found, err := provisionsByKey(ctx, tx, docID, sl.Version, b.Keys...)
			if err != nil {
				return err
			}
			if missing := missingKeys(b.Keys, found); missing != "" {
				return negotiation.Errorf(negotiation.EInvalid, "version %d has no provision with key %q", sl.Version, missing)
			}
		}
		keys := b.Keys
		if keys == nil {
			keys = []string{}
		}
		_, err = tx.Exec(ctx, `INSERT INTO silence_breaks (silence_id, party_id, user_id, statement, keys, text, broken_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sl.ID, party.ID, nullID(userID), b.Statement, keys, b.Text, now)
		if isUniqueViolation(err, "silence_breaks_party_key") {
			return negotiation.Errorf(negotiation.EConflict, "%s has broken this silence already; a party breaks silence once", party.Code)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE silences SET status = 'broken' WHERE id = $1 AND status = 'running'`, sl.ID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "silence", sl.ID, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "silence.break", "document", strconv.FormatInt(docID, 10),
			map[string]any{"silence_id": sl.ID, "party": party.Code, "keys": keys})
	})
	if err != nil {
		return negotiation.Silence{}, err
	}
	return s.Silence(ctx, docID)
}

func missingKeys(want []string, found []negotiation.Provision) string {
	have := make(map[string]bool, len(found))
	for _, p := range found {
		have[p.Key] = true
	}
	for _, k := range want {
		if !have[k] {
			return k
		}
	}
	return ""
}

// ReturnToNegotiation ends the open silence on a document (broken or
// not): the text is no longer frozen and no adoption will follow.
func (s *Store) ReturnToNegotiation(ctx context.Context, actor negotiation.Actor, docID int64) (negotiation.Silence, error) {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, _, err := lockDocument(ctx, tx, docID); err != nil {
			return err
		}
		open, err := openSilence(ctx, tx, docID)
		if err != nil {
			return err
		}
		if open == nil {
			return negotiation.Errorf(negotiation.EConflict, "no silence procedure is open on this document")
		}
		if _, err := tx.Exec(ctx, `UPDATE silences SET status = 'returned', ended_at = now() WHERE id = $1`, open.ID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "silence", open.ID, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "silence.return", "document", strconv.FormatInt(docID, 10), map[string]any{"silence_id": open.ID})
	})
	if err != nil {
		return negotiation.Silence{}, err
	}
	return s.Silence(ctx, docID)
}

// Silence returns the document's latest silence procedure with its
// breaks; "not found" when there never was one.
func (s *Store) Silence(ctx context.Context, docID int64) (negotiation.Silence, error) {
	sl := negotiation.Silence{DocumentID: docID}
	err := s.pool.QueryRow(ctx, `SELECT s.id, s.version_number, v.label, s.deadline, s.status, s.started_by, s.started_at, s.ended_at, s.public_from
		FROM silences s JOIN versions v ON v.document_id = s.document_id AND v.number = s.version_number
		WHERE s.document_id = $1 ORDER BY s.id DESC LIMIT 1`, docID).
		Scan(&sl.ID, &sl.Version, &sl.VersionLabel, &sl.Deadline, &sl.Status, &sl.StartedBy, &sl.StartedAt, &sl.EndedAt, &sl.PublicFrom)
	if errors.Is(err, pgx.ErrNoRows) {
		return sl, negotiation.Errorf(negotiation.ENotFound, "no silence procedure on document %d", docID)
	}
	if err != nil {
		return sl, err
	}
	sl.Deadline, sl.StartedAt = sl.Deadline.UTC(), sl.StartedAt.UTC()
	rows, err := s.pool.Query(ctx, `SELECT p.code, p.name, b.statement, b.keys, b.text, b.broken_at
		FROM silence_breaks b JOIN parties p ON p.id = b.party_id WHERE b.silence_id = $1 ORDER BY b.broken_at, b.id`, sl.ID)
	if err != nil {
		return sl, err
	}
	sl.Breaks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (negotiation.SilenceBreak, error) {
		var b negotiation.SilenceBreak
		err := r.Scan(&b.Party, &b.PartyName, &b.Statement, &b.Keys, &b.Text, &b.BrokenAt)
		b.BrokenAt = b.BrokenAt.UTC()
		return b, err
	})
	return sl, err
}

// NewAdoption is the secretariat's decision to adopt a version.
type NewAdoption struct {
	Version    int
	Method     negotiation.AdoptionMethod
	Tally      *negotiation.Tally
	PublicFrom *time.Time
}

// Adopt records the secretariat's adoption of the latest version at time
// now, and closes any open silence on it. A second adoption is a conflict.
func (s *Store) Adopt(ctx context.Context, actor negotiation.Actor, docID int64, na NewAdoption, now time.Time) (negotiation.Adoption, error) {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		symbol, title, latest, err := lockDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		if err := checkNotAdopted(ctx, tx, docID); err != nil {
			return err
		}
		v, err := checkLatest(ctx, tx, docID, na.Version, latest)
		if err != nil {
			return err
		}
		if err := insertAdoption(ctx, tx, docID, symbol, title, v, now, na, nil, actor.Name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE silences SET status = 'adopted', ended_at = $2
			WHERE document_id = $1 AND status IN ('running', 'broken')`, docID, now); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "adoption", int64(v.Number), 0, false); err != nil {
			return err
		}
		if err := notifyNegotiators(ctx, tx, docID, NotifyAdopted, v.Label); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "document.adopt", "document", strconv.FormatInt(docID, 10),
			map[string]any{"version": v.Number, "method": na.Method, "tally": na.Tally, "public_from": na.PublicFrom})
	})
	if err != nil {
		return negotiation.Adoption{}, err
	}
	return s.Adoption(ctx, docID)
}

// insertAdoption writes the adoption row with the text's digest and what
// the archive searches.
func insertAdoption(ctx context.Context, tx pgx.Tx, docID int64, symbol, title string, v negotiation.Version, at time.Time, na NewAdoption, silenceID *int64, by string) error {
	search := searchText(symbol, title, negotiation.CanonicalText(v.Provisions))
	_, err := tx.Exec(ctx, `INSERT INTO adoptions (document_id, version_number, adopted_at, method, tally, public_from, silence_id, adopted_by,
			text_sha256, search_text, cjk_grams)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		docID, v.Number, at, string(na.Method), na.Tally, na.PublicFrom, silenceID, by,
		negotiation.TextDigest(v.Provisions), search, cjkGrams(search))
	if isUniqueViolation(err, "adoptions_document_id_key") {
		return negotiation.Errorf(negotiation.EConflict, "the document was adopted already")
	}
	if err != nil {
		return fmt.Errorf("insert adoption: %w", err)
	}
	return nil
}

// AdoptAtDeadlineArgs is the job that adopts a silenced version at its
// deadline, scheduled for that instant when the silence starts.
type AdoptAtDeadlineArgs struct {
	SilenceID int64 `json:"silence_id"`
}

// Kind names the job in River's table.
func (AdoptAtDeadlineArgs) Kind() string { return "silence_adopt_at_deadline" }

// ErrBeforeDeadline says a silence's adoption job ran before its deadline
// (a clock ahead of the database's); the job waits and runs again.
var ErrBeforeDeadline = errors.New("the silence deadline has not passed yet")

// AdoptAtDeadline ends a silence procedure at its deadline: unbroken, the
// version is adopted with adopted_at = the deadline (however late this
// runs); broken or returned, nothing happens. It is idempotent and safe
// to run in several processes at once: the document lock serialises them,
// the first adopts, the others find the silence closed, and the unique
// adoption per document backs this up. within runs inside the same
// transaction (the job's completion), so work and completion commit
// together. adopted tells whether this call adopted the text.
func (s *Store) AdoptAtDeadline(ctx context.Context, silenceID int64, now time.Time, within func(pgx.Tx) error) (adopted bool, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var docID int64
		err := tx.QueryRow(ctx, `SELECT document_id FROM silences WHERE id = $1`, silenceID).Scan(&docID)
		if errors.Is(err, pgx.ErrNoRows) {
			return within(tx) // nothing to adopt, ever
		}
		if err != nil {
			return err
		}
		symbol, title, _, err := lockDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		var sl negotiation.Silence
		err = tx.QueryRow(ctx, `SELECT version_number, deadline, status, public_from FROM silences WHERE id = $1 FOR UPDATE`, silenceID).
			Scan(&sl.Version, &sl.Deadline, &sl.Status, &sl.PublicFrom)
		if err != nil {
			return err
		}
		if sl.Status != negotiation.SilenceRunning {
			return within(tx)
		}
		if now.Before(sl.Deadline) {
			return ErrBeforeDeadline
		}
		v, err := version(ctx, tx, docID, sl.Version)
		if err != nil {
			return err
		}
		na := NewAdoption{Version: v.Number, Method: negotiation.BySilence, PublicFrom: sl.PublicFrom}
		if err := insertAdoption(ctx, tx, docID, symbol, title, v, sl.Deadline, na, &silenceID, silenceActor.Name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE silences SET status = 'adopted', ended_at = deadline WHERE id = $1`, silenceID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "adoption", int64(v.Number), 0, false); err != nil {
			return err
		}
		if err := notifyNegotiators(ctx, tx, docID, NotifyAdopted, v.Label); err != nil {
			return err
		}
		if err := audit(ctx, tx, silenceActor, "document.adopt", "document", strconv.FormatInt(docID, 10),
			map[string]any{"version": v.Number, "method": negotiation.BySilence, "silence_id": silenceID, "adopted_at": sl.Deadline}); err != nil {
			return err
		}
		adopted = true
		return within(tx)
	})
	return adopted, err
}

// Adoption returns a document's adoption record; "not found" when it is
// not adopted.
func (s *Store) Adoption(ctx context.Context, docID int64) (negotiation.Adoption, error) {
	a := negotiation.Adoption{DocumentID: docID}
	var method string
	err := s.pool.QueryRow(ctx, `SELECT a.version_number, v.label, a.adopted_at, a.method, a.tally, a.public_from, a.silence_id, a.adopted_by, a.text_sha256,
			(SELECT array_agg(label ORDER BY number) FROM versions WHERE document_id = a.document_id AND number <= a.version_number)
		FROM adoptions a JOIN versions v ON v.document_id = a.document_id AND v.number = a.version_number
		WHERE a.document_id = $1`, docID).
		Scan(&a.Version, &a.VersionLabel, &a.AdoptedAt, &method, &a.Tally, &a.PublicFrom, &a.SilenceID, &a.AdoptedBy, &a.SHA256, &a.Versions)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, negotiation.Errorf(negotiation.ENotFound, "document %d is not adopted", docID)
	}
	a.Method = negotiation.AdoptionMethod(method)
	a.AdoptedAt = a.AdoptedAt.UTC()
	return a, err
}

// AddExplanation attaches a party's explanation of position to an adopted
// document; one per party.
func (s *Store) AddExplanation(ctx context.Context, actor negotiation.Actor, docID int64, party negotiation.Party, userID int64, text string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO explanations (document_id, party_id, user_id, text) VALUES ($1, $2, $3, $4)`,
			docID, party.ID, nullID(userID), text)
		if isUniqueViolation(err, "explanations_party_key") {
			return negotiation.Errorf(negotiation.EConflict, "%s has explained its position on this adoption already", party.Code)
		}
		if isForeignKeyViolation(err) {
			return negotiation.Errorf(negotiation.EConflict, "the document is not adopted yet; explanations of position follow adoption")
		}
		if err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "explanation", party.ID, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "explanation.create", "document", strconv.FormatInt(docID, 10), map[string]any{"party": party.Code})
	})
}

// Explanations lists the explanations of position on an adopted document.
func (s *Store) Explanations(ctx context.Context, docID int64) ([]negotiation.Explanation, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.code, p.name, e.text, e.created_at FROM explanations e
		JOIN parties p ON p.id = e.party_id WHERE e.document_id = $1 ORDER BY e.id`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (negotiation.Explanation, error) {
		var e negotiation.Explanation
		err := r.Scan(&e.Party, &e.PartyName, &e.Text, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	})
}

// searchText is what the archive's full-text search reads.
func searchText(parts ...string) string { return strings.Join(parts, "\n") }
