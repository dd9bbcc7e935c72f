package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// BuildFunc computes the provisions of a new version from the latest one.
// used holds every key the document has ever used, so new keys never take
// the identity of an old provision. It runs inside the transaction that
// stores the result, so it always sees the version it builds on.
type BuildFunc func(prev negotiation.Version, used map[string]bool) ([]negotiation.Provision, []negotiation.Warning, error)

// CreateDocument stores a document and its first version in one transaction.
func (s *Store) CreateDocument(ctx context.Context, actor negotiation.Actor, nd negotiation.NewDocument, provs []negotiation.Provision, warns []negotiation.Warning) (negotiation.Document, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var processID *int64
		if nd.Process != "" {
			pid, err := ensureProcess(ctx, tx, nd.Process)
			if err != nil {
				return err
			}
			processID = &pid
		}
		policy, err := negotiation.Preset(negotiation.DefaultPresetPolicy)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO documents (process_id, symbol, title, language, disclosure)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, processID, nd.Symbol, nd.Title, nd.Language, policy).Scan(&id)
		if isUniqueViolation(err, "documents_symbol_key") {
			return negotiation.Errorf(negotiation.EConflict, "a document with the symbol %s exists already", nd.Symbol)
		}
		if err != nil {
			return err
		}
		if err := insertVersion(ctx, tx, actor, id, 1, nd.Label, provs, warns); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "document.create", "document", strconv.FormatInt(id, 10),
			map[string]any{"symbol": nd.Symbol, "title": nd.Title, "language": nd.Language, "provisions": len(provs)})
	})
	if err != nil {
		return negotiation.Document{}, err
	}
	return s.Document(ctx, id)
}

func ensureProcess(ctx context.Context, tx pgx.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO processes (name) VALUES ($1)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, name).Scan(&id)
	return id, err
}

// AddVersion appends a version built by build from the latest version. The
// document row is locked so that two concurrent revisions are numbered one
// after the other, each built on its predecessor.
func (s *Store) AddVersion(ctx context.Context, actor negotiation.Actor, docID int64, label string, build BuildFunc) (negotiation.Version, error) {
	var number int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, docID); err != nil {
			return err
		}
		prev, err := latestVersion(ctx, tx, docID)
		if err != nil {
			return err
		}
		used, err := usedKeys(ctx, tx, docID)
		if err != nil {
			return err
		}
		provs, warns, err := build(prev, used)
		if err != nil {
			return err
		}
		number = prev.Number + 1
		if label == "" {
			label = "Rev." + strconv.Itoa(number-1)
		}
		if err := insertVersion(ctx, tx, actor, docID, number, label, provs, warns); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "version.create", "document", strconv.FormatInt(docID, 10),
			map[string]any{"version": number, "label": label, "provisions": len(provs)})
	})
	if err != nil {
		return negotiation.Version{}, err
	}
	return s.Version(ctx, docID, number)
}

func insertVersion(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, docID int64, number int, label string, provs []negotiation.Provision, warns []negotiation.Warning) error {
	if warns == nil {
		warns = []negotiation.Warning{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO versions (document_id, number, label, created_by, warnings)
		VALUES ($1, $2, $3, $4, $5)`, docID, number, label, actor.Name, warns)
	if err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	// One statement over arrays rather than COPY, which row-level security
	// does not allow; still one round trip for a 1,200-paragraph text.
	keys, numbers, kinds, labels, texts := make([]string, len(provs)), make([]string, len(provs)),
		make([]string, len(provs)), make([]string, len(provs)), make([]string, len(provs))
	for i, p := range provs {
		keys[i], numbers[i], kinds[i], labels[i], texts[i] = p.Key, p.Number, string(p.Kind), p.Label, p.Text
	}
	_, err = tx.Exec(ctx, `INSERT INTO provisions (document_id, version_number, position, key, number, kind, label, text)
		SELECT $1, $2, t.ord - 1, t.key, t.number, t.kind, t.label, t.text
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(key, number, kind, label, text, ord)`,
		docID, number, keys, numbers, kinds, labels, texts)
	if err != nil {
		return fmt.Errorf("insert provisions: %w", err)
	}
	return nil
}

func latestVersion(ctx context.Context, tx pgx.Tx, docID int64) (negotiation.Version, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT coalesce(max(number), 0) FROM versions WHERE document_id = $1`, docID).Scan(&n)
	if err != nil {
		return negotiation.Version{}, err
	}
	if n == 0 {
		return negotiation.Version{}, negotiation.Errorf(negotiation.ENotFound, "document %d not found", docID)
	}
	return version(ctx, tx, docID, n)
}

func usedKeys(ctx context.Context, q querier, docID int64) (map[string]bool, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT key FROM provisions WHERE document_id = $1`, docID)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	used := make(map[string]bool, len(keys))
	for _, k := range keys {
		used[k] = true
	}
	return used, nil
}

// querier is what both the pool and a transaction offer for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ListDocuments returns every document with its versions (without text),
// newest first.
func (s *Store) ListDocuments(ctx context.Context) ([]negotiation.Document, error) {
	rows, err := s.pool.Query(ctx, documentSelect+` ORDER BY d.created_at DESC, d.id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanDocument)
}

