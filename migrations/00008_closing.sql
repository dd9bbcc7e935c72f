-- +goose Up
-- Closing a negotiation: silence procedures and their breaks, adoption (one
-- per document), explanations of position, translations of the final text,
-- and what the public archive searches.

CREATE TABLE silences (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents (id),
    version_number integer NOT NULL,
    deadline       timestamptz NOT NULL,
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'broken', 'returned', 'adopted')),
    public_from    timestamptz,
    started_by     text NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz,
    FOREIGN KEY (document_id, version_number) REFERENCES versions (document_id, number)
);
-- One open silence procedure per document at a time.
CREATE UNIQUE INDEX silences_open_key ON silences (document_id) WHERE status IN ('running', 'broken');

CREATE TABLE silence_breaks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    silence_id bigint NOT NULL REFERENCES silences (id),
    party_id   bigint NOT NULL REFERENCES parties (id),
    user_id    bigint REFERENCES users (id),
    statement  text NOT NULL,
    keys       text[] NOT NULL DEFAULT '{}',
    text       text NOT NULL DEFAULT '',
    broken_at  timestamptz NOT NULL,
    -- A party breaks a given silence once.
    CONSTRAINT silence_breaks_party_key UNIQUE (silence_id, party_id)
);
CREATE TRIGGER silence_breaks_immutable BEFORE UPDATE OR DELETE ON silence_breaks
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The adoption of a document: at most one, whichever way it came (a
-- secretariat's decision, or a silence procedure's job at its deadline, in
-- any number of processes). Disclosure rules read this table.
CREATE TABLE adoptions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents (id),
    version_number integer NOT NULL,
    adopted_at     timestamptz NOT NULL,
    method         text NOT NULL CHECK (method IN ('consensus', 'vote', 'silence')),
    tally          jsonb,
    public_from    timestamptz,
    silence_id     bigint REFERENCES silences (id),
    adopted_by     text NOT NULL,
    text_sha256    text NOT NULL,
    -- What the public archive searches: symbol, title and every language's
    -- text; cjk_grams holds the single characters and overlapping
    -- two-character pieces of its Chinese/Japanese/Korean runs, which have
    -- no spaces between words (see docs/api.md, "Searching the archive").
    search_text    text NOT NULL DEFAULT '',
    search_vector  tsvector GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED,
    cjk_grams      text[] NOT NULL DEFAULT '{}',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT adoptions_document_id_key UNIQUE (document_id),
    FOREIGN KEY (document_id, version_number) REFERENCES versions (document_id, number)
);
CREATE INDEX adoptions_adopted_at_idx ON adoptions (adopted_at DESC);
CREATE INDEX adoptions_search_idx ON adoptions USING gin (search_vector);
CREATE INDEX adoptions_cjk_idx ON adoptions USING gin (cjk_grams);

CREATE TABLE explanations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES adoptions (document_id),
    party_id    bigint NOT NULL REFERENCES parties (id),
    user_id     bigint REFERENCES users (id),
    text        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT explanations_party_key UNIQUE (document_id, party_id)
);

-- The final text in other languages, aligned to the original by key.
CREATE TABLE translations (
    document_id bigint NOT NULL REFERENCES adoptions (document_id),
    language    text NOT NULL,
    title       text NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, language)
);
CREATE TABLE translation_provisions (
    document_id bigint NOT NULL,
    language    text NOT NULL,
    key         text NOT NULL,
    text        text NOT NULL,
    PRIMARY KEY (document_id, language, key),
    FOREIGN KEY (document_id, language) REFERENCES translations (document_id, language) ON DELETE CASCADE
);

-- While a silence procedure is open, or once the document is adopted, its
-- text is frozen: no new version (revisions included) and no proposal,
-- whatever code path tries. The error code ZD001 is turned into a 409 with
-- this message by the store.
-- +goose StatementBegin
CREATE FUNCTION refuse_while_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
    a record;
BEGIN
    SELECT version_number, deadline INTO s FROM silences
        WHERE document_id = NEW.document_id AND status IN ('running', 'broken');
    IF FOUND THEN
        RAISE EXCEPTION 'version % is under the silence procedure (deadline %); no new versions, revisions or proposals until the secretariat returns it to negotiation',
            s.version_number, to_char(s.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
            USING ERRCODE = 'ZD001';
    END IF;
    SELECT version_number, adopted_at INTO a FROM adoptions WHERE document_id = NEW.document_id;
    IF FOUND THEN
        RAISE EXCEPTION 'the document was adopted (version %, %); its text is final and takes no new versions or proposals',
            a.version_number, to_char(a.adopted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
            USING ERRCODE = 'ZD001';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER versions_frozen BEFORE INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION refuse_while_frozen();
CREATE TRIGGER proposals_frozen BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION refuse_while_frozen();
