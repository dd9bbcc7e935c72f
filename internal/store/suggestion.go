package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Suggestion is an observer's text suggestion: a proposal in all but
// standing, until a state or group sponsors it.
type Suggestion struct {
	negotiation.Proposal
	ProposalID  *int64 `json:"proposal_id,omitempty"`  // set once sponsored
	SponsoredBy string `json:"sponsored_by,omitempty"` // the sponsoring party
}

// CreateSuggestion stores an observer's suggestion after checking base
// version and anchor like a proposal.
func (s *Store) CreateSuggestion(ctx context.Context, actor negotiation.Actor, sg negotiation.Proposal, userID, partyID int64) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM documents WHERE id = $1 FOR SHARE`, sg.DocumentID); err != nil {
			return err
		}
		base, err := anchoredProvisions(ctx, tx, sg.DocumentID, sg.Key, sg.Target)
		if err != nil {
			return err
		}
		if sg.BaseVersion != base.Number {
			return negotiation.Errorf(negotiation.EConflict, "the suggestion is made on version %d, but the current version is %d (%s)", sg.BaseVersion, base.Number, base.Label)
		}
		if err := negotiation.CheckAnchor(sg, base.Provisions); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO suggestions (document_id, base_version, kind, key, start_offset, end_offset, quote, text,
			justification, party_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			sg.DocumentID, sg.BaseVersion, string(sg.Kind), sg.Key, sg.Start, sg.End, sg.Quote, sg.Text, sg.Justification, partyID, userID).Scan(&id)
		if err != nil {
			return err
		}
		if err := event(ctx, tx, sg.DocumentID, "suggestion", id, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "suggestion.create", "suggestion", strconv.FormatInt(id, 10), map[string]any{"document_id": sg.DocumentID})
	})
	return id, err
}

const suggestionSelect = `SELECT s.id, s.document_id, s.base_version, s.kind, s.key, s.start_offset, s.end_offset, s.quote, s.text,
	s.justification, coalesce(p.code, ''), coalesce(s.party_id, 0), s.created_at, s.proposal_id, coalesce(sp.code, '')
	FROM suggestions_seen s LEFT JOIN parties p ON p.id = s.party_id LEFT JOIN parties sp ON sp.id = s.sponsored_by`

func scanSuggestion(r pgx.CollectableRow) (Suggestion, error) {
	var sg Suggestion
	err := r.Scan(&sg.ID, &sg.DocumentID, &sg.BaseVersion, &sg.Kind, &sg.Key, &sg.Start, &sg.End, &sg.Quote, &sg.Text,
		&sg.Justification, &sg.Party, &sg.PartyID, &sg.CreatedAt, &sg.ProposalID, &sg.SponsoredBy)
	sg.CreditedTo = sg.Party
	sg.Cosponsors, sg.Positions = []string{}, []negotiation.Position{}
	return sg, err
}

// Suggestions lists a document's suggestions that the context's viewer
// may see.
func (s *Store) Suggestions(ctx context.Context, docID int64) ([]Suggestion, error) {
	rows, err := s.pool.Query(ctx, suggestionSelect+` WHERE s.document_id = $1 ORDER BY s.id`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSuggestion)
}

// SponsorSuggestion turns a suggestion into a tabled proposal of the
// sponsoring party, credited to the observer, in one transaction. The
// suggestion must still fit the current version.
func (s *Store) SponsorSuggestion(ctx context.Context, actor negotiation.Actor, suggestionID, partyID, userID int64) (negotiation.Proposal, error) {
	var p negotiation.Proposal
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, suggestionSelect+` WHERE s.id = $1 FOR UPDATE OF s`, suggestionID)
		if err != nil {
			return err
		}
		sg, err := pgx.CollectExactlyOneRow(rows, scanSuggestion)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "suggestion %d not found", suggestionID)
		}
		if err != nil {
			return err
		}
		if sg.ProposalID != nil {
			return negotiation.Errorf(negotiation.EConflict, "suggestion %d is already sponsored by %s (proposal %d)", suggestionID, sg.SponsoredBy, *sg.ProposalID)
		}
		base, err := latestVersion(ctx, tx, sg.DocumentID)
		if err != nil {
			return err
		}
		if sg.BaseVersion != base.Number {
			return negotiation.Errorf(negotiation.EConflict, "suggestion %d was made on version %d; the current version is %d", suggestionID, sg.BaseVersion, base.Number)
		}
		p = sg.Proposal
		p.Status = negotiation.Tabled
		err = tx.QueryRow(ctx, `INSERT INTO proposals (document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
			justification, party_id, created_by, status, credited_to)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'tabled',$13) RETURNING id, created_at`,
			p.DocumentID, p.BaseVersion, string(p.Kind), p.Key, p.Start, p.End, p.Quote, p.Text, p.Target,
			p.Justification, partyID, userID, sg.PartyID).Scan(&p.ID, &p.CreatedAt)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE suggestions SET proposal_id = $2, sponsored_by = $3 WHERE id = $1`, suggestionID, p.ID, partyID); err != nil {
			return err
		}
		if err := event(ctx, tx, p.DocumentID, "proposal", p.ID, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "suggestion.sponsor", "suggestion", strconv.FormatInt(suggestionID, 10), map[string]any{"proposal_id": p.ID})
	})
	return p, err
}

// SetObserversConsulted opens or closes a document to observers'
// suggestions and comments. Opening it also lets observers read what they
// are consulted on (negotiation.Policy.OpenToObservers); closing it takes
// no reading right away: the disclosure policy is changed on its own.
func (s *Store) SetObserversConsulted(ctx context.Context, actor negotiation.Actor, docID int64, open bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var p negotiation.Policy
		err := tx.QueryRow(ctx, `UPDATE documents SET suggestions_open = $2 WHERE id = $1 RETURNING disclosure`, docID, open).Scan(&p)
		if err != nil {
			return err
		}
		detail := map[string]any{"open": open}
		if open && p.OpenToObservers() {
			if _, err := tx.Exec(ctx, `UPDATE documents SET disclosure = $2 WHERE id = $1`, docID, p); err != nil {
				return err
			}
			detail["policy"] = p.Summary()
		}
		if err := event(ctx, tx, docID, "policy", 0, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "document.consultation", "document", strconv.FormatInt(docID, 10), detail)
	})
}

// SuggestionDocument tells which document a suggestion belongs to, so the
// read check can run before anything else is done with it.
func (s *Store) SuggestionDocument(ctx context.Context, id int64) (int64, error) {
	var docID int64
	err := s.pool.QueryRow(ctx, `SELECT document_id FROM suggestions WHERE id = $1`, id).Scan(&docID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, negotiation.Errorf(negotiation.ENotFound, "suggestion %d not found", id)
	}
	return docID, err
}