// Document returns one document with its versions (without text).
func (s *Store) Document(ctx context.Context, id int64) (negotiation.Document, error) {
	rows, err := s.pool.Query(ctx, documentSelect+` WHERE d.id = $1`, id)
	if err != nil {
		return negotiation.Document{}, err
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDocument)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, negotiation.Errorf(negotiation.ENotFound, "document %d not found", id)
	}
	return d, err
}

// documentSelect reads documents with their version list aggregated in one
// query, so a listing costs one round trip however many documents it shows.
const documentSelect = `SELECT d.id, d.symbol, d.title, d.language, coalesce(p.name, ''), d.created_at,
	d.tabling_deadline, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
	coalesce((SELECT json_agg(json_build_object('number', v.number, 'label', v.label,
		'created_by', v.created_by, 'created_at', v.created_at) ORDER BY v.number)
		FROM versions v WHERE v.document_id = d.id), '[]')
	FROM documents d LEFT JOIN processes p ON p.id = d.process_id LEFT JOIN adoptions ad ON ad.document_id = d.id`

func scanDocument(r pgx.CollectableRow) (negotiation.Document, error) {
	var d negotiation.Document
	var versions []byte
	if err := r.Scan(&d.ID, &d.Symbol, &d.Title, &d.Language, &d.Process, &d.CreatedAt, &d.TablingDeadline, &d.ObserversConsulted, &d.Disclosure.Policy, &d.Disclosure.AdoptedAt, &d.Disclosure.FinalFrom, &versions); err != nil {
		return d, err
	}
	d.CreatedAt = d.CreatedAt.UTC()
	if err := json.Unmarshal(versions, &d.Versions); err != nil {
		return d, err
	}
	for i := range d.Versions {
		d.Versions[i].CreatedAt = d.Versions[i].CreatedAt.UTC()
	}
	return d, nil
}

// Version returns one version with its provisions in order.
func (s *Store) Version(ctx context.Context, docID int64, number int) (negotiation.Version, error) {
	return version(ctx, s.pool, docID, number)
}

func version(ctx context.Context, q querier, docID int64, number int) (negotiation.Version, error) {
	v := negotiation.Version{Number: number}
	err := q.QueryRow(ctx, `SELECT label, created_by, created_at, warnings FROM versions
		WHERE document_id = $1 AND number = $2`, docID, number).Scan(&v.Label, &v.CreatedBy, &v.CreatedAt, &v.Warnings)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, negotiation.Errorf(negotiation.ENotFound, "document %d has no version %d", docID, number)
	}
	if err != nil {
		return v, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	rows, err := q.Query(ctx, `SELECT key, number, kind, label, text FROM provisions
		WHERE document_id = $1 AND version_number = $2 ORDER BY position`, docID, number)
	if err != nil {
		return v, err
	}
	v.Provisions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (negotiation.Provision, error) {
		var p negotiation.Provision
		err := r.Scan(&p.Key, &p.Number, &p.Kind, &p.Label, &p.Text)
		return p, err
	})
	return v, err
}

// DocumentAccess reads what the authorisation check needs of a document;
// an unknown document is "not found".
func (s *Store) DocumentAccess(ctx context.Context, id int64) (negotiation.DocumentAccess, error) {
	d := negotiation.DocumentAccess{ID: id}
	err := s.pool.QueryRow(ctx, `SELECT `+documentAccessColumns+`
		FROM documents d LEFT JOIN adoptions ad ON ad.document_id = d.id WHERE d.id = $1`, id).Scan(documentAccessFields(&d)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, negotiation.Errorf(negotiation.ENotFound, "document %d not found", id)
	}
	return d, err
}

// documentAccessColumns are what authorisation needs of a document d and
// its adoption ad, in the order of documentAccessFields.
const documentAccessColumns = `d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from`

func documentAccessFields(d *negotiation.DocumentAccess) []any {
	return []any{&d.ObserversConsulted, &d.Disclosure.Policy, &d.Disclosure.AdoptedAt, &d.Disclosure.FinalFrom}
}
