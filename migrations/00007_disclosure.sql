-- Disclosure rules per document: who sees which artefact, and when.
-- The table itself is JSON (artefact → audience → rule) validated by the
-- application; the database reads it too, for the row-level backstop.

-- +goose Up
ALTER TABLE documents ADD COLUMN disclosure jsonb;

-- Existing documents keep what they showed before rules existed: members
-- read everything; documents open to consultation also to accredited
-- observers.
UPDATE documents SET disclosure = CASE WHEN suggestions_open
    THEN '{"preset":"observers","rules":{"attachments":{"members":{"when":"now"},"observers":{"when":"now"},"public":{"when":"never"}},"attributions":{"members":{"when":"now"},"observers":{"when":"now"},"public":{"when":"never"}},"comments_members":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"comments_observers":{"members":{"when":"now"},"observers":{"when":"now"},"public":{"when":"never"}},"final":{"members":{"when":"adoption"},"observers":{"when":"adoption"},"public":{"when":"adoption"}},"positions":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"proposals":{"members":{"when":"now"},"observers":{"when":"now"},"public":{"when":"never"}},"text":{"members":{"when":"now"},"observers":{"when":"now"},"public":{"when":"never"}}}}'::jsonb
    ELSE '{"preset":"closed","rules":{"attachments":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"attributions":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"comments_members":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"comments_observers":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"final":{"members":{"when":"adoption"},"observers":{"when":"adoption"},"public":{"when":"adoption"}},"positions":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"proposals":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}},"text":{"members":{"when":"now"},"observers":{"when":"never"},"public":{"when":"never"}}}}'::jsonb END;

ALTER TABLE documents ALTER COLUMN disclosure SET NOT NULL;

-- Live updates name the artefact an event is about, so that a stream can
-- apply the document's rules without reading the object.
ALTER TABLE document_events ADD COLUMN artefact text;
ALTER TABLE document_events ADD COLUMN owner_party bigint;

-- +goose Down
ALTER TABLE document_events DROP COLUMN owner_party;
ALTER TABLE document_events DROP COLUMN artefact;
ALTER TABLE documents DROP COLUMN disclosure;
