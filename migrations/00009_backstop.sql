-- Defence in depth for the disclosure rules: row-level security on the
-- tables that hold restricted content, keyed on the viewer that the
-- application sets on its connection before each use (zerodraft.kind,
-- .party, .audiences, .now; see internal/store/viewer.go). The application
-- works as the role zerodraft_app (made and granted by internal/store at
-- start), which owns no table and cannot bypass row-level security; FORCE
-- makes the rules bind the owner too. A bug in the application's own check
-- then still returns no restricted row.

-- +goose Up


-- The viewer, as the application set it; nothing set means the public.
CREATE FUNCTION zd_kind() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('zerodraft.kind', true), '') $$;
CREATE FUNCTION zd_party() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('zerodraft.party', true), '')::bigint $$;
-- The secretariat sees everything; "system" is the server's own background
-- work (publishing, scheduled adoption), never a request.
CREATE FUNCTION zd_unrestricted() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT zd_kind() IN ('secretariat', 'system') $$;
CREATE FUNCTION zd_now() RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('zerodraft.now', true), '')::timestamptz, now()) $$;
CREATE FUNCTION zd_audiences() RETURNS text[] LANGUAGE sql STABLE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting('zerodraft.audiences', true), ''), ','), ARRAY['public']) $$;

-- When a document was adopted, which version, and any embargo on the
-- final text set at adoption.
CREATE FUNCTION zd_adopted_at(doc bigint) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT adopted_at FROM adoptions WHERE document_id = doc $$;
CREATE FUNCTION zd_adopted_version(doc bigint) RETURNS integer LANGUAGE sql STABLE
    AS $$ SELECT version_number FROM adoptions WHERE document_id = doc $$;
CREATE FUNCTION zd_final_from(doc bigint) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT public_from FROM adoptions WHERE document_id = doc $$;

-- zd_open mirrors negotiation.Disclosure.Sees for one document's policy:
-- does any of the viewer's audiences see the artefact now? named asks for
-- attributions in clear (not anonymised).
-- zd_rule_open is one cell of a policy (its "when" and "from"). It and
-- zd_final_open are single expressions, which PostgreSQL inlines into the
-- queries that call them: no function call per document.
CREATE FUNCTION zd_rule_open(rule_when text, rule_from text, doc bigint, named boolean) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE rule_when
        WHEN 'now' THEN true
        WHEN 'anonymised' THEN NOT named
        WHEN 'from' THEN rule_from::timestamptz <= zd_now()
        WHEN 'adoption' THEN zd_adopted_at(doc) <= zd_now()
        ELSE false END
$$;
-- The final text's embargo, set at adoption.
CREATE FUNCTION zd_final_open(doc bigint, artefact text) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT artefact <> 'final' OR zd_final_from(doc) IS NULL OR zd_final_from(doc) <= zd_now() $$;

CREATE FUNCTION zd_open(policy jsonb, doc bigint, artefact text, named boolean) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT zd_final_open(doc, artefact) AND EXISTS (
        SELECT 1 FROM unnest(zd_audiences()) AS aud
        WHERE zd_rule_open(policy -> 'rules' -> artefact -> aud ->> 'when', policy -> 'rules' -> artefact -> aud ->> 'from', doc, named))
$$;

-- zd_docs lists the documents whose artefact the viewer sees. Policies call
-- it as (SELECT zd_docs(…)), which PostgreSQL evaluates once per query (an
-- InitPlan), not once per row. It is zd_open as one join over all
-- documents rather than a call of zd_open per document (which, holding a
-- subquery, cannot be inlined), reading each policy once (OFFSET 0 keeps
-- the planner from repeating disclosure -> 'rules' -> artefact, a
-- decompression of the policy, in every condition): at 500 documents about
-- 1-2 ms per call instead of 25.
CREATE FUNCTION zd_docs_now(artefact text, named boolean) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT d.id), '{}')
    FROM (SELECT id, disclosure -> 'rules' -> artefact AS rules, disclosure -> 'rules' -> 'text' AS text_rules FROM documents OFFSET 0) d
    CROSS JOIN unnest(zd_audiences()) AS aud
    WHERE zd_final_open(d.id, artefact) AND zd_rule_open(d.rules -> aud ->> 'when', d.rules -> aud ->> 'from', d.id, named)
    -- Everything but the final text is part of the negotiation: seen only
    -- by who may read the draft text too (as AuthorizeDocument says).
    AND (artefact IN ('text', 'final') OR EXISTS (SELECT 1 FROM unnest(zd_audiences()) AS t
        WHERE zd_rule_open(d.text_rules -> t ->> 'when', d.text_rules -> t ->> 'from', d.id, false)))
