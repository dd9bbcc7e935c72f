package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Translation is the adopted text in one more language, aligned to the
// original by provision key.
type Translation struct {
	Language   string            `json:"language"`
	Title      string            `json:"title"`
	Provisions map[string]string `json:"provisions"` // key → text (without the label)
	UpdatedBy  string            `json:"updated_by"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// SetTranslation stores (or replaces) the translation of an adopted
// document into lang. Every provision of the adopted version needs its
// text, and no other key is accepted, so that the languages stay aligned
// provision by provision.
func (s *Store) SetTranslation(ctx context.Context, actor negotiation.Actor, docID int64, tr Translation) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		symbol, title, _, err := lockDocument(ctx, tx, docID)
		if err != nil {
			return err
		}
		var number int
		var original string
		err = tx.QueryRow(ctx, `SELECT a.version_number, d.language FROM adoptions a JOIN documents d ON d.id = a.document_id
			WHERE a.document_id = $1`, docID).Scan(&number, &original)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.EConflict, "the document is not adopted yet; translations are of the final text")
		}
		if err != nil {
			return err
		}
		if strings.EqualFold(tr.Language, original) {
			return negotiation.Errorf(negotiation.EConflict, "%s is the document's original language", original)
		}
		v, err := version(ctx, tx, docID, number)
		if err != nil {
			return err
		}
		if err := checkAligned(v, tr.Provisions); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO translations (document_id, language, title, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (document_id, language) DO UPDATE SET title = EXCLUDED.title, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			docID, tr.Language, tr.Title, actor.Name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM translation_provisions WHERE document_id = $1 AND language = $2`, docID, tr.Language); err != nil {
			return err
		}
		rows := make([][]any, 0, len(tr.Provisions))
		for k, t := range tr.Provisions {
			rows = append(rows, []any{docID, tr.Language, k, t})
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"translation_provisions"}, []string{"document_id", "language", "key", "text"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if err := refreshSearch(ctx, tx, docID, symbol, title, v); err != nil {
			return err
		}
		if err := event(ctx, tx, docID, "translation", 0, 0, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "translation.set", "document", strconv.FormatInt(docID, 10),
			map[string]any{"language": tr.Language, "provisions": len(tr.Provisions)})
	})
}

// checkAligned requires one text per provision of v, by key, and nothing else.
func checkAligned(v negotiation.Version, texts map[string]string) error {
	want := make(map[string]bool, len(v.Provisions))
	for _, p := range v.Provisions {
		want[p.Key] = true
		if strings.TrimSpace(texts[p.Key]) == "" && strings.TrimSpace(p.Text) != "" {
			return negotiation.Errorf(negotiation.EInvalid, "provision %s (key %q) has no translation; every provision of %s needs one", p.Number, p.Key, v.Label)
		}
	}
	for k := range texts {
		if !want[k] {
			return negotiation.Errorf(negotiation.EInvalid, "the adopted text (%s) has no provision with key %q", v.Label, k)
		}
	}
	return nil
}

// refreshSearch rebuilds what the archive searches for one adopted
// document: symbol, title, the original text and every translation.
func refreshSearch(ctx context.Context, tx pgx.Tx, docID int64, symbol, title string, v negotiation.Version) error {
	parts := []string{symbol, title, negotiation.CanonicalText(v.Provisions)}
	rows, err := tx.Query(ctx, `SELECT t.title || E'\n' || coalesce(string_agg(p.text, E'\n'), '')
		FROM translations t LEFT JOIN translation_provisions p ON p.document_id = t.document_id AND p.language = t.language
		WHERE t.document_id = $1 GROUP BY t.language, t.title ORDER BY t.language`, docID)
	if err != nil {
		return err
	}
	more, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	text := searchText(append(parts, more...)...)
	_, err = tx.Exec(ctx, `UPDATE adoptions SET search_text = $2, cjk_grams = $3 WHERE document_id = $1`, docID, text, cjkGrams(text))
	return err
}

