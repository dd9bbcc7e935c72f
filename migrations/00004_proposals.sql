-- +goose Up
-- Negotiating the text: attributed proposals, co-sponsors, positions,
-- provision status set by the chair, observer suggestions, tabling deadline.

ALTER TABLE documents ADD COLUMN tabling_deadline timestamptz;
ALTER TABLE documents ADD COLUMN suggestions_open boolean NOT NULL DEFAULT false;

-- Delegates designated to act for a negotiating group.
CREATE TABLE group_delegates (
    group_id bigint NOT NULL REFERENCES parties (id),
    user_id  bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE proposals (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id     bigint NOT NULL REFERENCES documents (id),
    base_version    integer NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('insert', 'insert_words', 'delete', 'replace', 'alternative', 'move')),
    key             text NOT NULL DEFAULT '',
    start_offset    integer,
    end_offset      integer,
    quote           text NOT NULL DEFAULT '',
    text            text NOT NULL DEFAULT '',
    target          text NOT NULL DEFAULT '',
    justification   text NOT NULL DEFAULT '',
    party_id        bigint NOT NULL REFERENCES parties (id),
    created_by      bigint NOT NULL REFERENCES users (id),
    status          text NOT NULL CHECK (status IN ('draft', 'tabled', 'incorporated', 'not_retained', 'withdrawn', 'orphaned')),
    credited_to     bigint REFERENCES parties (id),
    decided_version integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (document_id, base_version) REFERENCES versions (document_id, number),
    CHECK ((start_offset IS NULL) = (end_offset IS NULL)),
    CHECK (start_offset IS NULL OR (start_offset >= 0 AND end_offset >= start_offset))
);
CREATE INDEX proposals_document_idx ON proposals (document_id, status);
CREATE INDEX proposals_party_idx ON proposals (party_id);

CREATE TABLE proposal_cosponsors (
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    party_id    bigint NOT NULL REFERENCES parties (id),
    joined_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, party_id)
);

-- Positions keep their history: a new row per change; the current one is
-- the latest per party and target.
CREATE TABLE positions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES documents (id),
    proposal_id   bigint REFERENCES proposals (id),
    provision_key text,
    party_id      bigint NOT NULL REFERENCES parties (id),
    stance        text NOT NULL CHECK (stance IN ('support', 'oppose', 'reservation', 'agreed_ad_ref', 'none')),
    user_id       bigint NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((proposal_id IS NULL) <> (provision_key IS NULL))
);
CREATE INDEX positions_proposal_idx ON positions (proposal_id, party_id, id DESC);
CREATE INDEX positions_provision_idx ON positions (document_id, provision_key, party_id, id DESC);

-- Provision status set by the chair or secretariat, with history.
CREATE TABLE provision_statuses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id),
    key         text NOT NULL,
    status      text NOT NULL CHECK (status IN ('open', 'agreed_ad_ref', 'agreed', 'reopened')),
    set_by      bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provision_statuses_idx ON provision_statuses (document_id, key, id DESC);

-- Where a new version's provisions came from ("OP3bis ← EU proposal 12").
CREATE TABLE provenance (
    document_id    bigint NOT NULL,
    version_number integer NOT NULL,
    key            text NOT NULL,
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    PRIMARY KEY (document_id, version_number, key, proposal_id),
    FOREIGN KEY (document_id, version_number) REFERENCES versions (document_id, number)
);

-- A low-rate change feed for live updates: rows written in the same
-- transaction as the change, read by a publisher after commit.
CREATE TABLE document_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id),
    kind        text NOT NULL,
    object_id   bigint,
    party_id    bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_events_doc_idx ON document_events (document_id, id);
-- The live-update publisher reads the last few seconds of events.
CREATE INDEX document_events_created_idx ON document_events (created_at);

-- Observers' text suggestions, shown apart from proposals; a state or group
-- may sponsor one, which makes it that party's proposal, crediting the
-- observer.
CREATE TABLE suggestions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES documents (id),
    base_version  integer NOT NULL,
    kind          text NOT NULL,
    key           text NOT NULL DEFAULT '',
    start_offset  integer,
    end_offset    integer,
    quote         text NOT NULL DEFAULT '',
    text          text NOT NULL DEFAULT '',
    justification text NOT NULL DEFAULT '',
    party_id      bigint NOT NULL REFERENCES parties (id),
    created_by    bigint NOT NULL REFERENCES users (id),
    proposal_id   bigint REFERENCES proposals (id),
    sponsored_by  bigint REFERENCES parties (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (document_id, base_version) REFERENCES versions (document_id, number)
);
CREATE INDEX suggestions_document_idx ON suggestions (document_id);
