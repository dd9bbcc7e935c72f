package store

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// CreateParty stores a party, and a group's members (given by code).
func (s *Store) CreateParty(ctx context.Context, actor negotiation.Actor, p negotiation.Party) (negotiation.Party, error) {
	if err := p.Normalize(); err != nil {
		return p, err
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO parties (code, name, kind) VALUES ($1, $2, $3) RETURNING id`,
			p.Code, p.Name, string(p.Kind)).Scan(&p.ID)
		if isUniqueViolation(err, "parties_code_key") {
			return negotiation.Errorf(negotiation.EConflict, "a party with the code %s exists already", p.Code)
		}
		if err != nil {
			return err
		}
		if err := addMembers(ctx, tx, p.ID, p.Members); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "party.create", "party", strconv.FormatInt(p.ID, 10),
			map[string]any{"code": p.Code, "name": p.Name, "kind": p.Kind, "members": p.Members})
	})
	return p, err
}

func addMembers(ctx context.Context, tx pgx.Tx, groupID int64, codes []string) error {
	for _, code := range codes {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code == "" {
			continue
		}
		var memberID int64
		var kind string
		err := tx.QueryRow(ctx, `SELECT id, kind FROM parties WHERE upper(code) = $1`, code).Scan(&memberID, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.EInvalid, "member %s is not a known party; add it first", code)
		}
		if err != nil {
			return err
		}
		if kind != string(negotiation.PartyState) {
			return negotiation.Errorf(negotiation.EInvalid, "member %s is a %s; a group's members are states", code, kind)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO group_members (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, memberID); err != nil {
			return err
		}
	}
	return nil
}

// Parties lists every party with its members, by kind and code.
func (s *Store) Parties(ctx context.Context) ([]negotiation.Party, error) {
	rows, err := s.pool.Query(ctx, partySelect+` ORDER BY p.kind, p.code`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanParty)
}

// PartyByCode finds a party by its code, in any case.
func (s *Store) PartyByCode(ctx context.Context, code string) (negotiation.Party, error) {
	rows, err := s.pool.Query(ctx, partySelect+` WHERE upper(p.code) = upper($1)`, strings.TrimSpace(code))
	if err != nil {
		return negotiation.Party{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanParty)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, negotiation.Errorf(negotiation.ENotFound, "no party with the code %s", code)
	}
	return p, err
}

const partySelect = `SELECT p.id, p.code, p.name, p.kind,
	coalesce((SELECT array_agg(m.code ORDER BY m.code) FROM group_members g JOIN parties m ON m.id = g.member_id
		WHERE g.group_id = p.id), '{}')
	FROM parties p`

func scanParty(r pgx.CollectableRow) (negotiation.Party, error) {
	var p negotiation.Party
	err := r.Scan(&p.ID, &p.Code, &p.Name, &p.Kind, &p.Members)
	return p, err
}

// DesignateGroupDelegate lets a user act for a negotiating group (or, with
// designate false, stops it).
func (s *Store) DesignateGroupDelegate(ctx context.Context, actor negotiation.Actor, groupID, userID int64, designate bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if designate {
			_, err = tx.Exec(ctx, `INSERT INTO group_delegates (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, userID)
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM group_delegates WHERE group_id = $1 AND user_id = $2`, groupID, userID)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "group.delegate", "party", strconv.FormatInt(groupID, 10), map[string]any{"user_id": userID, "designated": designate})
	})
}
