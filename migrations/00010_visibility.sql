-- The disclosure rules of every document, kept as rows: one per document,
-- artefact and audience whose cell ever opens, with the moment it opens.
-- The row-level rules (00009) asked each document's policy, a jsonb of 24
-- cells, for every statement: at 500 documents that took 12-20 ms per
-- artefact, most of an observer's read. An index answers "which documents
-- show this artefact to these audiences now" in well under a millisecond.
-- Triggers keep the rows in step with documents.disclosure and adoptions in
-- the same transaction, so a changed policy binds at once, as before.

-- +goose Up
CREATE TABLE document_visibility (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    artefact text NOT NULL,
    audience text NOT NULL,
    -- When the cell opens: -infinity for "now" and "anonymised", the
    -- embargo's end for "from", the adoption for "adoption" (no row until
    -- adopted); for the final text, not before its embargo set at adoption.
    opens_at timestamptz NOT NULL,
    -- Shown without naming who (a "Proposal A" label instead).
    anonymised boolean NOT NULL,
    PRIMARY KEY (document_id, artefact, audience)
);
CREATE INDEX document_visibility_open_idx ON document_visibility (artefact, audience, opens_at) INCLUDE (document_id, anonymised);

-- zd_visibility_refresh rewrites one document's rows from its policy and
-- its adoption, as zd_rule_open and zd_final_open read them.
-- +goose StatementBegin
CREATE FUNCTION zd_visibility_refresh(doc bigint, policy jsonb) RETURNS void LANGUAGE sql AS $$
    DELETE FROM document_visibility WHERE document_id = doc;
    INSERT INTO document_visibility (document_id, artefact, audience, opens_at, anonymised)
    SELECT doc, r.key, c.key, o.opens_at, c.value ->> 'when' = 'anonymised'
    FROM jsonb_each(policy -> 'rules') r
    CROSS JOIN jsonb_each(r.value) c
    LEFT JOIN adoptions ad ON ad.document_id = doc
    CROSS JOIN LATERAL (SELECT CASE c.value ->> 'when'
            WHEN 'now' THEN '-infinity'::timestamptz
            WHEN 'anonymised' THEN '-infinity'::timestamptz
            WHEN 'from' THEN (c.value ->> 'from')::timestamptz
            WHEN 'adoption' THEN ad.adopted_at
        END AS cell) w
    -- GREATEST ignores NULL: a final text without an embargo opens with its
    -- cell; a cell that never opens must stay shut whatever the embargo.
    CROSS JOIN LATERAL (SELECT CASE WHEN r.key = 'final' AND w.cell IS NOT NULL THEN greatest(w.cell, ad.public_from) ELSE w.cell END AS opens_at) o
    WHERE o.opens_at IS NOT NULL;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION documents_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM zd_visibility_refresh(NEW.id, NEW.disclosure);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER documents_visibility AFTER INSERT OR UPDATE OF disclosure ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_visibility();

-- An adoption (by the secretariat or the server's own job, who see every
-- document) opens the "adoption" cells and may set the final text's embargo.
-- The function reads the document's policy as the server's own work
-- (zerodraft.kind, restored on return), not under the caller's rules.
-- +goose StatementBegin
CREATE FUNCTION adoptions_visibility() RETURNS trigger LANGUAGE plpgsql SET zerodraft.kind = 'system' AS $$
DECLARE
    doc bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END;
BEGIN
    PERFORM zd_visibility_refresh(doc, (SELECT disclosure FROM documents WHERE id = doc));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER adoptions_visibility AFTER INSERT OR UPDATE OR DELETE ON adoptions
    FOR EACH ROW EXECUTE FUNCTION adoptions_visibility();

-- Every document, whatever the rules let this connection read.
SELECT set_config('zerodraft.kind', 'system', true);
SELECT zd_visibility_refresh(id, disclosure) FROM documents;

-- The same list as before, from the rows: the documents whose artefact one
-- of the viewer's audiences sees now (named: in clear, not anonymised), and,
-- for everything but the text itself, whose draft text it may read too.
-- In PL/pgSQL with one generic plan: a SQL function's body is planned
-- again at every statement that calls it, which cost three times the
-- lookup itself, and nearly every statement of the application calls it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION zd_docs_now(artefact text, named boolean) RETURNS bigint[] LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT coalesce(array_agg(DISTINCT v.document_id), '{}') INTO ids
    FROM document_visibility v
    WHERE v.artefact = $1 AND v.audience = ANY (zd_audiences()) AND v.opens_at <= zd_now() AND NOT ($2 AND v.anonymised)
    AND ($1 IN ('text', 'final') OR EXISTS (SELECT 1 FROM document_visibility t
        WHERE t.document_id = v.document_id AND t.artefact = 'text' AND t.audience = ANY (zd_audiences()) AND t.opens_at <= zd_now()));
    RETURN ids;
END $$;
-- +goose StatementEnd

-- Documents by the same list, remembered for the statement.
DROP POLICY documents_read ON documents;
CREATE POLICY documents_read ON documents FOR SELECT
    USING ((SELECT zd_unrestricted()) OR id = ANY ((SELECT zd_docs('text'))::bigint[]) OR id = ANY ((SELECT zd_docs('final'))::bigint[]));

-- +goose Down
DROP POLICY documents_read ON documents;
CREATE POLICY documents_read ON documents FOR SELECT
    USING ((SELECT zd_unrestricted()) OR zd_open(disclosure, id, 'text', false) OR zd_open(disclosure, id, 'final', false));
CREATE OR REPLACE FUNCTION zd_docs_now(artefact text, named boolean) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT d.id), '{}')
    FROM (SELECT id, disclosure -> 'rules' -> artefact AS rules, disclosure -> 'rules' -> 'text' AS text_rules FROM documents OFFSET 0) d
    CROSS JOIN unnest(zd_audiences()) AS aud
    WHERE zd_final_open(d.id, artefact) AND zd_rule_open(d.rules -> aud ->> 'when', d.rules -> aud ->> 'from', d.id, named)
    AND (artefact IN ('text', 'final') OR EXISTS (SELECT 1 FROM unnest(zd_audiences()) AS t
        WHERE zd_rule_open(d.text_rules -> t ->> 'when', d.text_rules -> t ->> 'from', d.id, false)))
$$;
DROP TRIGGER adoptions_visibility ON adoptions;
DROP FUNCTION adoptions_visibility();
DROP TRIGGER documents_visibility ON documents;
DROP FUNCTION documents_visibility();
DROP FUNCTION zd_visibility_refresh(bigint, jsonb);
DROP TABLE document_visibility;
