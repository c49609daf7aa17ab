-- Times are epoch milliseconds (BIGINT) and flags are 0/1 BIGINTs so that one set of queries
-- reads the same on SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE contacts (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    contact_type  TEXT NOT NULL,
    title         TEXT,
    first_name    TEXT,
    last_name     TEXT,
    company_name  TEXT,
    email         TEXT,
    phone         TEXT,
    email_opt_out BIGINT NOT NULL DEFAULT 0,
    sms_opt_out   BIGINT NOT NULL DEFAULT 0,
    avatar        TEXT,
    is_verified   BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_phone ON contacts (phone);
CREATE INDEX contacts_created ON contacts (created_at);

CREATE TABLE identities (
    id            TEXT PRIMARY KEY,
    contact_id    TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL,
    value         TEXT NOT NULL,
    password_hash TEXT,
    verified_at   BIGINT,
    created_at    BIGINT NOT NULL,
    UNIQUE (provider, value)
);
CREATE INDEX identities_contact ON identities (contact_id);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    org_type   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    contact_id      TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (contact_id, organisation_id)
);
CREATE INDEX memberships_org ON memberships (organisation_id);

-- One row per code sent. The code itself is never stored: only a keyed hash bound to this row.
CREATE TABLE otps (
    id           TEXT PRIMARY KEY,
    handle_hash  TEXT NOT NULL UNIQUE,
    identity_key TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    contact_id   TEXT,
    payload      TEXT,
    code_hash    TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    client_ip    TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    consumed_at  BIGINT
);
CREATE INDEX otps_identity ON otps (identity_key, created_at);

-- Fixed-window counters for rate limits; the row is also the lock that serialises checks per key.
CREATE TABLE throttles (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    last_at      BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    family_id   TEXT NOT NULL,
    contact_id  TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    rotated_at  BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_contact ON refresh_tokens (contact_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    label        TEXT,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    contact_id  TEXT,
    agent_id    TEXT,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_contact ON sessions (contact_id);
CREATE INDEX sessions_agent ON sessions (agent_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Development delivery only: what would have been sent, code included, for /dev/outbox.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    code        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    seq         BIGINT NOT NULL
);
CREATE INDEX outbox_seq ON outbox (seq);

CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY,
    contact_id  TEXT,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    detail      TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_contact ON audit_events (contact_id, created_at);
