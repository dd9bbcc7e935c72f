package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// NewProposal is a proposal as submitted, with who submits it and for
// which party.
type NewProposal struct {
	negotiation.Proposal
	UserID  int64
	PartyID int64
	// Privileged submitters (the secretariat) may table after the deadline.
	Privileged bool
	// Authorize decides, on the document's access facts read in the
	// transaction, whether the submitter may propose; its error refuses.
	Authorize func(negotiation.DocumentAccess) error
	// Token, when set, is the hash of the API token the submitter was
	// identified by from memory rather than from the database; the
	// transaction looks it up again, and refuses the submission unless it
	// is still live and names Viewer exactly as remembered
	// (ErrViewerChanged when it names the viewer otherwise).
	Token  []byte
	Viewer negotiation.Viewer
}

// ErrViewerChanged refuses a submission whose API token, looked up again
// in its transaction, names its owner otherwise than the viewer the
// submission was made as (a new party, role, accreditation, chair): the
// caller identifies the sender afresh and tries again.
var ErrViewerChanged = errors.New("the token's owner changed since the viewer was remembered")

// CreateProposal stores a proposal against its base version. In one
// transaction it checks that the base is the current version (409 naming
// the current one otherwise), that the tabling deadline has not passed,
// and that the anchor matches the base text; then it writes the proposal,
// a live-update event and the audit event. The document row is share-locked
// so that no new version can slip in between the check and the insert,
// while proposals from many delegations go in side by side.
//
// Submission is the busiest write of a session. Its transaction takes two
// round trips (inTwoTrips), the checks reading the named provisions only,
// and submissions that arrive together share one transaction (batcher,
// commitSubmissions). The answer comes after the commit.
func (s *Store) CreateProposal(ctx context.Context, actor negotiation.Actor, np NewProposal) (negotiation.Proposal, error) {
	sub := &submission{ctx: ctx, viewer: settings(ctx), actor: actor, np: np, done: make(chan struct{})}
	sub.reset()
	s.submissions.add(sub)
	<-sub.done
	return sub.p, sub.err
}

// A submission is a proposal waiting for its transaction, then its answer.
type submission struct {
	ctx    context.Context // the request's: its cancellation
	viewer [4]string       // the request's viewer, as the database's rules see it
	actor  negotiation.Actor
	np     NewProposal
	p      negotiation.Proposal
	facts  submissionFacts
	err    error
	done   chan struct{} // closed when p and err are the answer
	// answered guards done: a batch that panicked answers whoever is
	// still waiting.
	answered atomic.Bool
}

// reset readies the submission for a (new) try.
func (sub *submission) reset() {
	sub.p, sub.facts, sub.err = sub.np.Proposal, submissionFacts{}, nil
	if sub.p.Status == "" {
		sub.p.Status = negotiation.Tabled
	}
}

// answer gives the submission its answer: err, or its own check's refusal.
// Only the first answer counts.
func (sub *submission) answer(err error) {
	if !sub.answered.CompareAndSwap(false, true) {
		return
	}
	if err != nil {
		sub.err = err
	}
	close(sub.done)
}

// maxSubmissionGroup bounds the submissions in one transaction, and
// submissionTurns the transactions in flight: with two, the database
// works on one group while the server reads the next requests and answers
// the last ones, on a machine of two cores as on a larger one, without
// taking many of the pool's connections.
const (
	maxSubmissionGroup = 64
	submissionTurns    = 2
)

// newSubmissions gathers proposal submissions into shared transactions.
func (s *Store) newSubmissions() *batcher[*submission] {
	return &batcher[*submission]{turns: submissionTurns, limit: maxSubmissionGroup, run: s.commitSubmissions,
		fail: (*submission).answer, name: "proposal submission", log: s.log}
}

// commitSubmissions commits a group of submissions and answers each. A
// lone one goes as it always would, waiting for its document's lock if it
// must. Several go in one transaction that waits for no lock (a document
// being revised would hold up the others too); if that transaction fails
// for any reason (a lock not free, one member's write refused by the
// database), each goes again alone, side by side, and gets its own answer.
func (s *Store) commitSubmissions(group []*submission) {
	live := group[:0:0]
	for _, sub := range group {
		if err := sub.ctx.Err(); err != nil {
			sub.answer(err) // its request is gone: nobody to answer to
			continue
		}
		live = append(live, sub)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].answer(s.submitTogether(live[0].ctx, live, false))
		return
	}
	ctx, cancel := batchContext()
	err := s.submitTogether(ctx, live, true)
	cancel()
	if err == nil {
		for _, sub := range live {
			sub.answer(nil)
		}
		return
	}
	for _, sub := range live {
		go func() {
			sub.reset()
			sub.answer(s.submitTogether(sub.ctx, []*submission{sub}, false))
		}()
	}
}

