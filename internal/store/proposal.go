package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/live"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

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
