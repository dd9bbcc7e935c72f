-- +goose Up
-- Consultation, continued: attachments on comments, campaign grouping,
-- provision follows, in-app notifications and comment exports.

-- Files attached to a comment, stored in the database with the comment so
-- that backups, permissions and transactions cover them alike. The content
-- type is the one detected from the bytes; name is only what the sender
-- called the file. Attachments are never changed or removed.
CREATE TABLE comment_attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id   bigint NOT NULL REFERENCES comments (id),
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    sha256       bytea NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_attachments_comment_idx ON comment_attachments (comment_id, id);
CREATE TRIGGER comment_attachments_immutable BEFORE UPDATE OR DELETE ON comment_attachments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Campaigns: top-level comments on the same anchor whose normalised text is
-- the same share a campaign key (a hash of anchor and normalised text); a
-- thread shows each group once with its count and signatories.
ALTER TABLE comments ADD COLUMN campaign_key text;
CREATE INDEX comments_campaign_idx ON comments (document_id, campaign_key, created_at, id) WHERE campaign_key IS NOT NULL;
-- Per-provision threads and counts.
CREATE INDEX comments_key_idx ON comments (document_id, provision_key, created_at, id) WHERE parent_id IS NULL;
-- A thread's counts by status, read from the index alone.
CREATE INDEX comments_counts_idx ON comments (document_id, provision_key, status) INCLUDE (scope, confidential_party);
-- "Replies to my comments" for notifications and exports by author.
CREATE INDEX comments_author_idx ON comments (author_id);

-- A user follows a provision (by its stable key) to hear of new comments on it.
CREATE TABLE provision_follows (
    user_id       bigint NOT NULL REFERENCES users (id),
    document_id   bigint NOT NULL REFERENCES documents (id),
    provision_key text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, provision_key, user_id)
);
CREATE INDEX provision_follows_user_idx ON provision_follows (user_id);

-- In-app notifications, generic: any feature adds rows for its recipients
-- in the transaction of the change they announce. link is a local path;
-- subject is a short plain-text detail (a person's or a document's name),
-- never a comment's body, so that a later hiding leaves nothing behind.
CREATE TABLE notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id bigint NOT NULL REFERENCES users (id),
    kind         text NOT NULL,
    document_id  bigint REFERENCES documents (id),
    link         text NOT NULL CHECK (link LIKE '/%'),
    subject      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;

-- Exports of a document's comments for the secretariat, generated in the
-- background; done/total show progress, data holds the finished file.
CREATE TABLE comment_exports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES documents (id),
    requested_by bigint NOT NULL REFERENCES users (id),
    format       text NOT NULL CHECK (format IN ('csv', 'json')),
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done         integer NOT NULL DEFAULT 0,
    total        integer NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    data         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX comment_exports_document_idx ON comment_exports (document_id, id DESC);

