package store

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/live"
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
}

// CreateProposal stores a proposal against its base version. In one
// transaction it checks that the base is the current version (409 naming
// the current one otherwise), that the tabling deadline has not passed,
// and that the anchor matches the base text; then it writes the proposal,
// a live-update event and the audit event. The document row is share-locked
// so that no new version can slip in between the check and the insert,
// while proposals from many delegations go in side by side. Submission is
// the busiest write of a session: the transaction takes two round trips
// (inTwoTrips), the checks reading the named provisions only.
func (s *Store) CreateProposal(ctx context.Context, actor negotiation.Actor, np NewProposal) (negotiation.Proposal, error) {
	p := np.Proposal
	if p.Status == "" {
		p.Status = negotiation.Tabled
	}
	var facts submissionFacts
	err := s.inTwoTrips(ctx, facts.queue(&p), func() (*pgx.Batch, error) {
		if err := facts.check(np, &p); err != nil {
			return nil, err
		}
		write := &pgx.Batch{}
		write.Queue(insertProposalSQL, insertProposalArgs(actor, np.PartyID, np.UserID, &p)...)
		return write, nil
	})
	return p, err
}

// submissionFacts are what a submission's checks read of its document,
// in the first trip of its transaction.
type submissionFacts struct {
	found      bool
	deadline   *time.Time
	latest     negotiation.Version
	provisions []byte // the named provisions of the base version, as JSON
	access     negotiation.DocumentAccess
}