$$;

-- zd_docs is zd_docs_now remembered for the rest of the statement: one
-- statement reads a table several times (a thread page reads comments
-- seven times), each read carrying its policy's InitPlans, and the list is
-- the same each time. The answer is kept in a setting of the session keyed
-- by the statement's start and the viewer, so a later statement, a policy
-- changed by an earlier statement or another viewer never sees it.
-- +goose StatementBegin
CREATE FUNCTION zd_docs(artefact text, named boolean DEFAULT false) RETURNS bigint[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    slot text := 'zerodraft.docs_' || artefact || CASE WHEN named THEN '_named' ELSE '' END;
    key text := statement_timestamp()::text || '|' || zd_kind() || '|' || coalesce(zd_party()::text, '') || '|'
        || array_to_string(zd_audiences(), ',') || '|' || coalesce(current_setting('zerodraft.now', true), '');
    kept text := current_setting(slot, true);
    ids bigint[];
BEGIN
    IF kept IS NOT NULL AND split_part(kept, '#', 1) = key THEN
        RETURN split_part(kept, '#', 2)::bigint[];
    END IF;
    ids := zd_docs_now(artefact, named);
    PERFORM set_config(slot, key || '#' || ids::text, false);
    RETURN ids;
END $$;
-- +goose StatementEnd

-- The kind of party a comment's author acts for: the rules show comments
-- by author kind. Kept on the row, set by a trigger, so that the rule needs
-- no join.
ALTER TABLE comments ADD COLUMN author_kind text;
UPDATE comments c SET author_kind = p.kind FROM parties p WHERE p.id = c.party_id;
ALTER TABLE comments ALTER COLUMN author_kind SET NOT NULL;
-- +goose StatementBegin
CREATE FUNCTION comments_author_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT kind INTO NEW.author_kind FROM parties WHERE id = NEW.party_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_author_kind BEFORE INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_author_kind();

-- Documents: their title and symbol are as visible as their text (or, once
-- adopted, their final text).
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_read ON documents FOR SELECT
    USING ((SELECT zd_unrestricted()) OR zd_open(disclosure, id, 'text', false) OR zd_open(disclosure, id, 'final', false));
CREATE POLICY documents_insert ON documents FOR INSERT WITH CHECK (true);
CREATE POLICY documents_update ON documents FOR UPDATE USING (true);

-- Versions and provisions: the draft text, or the adopted version where the
-- final text is visible.
ALTER TABLE versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE versions FORCE ROW LEVEL SECURITY;
CREATE POLICY versions_read ON versions FOR SELECT
    USING ((SELECT zd_unrestricted()) OR document_id = ANY ((SELECT zd_docs('text'))::bigint[])
        OR (document_id = ANY ((SELECT zd_docs('final'))::bigint[]) AND number = zd_adopted_version(document_id)));
CREATE POLICY versions_insert ON versions FOR INSERT WITH CHECK (true);
CREATE POLICY versions_update ON versions FOR UPDATE USING (true);

ALTER TABLE provisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE provisions FORCE ROW LEVEL SECURITY;
CREATE POLICY provisions_read ON provisions FOR SELECT
    USING ((SELECT zd_unrestricted()) OR document_id = ANY ((SELECT zd_docs('text'))::bigint[])
        OR (document_id = ANY ((SELECT zd_docs('final'))::bigint[]) AND version_number = zd_adopted_version(document_id)));
CREATE POLICY provisions_insert ON provisions FOR INSERT WITH CHECK (true);

-- Proposals: a party's own (drafts included) on a document whose text it
-- may read, as for everything a party owns below; others' tabled ones where
-- the rules show proposals.
ALTER TABLE proposals ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposals FORCE ROW LEVEL SECURITY;
CREATE POLICY proposals_read ON proposals FOR SELECT
    USING ((SELECT zd_unrestricted()) OR (party_id = (SELECT zd_party()) AND document_id = ANY ((SELECT zd_docs('text'))::bigint[]))
        OR (status <> 'draft' AND document_id = ANY ((SELECT zd_docs('proposals'))::bigint[])));
CREATE POLICY proposals_insert ON proposals FOR INSERT WITH CHECK (true);
CREATE POLICY proposals_update ON proposals FOR UPDATE USING (true);

-- Co-sponsorships are attributions.
ALTER TABLE proposal_cosponsors ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposal_cosponsors FORCE ROW LEVEL SECURITY;
CREATE POLICY cosponsors_read ON proposal_cosponsors FOR SELECT
    USING ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party())
        OR EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_id
            AND p.document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])));
