-- Accounts (SQLite's 0008_accounts): users, their recovery codes, API tokens, login
-- sessions and recent login failures. Secrets are kept only as hashes.

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT    NOT NULL COLLATE nocase UNIQUE,
    admin          INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    password_hash  TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    totp_secret    TEXT,
    totp_last_step BIGINT,
    created_us     BIGINT  NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    used_us   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT   NOT NULL UNIQUE,
    label        TEXT   NOT NULL DEFAULT '',
    created_us   BIGINT NOT NULL,
    last_used_us BIGINT,
    revoked_us   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

CREATE TABLE account_sessions (
    key_hash     TEXT   PRIMARY KEY,
    public_id    TEXT   NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client       TEXT   NOT NULL DEFAULT '',
    created_us   BIGINT NOT NULL,
    last_seen_us BIGINT NOT NULL
);
CREATE INDEX account_sessions_user ON account_sessions (user_id, created_us);

CREATE TABLE login_failures (
    id      BIGSERIAL PRIMARY KEY,
    account TEXT   NOT NULL,
    at_us   BIGINT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at_us);

-- SQLite's two-argument max(), which the role SQL uses to move a time only forward.
CREATE FUNCTION max(a BIGINT, b BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS 'SELECT greatest(a, b)';