// queue queues the reads for p's checks; they also draw p's id and time.
func (f *submissionFacts) queue(p *negotiation.Proposal) *pgx.Batch {
	read := &pgx.Batch{}
	// The lock first, in a statement of its own: a statement that waits
	// for a lock keeps the snapshot it started with, so a version issued
	// while it waited would stay unseen; the next statement starts after
	// the wait and sees it.
	read.Queue(`SELECT 1 FROM documents WHERE id = $1 FOR SHARE`, p.DocumentID)
	// Then one statement for everything the checks need. The provisions
	// are those of the version the proposal names: if that is not the
	// current one, the check refuses it before they matter. The id is
	// drawn here, so that the write needs no RETURNING, which the
	// row-level rules would judge again.
	read.Queue(`SELECT d.tabling_deadline, v.number, v.label, `+documentAccessColumns+`,
			(SELECT json_agg(json_build_object('key', key, 'number', number, 'kind', kind, 'label', label, 'text', text))
				FROM provisions WHERE document_id = d.id AND version_number = $2 AND key = ANY ($3)),
			nextval('proposals_id_seq'), now()
		FROM documents d
		CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
		LEFT JOIN adoptions ad ON ad.document_id = d.id
		WHERE d.id = $1`, p.DocumentID, p.BaseVersion, []string{p.Key, p.Target}).Query(func(rows pgx.Rows) error {
		f.access.ID = p.DocumentID
		for rows.Next() {
			f.found = true
			dest := append([]any{&f.deadline, &f.latest.Number, &f.latest.Label}, documentAccessFields(&f.access)...)
			if err := rows.Scan(append(dest, &f.provisions, &p.ID, &p.CreatedAt)...); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return read
}

// check refuses p when the submitter may not propose, the tabling deadline
// has passed, the base is not the current version or the anchor does not
// match the base text.
func (f *submissionFacts) check(np NewProposal, p *negotiation.Proposal) error {
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
	var provisions []negotiation.Provision
	if f.provisions != nil {
		if err := json.Unmarshal(f.provisions, &provisions); err != nil {
			return err
		}
	}
	return negotiation.CheckAnchor(*p, provisions)
}

// insertProposalSQL writes the proposal (its id drawn already), its
// live-update event and its audit event in one statement.
const insertProposalSQL = `WITH p AS (
		INSERT INTO proposals (id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
			justification, party_id, created_by, status) OVERRIDING SYSTEM VALUE
		VALUES ($18,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)),
	e AS (INSERT INTO document_events (document_id, kind, object_id, party_id) VALUES ($1, 'proposal', $18, $14))
	INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
		VALUES ($15, $16, 'proposal.create', 'proposal', $18::bigint::text, $17)`

// insertProposalArgs are insertProposalSQL's arguments for p.
func insertProposalArgs(actor negotiation.Actor, partyID, userID int64, p *negotiation.Proposal) []any {
	var eventParty *int64
	if p.Status == negotiation.Draft {
		eventParty = &partyID // a draft is its delegation's business only
	}
	detail := map[string]any{"document_id": p.DocumentID, "kind": p.Kind, "key": p.Key, "status": p.Status}
	return []any{p.DocumentID, p.BaseVersion, string(p.Kind), p.Key, p.Start, p.End, p.Quote, p.Text, p.Target,
		p.Justification, partyID, userID, string(p.Status), eventParty, nullID(actor.UserID), actor.Name, detail, p.ID}
}

// event writes a live-update row; private events (a delegation's drafts)
// carry the party so that only it is told.
func event(ctx context.Context, tx pgx.Tx, docID int64, kind string, objectID, partyID int64, private bool) error {
	var party *int64
	if private {
		party = &partyID
	}
	_, err := tx.Exec(ctx, `INSERT INTO document_events (document_id, kind, object_id, party_id) VALUES ($1, $2, $3, $4)`,
		docID, kind, objectID, party)
	return err
}

// Proposals lists a document's proposals that the viewer's party may see:
// every non-draft one, and its own drafts. Co-sponsors and current
// positions come in the same query.
func (s *Store) Proposals(ctx context.Context, docID, viewerParty int64) ([]negotiation.Proposal, error) {
	rows, err := s.pool.Query(ctx, proposalListSelect+` WHERE p.document_id = $1 AND (p.status <> 'draft' OR p.party_id = $2) ORDER BY p.id`, docID, viewerParty)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanProposal)
}

// Proposal returns one proposal if the viewer's party may see it.
func (s *Store) Proposal(ctx context.Context, id, viewerParty int64) (negotiation.Proposal, error) {
	rows, err := s.pool.Query(ctx, proposalSelect+` WHERE p.id = $1 AND (p.status <> 'draft' OR p.party_id = $2)`, id, viewerParty)
	if err != nil {
		return negotiation.Proposal{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanProposal)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
	}
	return p, err
}

// namedPositionParty is a position's party code where the document's rules
// name it to the viewer (zd_named, migrations/00009_backstop.sql), else "".
// Positions are grouped by the real party (one current stance each), so the
// code is blanked here rather than through a view. zd_named's body is
// written out: called per row, it would list the viewer's documents once
// per position; written out, the list is made once per query.
const namedPositionParty = `CASE WHEN (SELECT zd_unrestricted()) OR po.party_id = (SELECT zd_party())
	OR po.document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[]) THEN pp.code ELSE '' END`

// proposalSelect reads proposals through proposals_seen, which blanks the
// proposer and the credited observer where the rules do not name them.
const proposalSelect = `SELECT p.id, p.document_id, p.base_version, p.kind, p.key, p.start_offset, p.end_offset, p.quote, p.text,
	p.target, p.justification, coalesce(pa.code, ''), coalesce(p.party_id, 0), p.status, coalesce(cr.code, ''), p.created_at,
	coalesce((SELECT array_agg(c.code ORDER BY cs.joined_at) FROM proposal_cosponsors cs JOIN parties c ON c.id = cs.party_id
		WHERE cs.proposal_id = p.id), '{}'),
	coalesce((SELECT json_agg(json_build_object('party', x.code, 'stance', x.stance, 'at', x.created_at) ORDER BY x.code)
		FROM (SELECT DISTINCT ON (po.party_id) ` + namedPositionParty + ` AS code, po.stance, po.created_at FROM positions po JOIN parties pp ON pp.id = po.party_id
			WHERE po.proposal_id = p.id ORDER BY po.party_id, po.id DESC) x WHERE x.stance <> 'none'), '[]')
	FROM proposals_seen p LEFT JOIN parties pa ON pa.id = p.party_id LEFT JOIN parties cr ON cr.id = p.credited_to`

// proposalListSelect reads a document's proposals ($1) like proposalSelect,
// but gathers co-sponsors and current positions for the whole document in
// one pass each instead of two subqueries per proposal: a compilation has
// thousands of proposals.
const proposalListSelect = `WITH cos AS (
		SELECT cs.proposal_id, array_agg(c.code ORDER BY cs.joined_at) AS codes
		FROM proposal_cosponsors cs JOIN parties c ON c.id = cs.party_id JOIN proposals q ON q.id = cs.proposal_id
		WHERE q.document_id = $1 GROUP BY cs.proposal_id),
	pos AS (
		SELECT x.proposal_id, json_agg(json_build_object('party', x.code, 'stance', x.stance, 'at', x.created_at) ORDER BY x.code) AS js
		FROM (SELECT DISTINCT ON (po.proposal_id, po.party_id) po.proposal_id, ` + namedPositionParty + ` AS code, po.stance, po.created_at
			FROM positions po JOIN parties pp ON pp.id = po.party_id
			WHERE po.document_id = $1 AND po.proposal_id IS NOT NULL
			ORDER BY po.proposal_id, po.party_id, po.id DESC) x
		WHERE x.stance <> 'none' GROUP BY x.proposal_id)
	SELECT p.id, p.document_id, p.base_version, p.kind, p.key, p.start_offset, p.end_offset, p.quote, p.text,
	p.target, p.justification, coalesce(pa.code, ''), coalesce(p.party_id, 0), p.status, coalesce(cr.code, ''), p.created_at,
	coalesce(cos.codes, '{}'), coalesce(pos.js, '[]')
	FROM proposals_seen p LEFT JOIN parties pa ON pa.id = p.party_id LEFT JOIN parties cr ON cr.id = p.credited_to
	LEFT JOIN cos ON cos.proposal_id = p.id LEFT JOIN pos ON pos.proposal_id = p.id`

func scanProposal(r pgx.CollectableRow) (negotiation.Proposal, error) {
	var p negotiation.Proposal
	err := r.Scan(&p.ID, &p.DocumentID, &p.BaseVersion, &p.Kind, &p.Key, &p.Start, &p.End, &p.Quote, &p.Text,
		&p.Target, &p.Justification, &p.Party, &p.PartyID, &p.Status, &p.CreditedTo, &p.CreatedAt, &p.Cosponsors, &p.Positions)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// WithdrawProposal withdraws a draft or tabled proposal of the given party.
func (s *Store) WithdrawProposal(ctx context.Context, actor negotiation.Actor, id, partyID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var owner, docID int64
		var status string
		err := tx.QueryRow(ctx, `SELECT party_id, document_id, status FROM proposals WHERE id = $1 FOR UPDATE`, id).Scan(&owner, &docID, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
		}
		if err != nil {
			return err
		}
		if owner != partyID {
			if status == string(negotiation.Draft) {
				return negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
			}
			return negotiation.Errorf(negotiation.EForbidden, "only the proposing party may withdraw proposal %d", id)
		}
		if status != string(negotiation.Tabled) && status != string(negotiation.Draft) {
			return negotiation.Errorf(negotiation.EConflict, "proposal %d is %s and can no longer be withdrawn", id, status)
		}
		if _, err := tx.Exec(ctx, `UPDATE proposals SET status = 'withdrawn', updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "proposal", id, partyID, status == string(negotiation.Draft)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "proposal.withdraw", "proposal", strconv.FormatInt(id, 10), nil)
	})
}

// SetPosition records a party's stance on another party's proposal; the
// history is kept, the latest row is the current position.
func (s *Store) SetPosition(ctx context.Context, actor negotiation.Actor, proposalID, partyID, userID int64, stance negotiation.Stance) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		owner, docID, status, err := proposalHeader(ctx, tx, proposalID, partyID)
		if err != nil {
			return err
		}
		if owner == partyID {
			return negotiation.Errorf(negotiation.EInvalid, "a party takes positions on other parties' proposals, not on its own")
		}
		if status != string(negotiation.Tabled) {
			return negotiation.Errorf(negotiation.EConflict, "proposal %d is %s; positions are taken on tabled proposals", proposalID, status)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO positions (document_id, proposal_id, party_id, stance, user_id) VALUES ($1, $2, $3, $4, $5)`,
			docID, proposalID, partyID, string(stance), userID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "position", proposalID, partyID, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "position.set", "proposal", strconv.FormatInt(proposalID, 10), map[string]any{"stance": stance})
	})
}

// ActingParty resolves the party a user acts for: their own party, or a
// group they are designated for. It refuses anything else.
func (s *Store) ActingParty(ctx context.Context, userID, ownParty int64, code string) (negotiation.Party, error) {
	var p negotiation.Party
	err := s.pool.QueryRow(ctx, `SELECT p.id, p.code, p.name, p.kind FROM parties p
		WHERE upper(p.code) = upper($1) AND (p.id = $2 OR EXISTS (SELECT 1 FROM group_delegates g WHERE g.group_id = p.id AND g.user_id = $3))`,
		code, ownParty, userID).Scan(&p.ID, &p.Code, &p.Name, &p.Kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, negotiation.Errorf(negotiation.EForbidden, "you may not act on behalf of %s: act for your own delegation or a group you are designated for", code)
	}
	return p, err
}

// SetTablingDeadline sets or clears (nil) a document's tabling deadline.
func (s *Store) SetTablingDeadline(ctx context.Context, actor negotiation.Actor, docID int64, deadline *time.Time) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE documents SET tabling_deadline = $2 WHERE id = $1`, docID, deadline)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
		}
		return audit(ctx, tx, actor, "document.tabling_deadline", "document", strconv.FormatInt(docID, 10), map[string]any{"deadline": deadline})
	})
}

// RecentEvents reads the document events committed within the window, for
// the live-update publisher.
func (s *Store) RecentEvents(ctx context.Context, window time.Duration) ([]live.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, document_id, kind, coalesce(object_id, 0), coalesce(party_id, 0)
		FROM document_events WHERE created_at > now() - $1::interval ORDER BY id`, window.String())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[live.Event])
}