CREATE POLICY cosponsors_insert ON proposal_cosponsors FOR INSERT WITH CHECK (true);

ALTER TABLE positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE positions FORCE ROW LEVEL SECURITY;
CREATE POLICY positions_read ON positions FOR SELECT
    USING ((SELECT zd_unrestricted()) OR (party_id = (SELECT zd_party()) AND document_id = ANY ((SELECT zd_docs('text'))::bigint[])) OR document_id = ANY ((SELECT zd_docs('positions'))::bigint[]));
CREATE POLICY positions_insert ON positions FOR INSERT WITH CHECK (true);

-- Observers' suggestions rule like observers' comments.
ALTER TABLE suggestions ENABLE ROW LEVEL SECURITY;
ALTER TABLE suggestions FORCE ROW LEVEL SECURITY;
CREATE POLICY suggestions_read ON suggestions FOR SELECT
    USING ((SELECT zd_unrestricted()) OR ((party_id = (SELECT zd_party()) OR sponsored_by = (SELECT zd_party())) AND document_id = ANY ((SELECT zd_docs('text'))::bigint[]))
        OR document_id = ANY ((SELECT zd_docs('comments_observers'))::bigint[]));
CREATE POLICY suggestions_insert ON suggestions FOR INSERT WITH CHECK (true);
CREATE POLICY suggestions_update ON suggestions FOR UPDATE USING (true);

-- Comments: confidential ones to their party only; public ones by the kind
-- of their author.
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY comments_read ON comments FOR SELECT
    USING ((SELECT zd_unrestricted()) OR ((party_id = (SELECT zd_party()) OR confidential_party = (SELECT zd_party())) AND document_id = ANY ((SELECT zd_docs('text'))::bigint[]))
        OR (scope = 'public' AND (
            (author_kind = 'observer' AND document_id = ANY ((SELECT zd_docs('comments_observers'))::bigint[]))
            OR (author_kind <> 'observer' AND document_id = ANY ((SELECT zd_docs('comments_members'))::bigint[])))));
CREATE POLICY comments_insert ON comments FOR INSERT WITH CHECK (true);
CREATE POLICY comments_update ON comments FOR UPDATE USING (true);

ALTER TABLE comment_edits ENABLE ROW LEVEL SECURITY;
ALTER TABLE comment_edits FORCE ROW LEVEL SECURITY;
CREATE POLICY comment_edits_read ON comment_edits FOR SELECT
    USING ((SELECT zd_unrestricted()) OR EXISTS (SELECT 1 FROM comments c WHERE c.id = comment_id));
CREATE POLICY comment_edits_insert ON comment_edits FOR INSERT WITH CHECK (true);

-- Attachments: a comment's files where the comment is visible and the
-- rules show attachments (its own party always sees them).
ALTER TABLE comment_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comment_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY comment_attachments_read ON comment_attachments FOR SELECT
    USING ((SELECT zd_unrestricted()) OR EXISTS (SELECT 1 FROM comments c WHERE c.id = comment_id
        AND (c.party_id = (SELECT zd_party()) OR c.document_id = ANY ((SELECT zd_docs('attachments'))::bigint[]))));
CREATE POLICY comment_attachments_insert ON comment_attachments FOR INSERT WITH CHECK (true);

-- Attributions in clear only where the rules name them: the store reads
-- proposals, suggestions and comments through these views, which blank the
-- party (and the person) otherwise, and positions' parties through
-- zd_named's condition. The views run with the reader's rights, so the rows
-- above stay filtered. Queries over many rows write zd_named's body out,
-- as the views do, rather than call it: a call per row cannot be inlined
-- (it holds a subquery) and would list the documents again for every row;
-- written out, the list is an InitPlan, made once per query.
CREATE FUNCTION zd_named(doc bigint, party bigint) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT (SELECT zd_unrestricted()) OR party = (SELECT zd_party()) OR doc = ANY ((SELECT zd_docs('attributions', true))::bigint[]) $$;