// submitTogether runs the submissions in one transaction of two trips
// (inTwoTrips), each read as its own viewer. A submission its checks
// refuse keeps the refusal in its err and is not written; the others are.
// The error returned is the transaction's: a lone submission's refusal
// rolls it back and is returned. With nowait, a document lock that is not
// free fails the transaction at once.
//
// The members are taken viewer by viewer, so that what a delegation
// submitted together costs one change of viewer, one lock per document
// and one write, however many proposals it holds.
func (s *Store) submitTogether(ctx context.Context, group []*submission, nowait bool) error {
	slices.SortStableFunc(group, func(a, b *submission) int { return slices.Compare(a.viewer[:], b.viewer[:]) })
	read := &pgx.Batch{}
	type lock struct {
		doc    int64
		viewer [4]string
	}
	locked := map[lock]bool{}
	for i, sub := range group {
		if i == 0 || sub.viewer != group[i-1].viewer {
			read.QueuedQueries = append(read.QueuedQueries, viewerQuery(sub.viewer))
		}
		// A viewer locks what its rules let it read: a document locked as
		// one viewer is not thereby locked for another.
		if l := (lock{sub.p.DocumentID, sub.viewer}); !locked[l] {
			locked[l] = true
			queueDocumentLock(read, sub.p.DocumentID, nowait)
		}
		sub.facts.queue(read, &sub.p)
		if sub.np.Token != nil {
			sub.facts.queueToken(read, sub.np.Token)
		}
	}
	return s.inTwoTrips(ctx, read, func() (*pgx.Batch, error) {
		write := &pgx.Batch{}
		var run []*submission // accepted, one viewer's
		for _, sub := range group {
			if sub.err = sub.facts.check(sub.np, &sub.p); sub.err != nil {
				if len(group) == 1 {
					return nil, sub.err
				}
				continue
			}
			if len(run) > 0 && run[0].viewer != sub.viewer {
				queueProposalWrite(write, run)
				run = run[:0]
			}
			run = append(run, sub)
		}
		queueProposalWrite(write, run)
		return write, nil
	})
}

// queueDocumentLock share-locks a document, in a statement of its own: a
// statement that waits for a lock keeps the snapshot it started with, so
// a version issued while it waited would stay unseen; the next statement
// starts after the wait and sees it. With nowait, a lock that is not free
// fails the transaction at once.
func queueDocumentLock(b *pgx.Batch, docID int64, nowait bool) {
	sql := `SELECT 1 FROM documents WHERE id = $1 FOR SHARE`
	if nowait {
		sql += ` NOWAIT`
	}
	b.Queue(sql, docID)
}

// submissionFacts are what a submission's checks read of its document,
// in the first trip of its transaction.
type submissionFacts struct {
	owner      *negotiation.Viewer // the owner of NewProposal.Token, if live
	found      bool
	deadline   *time.Time
	latest     negotiation.Version
	provisions []negotiation.Provision // the named provisions of the base version
	access     negotiation.DocumentAccess
}

// queue queues the read for p's checks, which also draws p's id and time.
// The provisions are those of the version the proposal names: if that is
// not the current one, the check refuses it before they matter. Each is
// looked up by plain equality: a prepared statement's generic plan would
// take "key = ANY (…)" as a filter over the whole version. The id is drawn
// here, so that the write needs no RETURNING, which the row-level rules
// would judge again.
func (f *submissionFacts) queue(b *pgx.Batch, p *negotiation.Proposal) {
	b.Queue(`SELECT d.tabling_deadline, v.number, v.label, `+documentAccessColumns+`, pr.number, pr.text,
			EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = $2 AND t.key = $4),
			(SELECT nextval('proposals_id_seq')), now()
		FROM documents d
		CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
		LEFT JOIN adoptions ad ON ad.document_id = d.id
		LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = $2 AND pr.key = $3
		WHERE d.id = $1`, p.DocumentID, p.BaseVersion, p.Key, p.Target).Query(func(rows pgx.Rows) error {
		f.access.ID = p.DocumentID
		for rows.Next() {
			f.found = true
			var number, text *string
			var target bool
			dest := append([]any{&f.deadline, &f.latest.Number, &f.latest.Label}, documentAccessFields(&f.access)...)
			if err := rows.Scan(append(dest, &number, &text, &target, &p.ID, &p.CreatedAt)...); err != nil {
				return err
			}
			if number != nil {
				f.provisions = append(f.provisions, negotiation.Provision{Key: p.Key, Number: *number, Text: *text})
			}
			if target {
				f.provisions = append(f.provisions, negotiation.Provision{Key: p.Target})
			}
		}
		return rows.Err()
	})
}