// inCurrentVersion tells whether the document's latest version has a
// provision with the key.
func inCurrentVersion(ctx context.Context, tx pgx.Tx, docID int64, key string) (bool, error) {
	var found bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provisions WHERE document_id = $1 AND key = $2
		AND version_number = (SELECT max(number) FROM versions WHERE document_id = $1))`, docID, key).Scan(&found)
	return found, err
}

// SetProvisionStatus records the chair's or secretariat's status of a
// provision (history kept) and tells open pages.
func (s *Store) SetProvisionStatus(ctx context.Context, actor negotiation.Actor, docID int64, key string, status negotiation.ProvisionStatus) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		exists, err := inCurrentVersion(ctx, tx, docID, key)
		if err != nil {
			return err
		}
		if !exists {
			return negotiation.Errorf(negotiation.ENotFound, "the current version has no provision with key %q", key)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO provision_statuses (document_id, key, status, set_by) VALUES ($1, $2, $3, $4)`,
			docID, key, string(status), actor.UserID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "status", 0, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "provision.status", "document", strconv.FormatInt(docID, 10), map[string]any{"key": key, "status": status})
	})
}

// ProvisionStatuses returns the current explicit status of each provision
// of a document that has one.
func (s *Store) ProvisionStatuses(ctx context.Context, docID int64) (map[string]negotiation.ProvisionStatus, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (key) key, status FROM provision_statuses
		WHERE document_id = $1 ORDER BY key, id DESC`, docID)
	if err != nil {
		return nil, err
	}
	out := map[string]negotiation.ProvisionStatus{}
	var key, status string
	_, err = pgx.ForEachRow(rows, []any{&key, &status}, func() error {
		out[key] = negotiation.ProvisionStatus(status)
		return nil
	})
	return out, err
}

// Cosponsor adds a party as co-sponsor of a tabled proposal.
func (s *Store) Cosponsor(ctx context.Context, actor negotiation.Actor, proposalID, partyID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		owner, docID, status, err := proposalHeader(ctx, tx, proposalID, partyID)
		if err != nil {
			return err
		}
		if owner == partyID {
			return negotiation.Errorf(negotiation.EInvalid, "the proposing party cannot also co-sponsor its proposal")
		}
		if status != string(negotiation.Tabled) {
			return negotiation.Errorf(negotiation.EConflict, "proposal %d is %s; only tabled proposals take co-sponsors", proposalID, status)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO proposal_cosponsors (proposal_id, party_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, proposalID, partyID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return negotiation.Errorf(negotiation.EConflict, "already a co-sponsor of proposal %d", proposalID)
		}
		if err := event(ctx, tx, docID, "proposal", proposalID, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "proposal.cosponsor", "proposal", strconv.FormatInt(proposalID, 10), nil)
	})
}

// SetProvisionPosition records a party's stance on a whole provision of
// the current version (history kept; the latest is current).
func (s *Store) SetProvisionPosition(ctx context.Context, actor negotiation.Actor, docID int64, key string, partyID, userID int64, stance negotiation.Stance) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		exists, err := inCurrentVersion(ctx, tx, docID, key)
		if err != nil {
			return err
		}
		if !exists {
			return negotiation.Errorf(negotiation.ENotFound, "the current version has no provision with key %q", key)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO positions (document_id, provision_key, party_id, stance, user_id) VALUES ($1, $2, $3, $4, $5)`,
			docID, key, partyID, string(stance), userID); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "position", 0, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "position.set", "document", strconv.FormatInt(docID, 10), map[string]any{"key": key, "stance": stance})
	})
}

