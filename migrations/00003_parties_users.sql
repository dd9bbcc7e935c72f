-- +goose Up
-- Parties (secretariat, states, negotiating groups, observers), the users who
-- act for them, browser sessions, personal API tokens, observer
-- accreditation, and per-document roles such as chair.

CREATE TABLE parties (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('secretariat', 'state', 'group', 'observer')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX parties_code_key ON parties (upper(code));

-- A negotiating group's member states.
CREATE TABLE group_members (
    group_id  bigint NOT NULL REFERENCES parties (id),
    member_id bigint NOT NULL REFERENCES parties (id),
    PRIMARY KEY (group_id, member_id),
    CHECK (group_id <> member_id)
);

-- A person who signs in. Identified by issuer + subject of their OpenID
-- provider ("builtin" for the built-in one); email is kept to link a
-- pre-registered user at first sign-in. party_id NULL: no rights yet.
CREATE TABLE users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issuer           text,
    subject          text,
    email            text NOT NULL,
    name             text NOT NULL,
    party_id         bigint REFERENCES parties (id),
    role             text NOT NULL DEFAULT '',
    suspended_at     timestamptz,
    suspended_reason text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_login_at    timestamptz,
    UNIQUE (issuer, subject),
    CHECK ((issuer IS NULL) = (subject IS NULL)),
    CHECK (suspended_at IS NULL OR suspended_reason IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_party_idx ON users (party_id);

-- Server-side browser sessions; the cookie carries the id, the table only
-- its SHA-256, so a copy of the table opens no session.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    id_token     text NOT NULL DEFAULT '' -- hint for the provider's logout
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Personal API tokens, stored hashed; shown once at creation.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Sign-in attempts in flight: state, nonce and PKCE verifier, bound to the
-- browser that started them (the hash of a cookie) and used once.
CREATE TABLE oidc_logins (
    state_hash   bytea PRIMARY KEY,
    browser_hash bytea NOT NULL,
    nonce        text NOT NULL,
    verifier     text NOT NULL,
    return_to    text NOT NULL DEFAULT '/',
    expires_at   timestamptz NOT NULL
);

-- Observer organisations apply online; the secretariat decides.
CREATE TABLE accreditations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    organisation  text NOT NULL,
    country       text NOT NULL,
    website       text NOT NULL DEFAULT '',
    contact_name  text NOT NULL,
    contact_email text NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reason        text NOT NULL DEFAULT '',
    party_id      bigint REFERENCES parties (id),
    valid_until   timestamptz,
    decided_by    bigint REFERENCES users (id),
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accreditations_status_idx ON accreditations (status);
CREATE INDEX accreditations_party_idx ON accreditations (party_id);

-- Per-document roles given by the secretariat (chair, facilitator).
CREATE TABLE document_roles (
    document_id bigint NOT NULL REFERENCES documents (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    role        text NOT NULL CHECK (role IN ('chair', 'facilitator')),
    PRIMARY KEY (document_id, user_id)
);