// queueToken queues the lookup of the submitter's API token, as
// ViewerByToken makes it.
func (f *submissionFacts) queueToken(b *pgx.Batch, hash []byte) {
	b.Queue(viewerSelect+liveTokenJoin+` = $1`, hash).QueryRow(func(row pgx.Row) error {
		v, err := scanViewer(row)
		if err == nil {
			f.owner = &v
		} else if negotiation.ErrorCode(err) != negotiation.EUnauthorized {
			return err
		}
		return nil
	})
}

// check refuses p when the submitter may not propose, the tabling deadline
// has passed, the base is not the current version or the anchor does not
// match the base text.
func (f *submissionFacts) check(np NewProposal, p *negotiation.Proposal) error {
	if np.Token != nil {
		if f.owner == nil {
			return errTokenNotLive
		}
		if !f.owner.Same(np.Viewer) {
			return ErrViewerChanged
		}
	}
	if !f.found {
		return negotiation.Errorf(negotiation.ENotFound, "document %d not found", p.DocumentID)
	}
	if np.Authorize != nil {
		if err := np.Authorize(f.access); err != nil {
			return err
		}
	}
	if f.deadline != nil && !np.Privileged && time.Now().After(*f.deadline) {
		return negotiation.Errorf(negotiation.EForbidden, "the tabling deadline passed at %s; new proposals are no longer accepted",
			f.deadline.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if p.BaseVersion != f.latest.Number {
		return negotiation.Errorf(negotiation.EConflict, "the proposal is made on version %d, but the current version is %d (%s); re-base it on version %d",
			p.BaseVersion, f.latest.Number, f.latest.Label, f.latest.Number)
	}
	return negotiation.CheckAnchor(*p, f.provisions)
}

// queueProposalWrite queues the write of a run of one viewer's accepted
// submissions, as that viewer: the proposals (their ids drawn already),
// their live-update events and their audit events, in one statement.
func queueProposalWrite(b *pgx.Batch, run []*submission) {
	if len(run) == 0 {
		return
	}
	var c proposalColumns
	for _, sub := range run {
		c.add(sub)
	}
	b.QueuedQueries = append(b.QueuedQueries, viewerQuery(run[0].viewer))
	b.Queue(insertProposalsSQL, c.args()...)
}

// insertProposalsSQL writes proposals, their events and their audit
// events from columns ($1-$18, arrays of one element per proposal).
const insertProposalsSQL = `WITH r AS (
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::text[],
			$15::bigint[], $16::bigint[], $17::text[], $18::text[])
		AS r (id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
			justification, party_id, created_by, status, event_party, actor_id, actor, detail)),
	p AS (
		INSERT INTO proposals (id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
			justification, party_id, created_by, status) OVERRIDING SYSTEM VALUE
		SELECT id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
			justification, party_id, created_by, status FROM r),
	e AS (
		INSERT INTO document_events (document_id, kind, object_id, party_id)
		SELECT document_id, 'proposal', id, event_party FROM r ORDER BY id)
	INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
		SELECT actor_id, actor, 'proposal.create', 'proposal', id::text, detail::jsonb FROM r ORDER BY id`

// proposalColumns are insertProposalsSQL's arguments, a column each.
type proposalColumns struct {
	id, doc                            []int64
	base                               []int32
	kind, key                          []string
	start, end                         []*int
	quote, text, target, justification []string
	party, user                        []int64
	status                             []string
	eventParty, actorID                []*int64
	actor, detail                      []string
}

// add appends a submission's row.
func (c *proposalColumns) add(sub *submission) {
	p := &sub.p
	var eventParty *int64
	if p.Status == negotiation.Draft {
		eventParty = &sub.np.PartyID // a draft is its delegation's business only
	}
	detail, _ := json.Marshal(map[string]any{"document_id": p.DocumentID, "kind": p.Kind, "key": p.Key, "status": p.Status})
	c.id, c.doc, c.base = append(c.id, p.ID), append(c.doc, p.DocumentID), append(c.base, int32(p.BaseVersion))
	c.kind, c.key = append(c.kind, string(p.Kind)), append(c.key, p.Key)
	c.start, c.end = append(c.start, p.Start), append(c.end, p.End)
	c.quote, c.text, c.target = append(c.quote, p.Quote), append(c.text, p.Text), append(c.target, p.Target)
	c.justification = append(c.justification, p.Justification)
	c.party, c.user, c.status = append(c.party, sub.np.PartyID), append(c.user, sub.np.UserID), append(c.status, string(p.Status))
	c.eventParty, c.actorID = append(c.eventParty, eventParty), append(c.actorID, nullID(sub.actor.UserID))
	c.actor, c.detail = append(c.actor, sub.actor.Name), append(c.detail, string(detail))
}

func (c *proposalColumns) args() []any {
	return []any{c.id, c.doc, c.base, c.kind, c.key, c.start, c.end, c.quote, c.text, c.target,
		c.justification, c.party, c.user, c.status, c.eventParty, c.actorID, c.actor, c.detail}
}
