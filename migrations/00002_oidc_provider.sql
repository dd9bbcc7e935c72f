-- +goose Up
-- The built-in OpenID Provider: local accounts, the provider's persistent
-- secrets, and the short-lived state of the authorization code flow.

CREATE TABLE local_accounts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL,
    name            text NOT NULL,
    password_hash   text NOT NULL, -- argon2id, PHC string format
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    timestamptz,
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- Addresses are unique regardless of case: Ann@Example.org is ann@example.org.
CREATE UNIQUE INDEX local_accounts_email_key ON local_accounts (lower(email));

-- The secrets below are stored as they are: the server needs them in clear
-- (to sign, to encrypt, and to let its own relying party authenticate), so
-- whoever can read these tables can impersonate the provider. The database
-- is the trust boundary.

-- One row: the 32-byte key the provider encrypts codes and access tokens with.
CREATE TABLE oidc_provider (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    crypto_key bytea NOT NULL CHECK (length(crypto_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- ID token signing keys; the newest signs, all are published in the JWKS so
-- that a key can be rotated in without invalidating tokens in flight.
CREATE TABLE oidc_signing_keys (
    id          text PRIMARY KEY, -- the JWK "kid"
    algorithm   text NOT NULL CHECK (algorithm = 'RS256'),
    private_key bytea NOT NULL,   -- PKCS #8, DER
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Confidential clients (today only zerodraft's own relying party).
CREATE TABLE oidc_clients (
    id         text PRIMARY KEY,
    secret     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An authorization request lives from /authorize to the code exchange. It is
-- signed in once (account_id set), gets one code, and the code is used once;
-- a used row is kept for an hour after it expires so that a replayed code is
-- recognized and the tokens issued for it are revoked.
CREATE TABLE oidc_auth_requests (
    id                    text PRIMARY KEY,
    client_id             text NOT NULL,
    redirect_uri          text NOT NULL,
    scopes                text[] NOT NULL,
    response_type         text NOT NULL,
    response_mode         text NOT NULL DEFAULT '',
    state                 text NOT NULL DEFAULT '',
    nonce                 text NOT NULL DEFAULT '',
    code_challenge        text NOT NULL DEFAULT '',
    code_challenge_method text NOT NULL DEFAULT '',
    account_id            bigint REFERENCES local_accounts (id) ON DELETE CASCADE,
    auth_time             timestamptz,
    code_hash             bytea UNIQUE, -- SHA-256 of the code, never the code
    code_expires_at       timestamptz,
    code_used_at          timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL
);
CREATE INDEX oidc_auth_requests_expires_idx ON oidc_auth_requests (expires_at);

-- Opaque access tokens; the token handed out is the encrypted id.
CREATE TABLE oidc_tokens (
    id              text PRIMARY KEY,
    auth_request_id text,
    client_id       text NOT NULL,
    account_id      bigint NOT NULL REFERENCES local_accounts (id) ON DELETE CASCADE,
    scopes          text[] NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX oidc_tokens_account_idx ON oidc_tokens (account_id, client_id);
CREATE INDEX oidc_tokens_auth_request_idx ON oidc_tokens (auth_request_id);
CREATE INDEX oidc_tokens_expires_idx ON oidc_tokens (expires_at);
