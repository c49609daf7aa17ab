-- The durable delivery queue: a code's message is written here in the transaction that writes
-- the code, and a worker in every app server sends it, with retries, until the code expires.
-- The message is sealed (AEAD, a key derived from JWT_SECRET): the database alone does not give
-- away codes in flight. Deleting the code (its contact deleted, say) deletes its message.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    otp_id          TEXT NOT NULL REFERENCES otps (id) ON DELETE CASCADE,
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
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_otp ON deliveries (otp_id);
CREATE INDEX deliveries_created ON deliveries (created_at);
