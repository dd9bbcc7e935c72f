-- +goose Up
-- Consultation: comment threads on a document, a provision or a proposal,
-- comment windows, reports and moderation. Nothing here is ever deleted:
-- hiding and withdrawing change a status and leave a tombstone, edits keep
-- the previous body, reports and moderation decisions are kept for good.

-- The comment window (both NULL: no window, comments whenever one may
-- comment) and how many reports hide a comment pending review.
ALTER TABLE documents ADD COLUMN comments_open_at timestamptz;
ALTER TABLE documents ADD COLUMN comments_close_at timestamptz;
ALTER TABLE documents ADD COLUMN comment_report_threshold integer NOT NULL DEFAULT 3
    CHECK (comment_report_threshold > 0);
ALTER TABLE documents ADD CONSTRAINT documents_comment_window_check
    CHECK (comments_open_at IS NULL OR comments_close_at IS NULL OR comments_open_at < comments_close_at);

CREATE TABLE comments (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id      bigint NOT NULL REFERENCES documents (id),
    parent_id        bigint REFERENCES comments (id),
    depth            integer NOT NULL DEFAULT 1 CHECK (depth BETWEEN 1 AND 5),
    -- The anchor: the document (neither), a provision by its stable key, or
    -- a proposal. version_number is the version current when the comment
    -- was made, so a thread on a provision can say "on Rev.1" later.
    provision_key    text,
    proposal_id      bigint REFERENCES proposals (id),
    version_number   integer NOT NULL,
    body             text NOT NULL,
    -- 'secretariat': confidential to the secretariat and confidential_party
    -- (the author's party, or for a reply in a confidential thread the
    -- party the thread is confidential to).
    scope            text NOT NULL CHECK (scope IN ('public', 'secretariat')),
    confidential_party bigint REFERENCES parties (id),
    author_id        bigint NOT NULL REFERENCES users (id),
    party_id         bigint NOT NULL REFERENCES parties (id),
    status           text NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden', 'withdrawn')),
    -- Who changed the status: 'secretariat', 'reports' or 'author'.
    status_by        text CHECK (status_by IN ('secretariat', 'reports', 'author')),
    status_reason    text NOT NULL DEFAULT '',
    status_at        timestamptz,
    -- reviewed: the secretariat restored it; reports no longer hide it.
    reviewed         boolean NOT NULL DEFAULT false,
    report_count     integer NOT NULL DEFAULT 0,
    edited_at        timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (document_id, version_number) REFERENCES versions (document_id, number),
    CHECK (provision_key IS NULL OR proposal_id IS NULL),
    CHECK ((scope = 'secretariat') = (confidential_party IS NOT NULL))
);
-- One index per kind of page: top-level comments of a document, and the
-- replies of one comment, both in (created_at, id) order for the cursor.
CREATE INDEX comments_top_idx ON comments (document_id, created_at, id) WHERE parent_id IS NULL;
CREATE INDEX comments_parent_idx ON comments (parent_id, created_at, id);
CREATE INDEX comments_document_idx ON comments (document_id, status);

CREATE TRIGGER comments_never_deleted BEFORE DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Previous bodies of edited comments, oldest first.
CREATE TABLE comment_edits (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id bigint NOT NULL REFERENCES comments (id),
    body       text NOT NULL,
    edited_by  bigint NOT NULL REFERENCES users (id),
    edited_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_edits_comment_idx ON comment_edits (comment_id, id);
CREATE TRIGGER comment_edits_immutable BEFORE UPDATE OR DELETE ON comment_edits
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- One report per user and comment.
CREATE TABLE comment_reports (
    comment_id bigint NOT NULL REFERENCES comments (id),
    user_id    bigint NOT NULL REFERENCES users (id),
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (comment_id, user_id)
);
CREATE TRIGGER comment_reports_immutable BEFORE UPDATE OR DELETE ON comment_reports
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