CREATE VIEW proposals_seen WITH (security_invoker = true) AS
    SELECT id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target, justification,
        CASE WHEN ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN party_id END AS party_id,
        created_by, status,
        CASE WHEN ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN credited_to END AS credited_to,
        decided_version, created_at, updated_at
    FROM proposals;

CREATE VIEW suggestions_seen WITH (security_invoker = true) AS
    SELECT id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, justification,
        CASE WHEN ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN party_id END AS party_id,
        proposal_id,
        CASE WHEN ((SELECT zd_unrestricted()) OR sponsored_by = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN sponsored_by END AS sponsored_by,
        created_at
    FROM suggestions;

CREATE VIEW comments_seen WITH (security_invoker = true) AS
    SELECT id, document_id, parent_id, depth, provision_key, proposal_id, version_number, body, scope, confidential_party,
        CASE WHEN ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN author_id END AS author_id,
        CASE WHEN ((SELECT zd_unrestricted()) OR party_id = (SELECT zd_party()) OR document_id = ANY ((SELECT zd_docs('attributions', true))::bigint[])) THEN party_id END AS party_id,
        author_kind, status, status_by, status_reason, status_at, reviewed, report_count, edited_at, created_at, campaign_key
    FROM comments;

-- +goose Down
DROP VIEW comments_seen, suggestions_seen, proposals_seen;
DROP FUNCTION zd_named(bigint, bigint);
DROP POLICY comment_attachments_read ON comment_attachments;
DROP POLICY comment_attachments_insert ON comment_attachments;
ALTER TABLE comment_attachments DISABLE ROW LEVEL SECURITY;
DROP POLICY comment_edits_read ON comment_edits;
DROP POLICY comment_edits_insert ON comment_edits;
ALTER TABLE comment_edits DISABLE ROW LEVEL SECURITY;
DROP POLICY comments_read ON comments;
DROP POLICY comments_insert ON comments;
DROP POLICY comments_update ON comments;
ALTER TABLE comments DISABLE ROW LEVEL SECURITY;
DROP POLICY suggestions_read ON suggestions;
DROP POLICY suggestions_insert ON suggestions;
DROP POLICY suggestions_update ON suggestions;
ALTER TABLE suggestions DISABLE ROW LEVEL SECURITY;
DROP POLICY positions_read ON positions;
DROP POLICY positions_insert ON positions;
ALTER TABLE positions DISABLE ROW LEVEL SECURITY;
DROP POLICY cosponsors_read ON proposal_cosponsors;
DROP POLICY cosponsors_insert ON proposal_cosponsors;
ALTER TABLE proposal_cosponsors DISABLE ROW LEVEL SECURITY;
DROP POLICY proposals_read ON proposals;
DROP POLICY proposals_insert ON proposals;
DROP POLICY proposals_update ON proposals;
ALTER TABLE proposals DISABLE ROW LEVEL SECURITY;
DROP POLICY provisions_read ON provisions;
DROP POLICY provisions_insert ON provisions;
ALTER TABLE provisions DISABLE ROW LEVEL SECURITY;
DROP POLICY versions_read ON versions;
DROP POLICY versions_insert ON versions;
DROP POLICY versions_update ON versions;
ALTER TABLE versions DISABLE ROW LEVEL SECURITY;
DROP POLICY documents_read ON documents;
DROP POLICY documents_insert ON documents;
DROP POLICY documents_update ON documents;
ALTER TABLE documents DISABLE ROW LEVEL SECURITY;
DROP TRIGGER comments_author_kind ON comments;
DROP FUNCTION comments_author_kind();
ALTER TABLE comments DROP COLUMN author_kind;
DROP FUNCTION zd_docs(text, boolean);
DROP FUNCTION zd_docs_now(text, boolean);
DROP FUNCTION zd_open(jsonb, bigint, text, boolean);
DROP FUNCTION zd_final_open(bigint, text);
DROP FUNCTION zd_rule_open(text, text, bigint, boolean);
DROP FUNCTION zd_final_from(bigint);
DROP FUNCTION zd_adopted_version(bigint);
DROP FUNCTION zd_adopted_at(bigint);
DROP FUNCTION zd_audiences();
DROP FUNCTION zd_now();
DROP FUNCTION zd_unrestricted();
DROP FUNCTION zd_party();
DROP FUNCTION zd_kind();