// ProvisionReservations lists the keys of provisions on which some party's
// current position is a reservation: such a provision stays bracketed.
func (s *Store) ProvisionReservations(ctx context.Context, docID int64) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT key FROM (
		SELECT DISTINCT ON (provision_key, party_id) provision_key AS key, stance FROM positions
		WHERE document_id = $1 AND provision_key IS NOT NULL ORDER BY provision_key, party_id, id DESC) cur
		WHERE stance = 'reservation'`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SetDocumentRole gives a user a per-document role (chair, facilitator),
// or removes it when role is "".
func (s *Store) SetDocumentRole(ctx context.Context, actor negotiation.Actor, docID, userID int64, role string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if role == "" {
			_, err = tx.Exec(ctx, `DELETE FROM document_roles WHERE document_id = $1 AND user_id = $2`, docID, userID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO document_roles (document_id, user_id, role) VALUES ($1, $2, $3)
				ON CONFLICT (document_id, user_id) DO UPDATE SET role = EXCLUDED.role`, docID, userID, role)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "document.role", "document", strconv.FormatInt(docID, 10), map[string]any{"user_id": userID, "role": role})
	})
}

// anchoredProvisions reads the current version's number and label with
// only the provisions a proposal names (its key and its move target): the
// anchor check needs nothing else, and a treaty has a thousand provisions.
func anchoredProvisions(ctx context.Context, tx pgx.Tx, docID int64, keys ...string) (negotiation.Version, error) {
	var v negotiation.Version
	err := tx.QueryRow(ctx, `SELECT number, label FROM versions WHERE document_id = $1 ORDER BY number DESC LIMIT 1`, docID).Scan(&v.Number, &v.Label)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
	}
	if err != nil {
		return v, err
	}
	v.Provisions, err = provisionsByKey(ctx, tx, docID, v.Number, keys...)
	return v, err
}

// provisionsByKey reads the named provisions of one version.
func provisionsByKey(ctx context.Context, tx pgx.Tx, docID int64, number int, keys ...string) ([]negotiation.Provision, error) {
	rows, err := tx.Query(ctx, `SELECT key, number, kind, label, text FROM provisions
		WHERE document_id = $1 AND version_number = $2 AND key = ANY($3)`, docID, number, keys)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (negotiation.Provision, error) {
		var p negotiation.Provision
		err := r.Scan(&p.Key, &p.Number, &p.Kind, &p.Label, &p.Text)
		return p, err
	})
}

// proposalHeader reads who proposed a proposal, on which document, and its
// status; another party's draft is "not found", as it is on every path.
func proposalHeader(ctx context.Context, tx pgx.Tx, id, partyID int64) (owner, docID int64, status string, err error) {
	err = tx.QueryRow(ctx, `SELECT party_id, document_id, status FROM proposals WHERE id = $1`, id).Scan(&owner, &docID, &status)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && status == string(negotiation.Draft) && owner != partyID) {
		return 0, 0, "", negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", id)
	}
	return owner, docID, status, err
}
