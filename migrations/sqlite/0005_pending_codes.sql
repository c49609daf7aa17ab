-- Second trust round (SECURITY.md, "Codes that outlive what they were for").

-- A code's payload is now its whole intent (what redeeming it does, with what that needs), one
-- self-describing value instead of JSON whose meaning depended on the purpose column. Codes still
-- pending were written the old way: they are ended (a customer asks for a new one).
DELETE FROM otps WHERE consumed_at IS NULL;

-- A portal sign-in has an id of its own, copied out of the session like its contact, so that a
-- code asked for by one sign-in can tell whether that sign-in is still live.
ALTER TABLE sessions ADD COLUMN sign_in_id TEXT;
CREATE INDEX sessions_sign_in ON sessions (sign_in_id);

-- Notices (an identity was added, or is taken) travel through the same durable queue as codes
-- but belong to no code: otp_id becomes optional. SQLite cannot drop NOT NULL in place, so the
-- table is rebuilt with its rows.
CREATE TABLE deliveries_new (
    id              TEXT PRIMARY KEY,
    otp_id          TEXT REFERENCES otps (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    sealed          TEXT,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    expires_at      BIGINT NOT NULL,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
INSERT INTO deliveries_new SELECT id, otp_id, channel, recipient, sealed, status, attempts,
    next_attempt_at, lease_until, expires_at, last_error, created_at, sent_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_otp ON deliveries (otp_id);
CREATE INDEX deliveries_created ON deliveries (created_at);
