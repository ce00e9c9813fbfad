-- Accounts: users, their recovery codes, API tokens, login sessions and recent login
-- failures. Secrets are kept only as hashes (passwords: argon2id; recovery codes, API tokens
-- and session ids: SHA-256 of high-entropy random values). The TOTP key must be readable to
-- check codes, so it is kept as it is. Written with synchronous=FULL.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    admin          INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    password_hash  TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    totp_secret    TEXT,
    totp_last_step INTEGER,
    created_us     INTEGER NOT NULL
);

-- Each recovery code works once: used_us is set when it is spent.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_us   INTEGER,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    label        TEXT    NOT NULL DEFAULT '',
    created_us   INTEGER NOT NULL,
    last_used_us INTEGER,
    revoked_us   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- A session lives under the hash of its cookie value; public_id names it in lists.
CREATE TABLE account_sessions (
    key_hash     TEXT    PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client       TEXT    NOT NULL DEFAULT '',
    created_us   INTEGER NOT NULL,
    last_seen_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_sessions_user ON account_sessions (user_id, created_us);

-- Login attempts not (yet) known to have succeeded, per account name (lower case, known
-- user or not): the throttle counts them over a sliding window.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    account TEXT    NOT NULL,
    at_us   INTEGER NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at_us);
