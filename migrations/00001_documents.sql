-- +goose Up
-- Processes, documents, immutable versions and their provisions; the audit trail.

CREATE TABLE processes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id bigint REFERENCES processes (id),
    symbol     text NOT NULL,
    title      text NOT NULL,
    language   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Symbols are unique regardless of case: "a/conf.1/l.1" is the same document.
CREATE UNIQUE INDEX documents_symbol_key ON documents (lower(symbol));
CREATE INDEX documents_process_idx ON documents (process_id);

CREATE TABLE versions (
    document_id bigint NOT NULL REFERENCES documents (id),
    number      integer NOT NULL CHECK (number > 0),
    label       text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    warnings    jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, number)
);

CREATE TABLE provisions (
    document_id    bigint NOT NULL,
    version_number integer NOT NULL,
    position       integer NOT NULL,
    key            text NOT NULL,
    number         text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('heading', 'preambular', 'operative', 'subparagraph', 'text')),
    label          text NOT NULL DEFAULT '',
    text           text NOT NULL,
    PRIMARY KEY (document_id, version_number, position),
    UNIQUE (document_id, version_number, key),
    FOREIGN KEY (document_id, version_number) REFERENCES versions (document_id, number)
);
CREATE INDEX provisions_key_idx ON provisions (document_id, key);

-- Versions are immutable: a change makes a new version. The database refuses
-- updates and deletes so that no code path can rewrite history.
-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER versions_immutable BEFORE UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER provisions_immutable BEFORE UPDATE OR DELETE ON provisions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Every state change writes one event in the same transaction as the change.
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint,
    actor       text NOT NULL,
    action      text NOT NULL,
    object_type text NOT NULL,
    object_id   text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id);
CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