// Translations returns the translations of an adopted document by language.
func (s *Store) Translations(ctx context.Context, docID int64) ([]Translation, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.language, t.title, t.updated_by, t.updated_at,
			coalesce((SELECT jsonb_object_agg(p.key, p.text) FROM translation_provisions p
				WHERE p.document_id = t.document_id AND p.language = t.language), '{}')
		FROM translations t WHERE t.document_id = $1 ORDER BY t.language`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Translation, error) {
		var t Translation
		err := r.Scan(&t.Language, &t.Title, &t.UpdatedBy, &t.UpdatedAt, &t.Provisions)
		t.UpdatedAt = t.UpdatedAt.UTC()
		return t, err
	})
}

// Published is an adopted document as the archive lists it.
type Published struct {
	DocumentID int64
	Symbol     string
	Title      string
	Language   string
	Adoption   negotiation.Adoption
	Policy     negotiation.Policy // the document's disclosure policy
}

// AdoptedDocument finds an adopted document by its symbol (any case).
func (s *Store) AdoptedDocument(ctx context.Context, symbol string) (negotiation.Document, negotiation.Adoption, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT d.id FROM documents d JOIN adoptions a ON a.document_id = d.id
		WHERE lower(d.symbol) = lower($1)`, symbol).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return negotiation.Document{}, negotiation.Adoption{}, negotiation.Errorf(negotiation.ENotFound, "no published text with the symbol %s", symbol)
	}
	if err != nil {
		return negotiation.Document{}, negotiation.Adoption{}, err
	}
	d, err := s.Document(ctx, id)
	if err != nil {
		return d, negotiation.Adoption{}, err
	}
	a, err := s.Adoption(ctx, id)
	return d, a, err
}

// SearchAdopted lists adopted documents, newest adoption first, that match
// q by symbol or title (substring, any case), by English full-text search
// of every language's text, or by Chinese/Japanese/Korean characters (all
// of the query's characters and two-character pieces present). An empty q
// lists them all. Who may see each is decided by the caller.
func (s *Store) SearchAdopted(ctx context.Context, q string, limit int) ([]Published, error) {
	q = strings.TrimSpace(q)
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
	grams := cjkGrams(q)
	// Each way of matching is its own branch so that each uses its index
	// (GIN on the word vector, GIN on the CJK pieces); symbols and titles
	// are short and read directly.
	rows, err := s.pool.Query(ctx, `WITH hits AS (
			SELECT a.id FROM adoptions a WHERE $1 = ''
			UNION SELECT a.id FROM adoptions a WHERE $1 <> '' AND a.search_vector @@ websearch_to_tsquery('english', $1)
			UNION SELECT a.id FROM adoptions a WHERE cardinality($3::text[]) > 0 AND a.cjk_grams @> $3::text[]
			UNION SELECT a.id FROM adoptions a JOIN documents d ON d.id = a.document_id
				WHERE $1 <> '' AND (lower(d.symbol) LIKE $2 OR lower(d.title) LIKE $2))
		SELECT d.id, d.symbol, d.title, d.language, a.version_number, a.adopted_at, a.method, a.tally, a.public_from, a.text_sha256, d.disclosure
		FROM hits JOIN adoptions a ON a.id = hits.id JOIN documents d ON d.id = a.document_id
		ORDER BY a.adopted_at DESC, a.id DESC LIMIT $4`, q, like, grams, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Published, error) {
		var p Published
		var method string
		err := r.Scan(&p.DocumentID, &p.Symbol, &p.Title, &p.Language, &p.Adoption.Version, &p.Adoption.AdoptedAt, &method,
			&p.Adoption.Tally, &p.Adoption.PublicFrom, &p.Adoption.SHA256, &p.Policy)
		p.Adoption.DocumentID = p.DocumentID
		p.Adoption.Method = negotiation.AdoptionMethod(method)
		p.Adoption.AdoptedAt = p.Adoption.AdoptedAt.UTC()
		return p, err
	})
}

// cjkGrams cuts the runs of Chinese, Japanese and Korean characters in s
// into single characters and overlapping two-character pieces ("可持续" →
// 可, 持, 续, 可持, 持续), without repeats. Those scripts put no spaces
// between words, so word-based full-text search finds nothing in them; a
// text contains a query (for practical purposes) when it contains all the
// query's pieces, which a GIN index on the array answers quickly.
func cjkGrams(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	var prev rune
	for _, r := range s {
		if !isCJK(r) {
			prev = 0
			continue
		}
		add(string(r))
		if prev != 0 {
			add(string([]rune{prev, r}))
		}
		prev = r
	}
	return out
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// isForeignKeyViolation tells whether err is PostgreSQL's foreign_key_violation.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}
