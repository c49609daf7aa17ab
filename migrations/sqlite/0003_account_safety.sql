-- Account safety (SECURITY.md): codes carry their purpose and a typed identity, contacts an
-- incarnation that tokens, sessions and codes are bound to (ids may be reused after a delete),
-- and identities exist only once proven.

-- Each contact row gets its own random incarnation: a token or session issued for a deleted
-- contact never speaks for a new contact created later with the same id.
ALTER TABLE contacts ADD COLUMN incarnation TEXT NOT NULL DEFAULT '';
UPDATE contacts SET incarnation = lower(hex(randomblob(16)));

-- Identities attached without proof (claims before this change) opened accounts to whoever
-- named them; they are removed, and every identity from now on is proven when written.
DELETE FROM identities WHERE verified_at IS NULL;

-- The identity a code proves, as two typed columns instead of one "PROVIDER:value" string; the
-- key its send limits count; whether it is a decoy (sent to nobody); the contact incarnation.
ALTER TABLE otps ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE otps ADD COLUMN value TEXT NOT NULL DEFAULT '';
UPDATE otps SET provider = substr(identity_key, 1, instr(identity_key, ':') - 1),
                value = substr(identity_key, instr(identity_key, ':') + 1);
ALTER TABLE otps ADD COLUMN limit_key TEXT NOT NULL DEFAULT '';
UPDATE otps SET limit_key = identity_key;
ALTER TABLE otps ADD COLUMN decoy BIGINT NOT NULL DEFAULT 0;
UPDATE otps SET decoy = CASE WHEN contact_id IS NULL AND purpose <> 'REGISTER' THEN 1 ELSE 0 END;
ALTER TABLE otps ADD COLUMN contact_incarnation TEXT;
UPDATE otps SET contact_incarnation = (SELECT c.incarnation FROM contacts c WHERE c.id = otps.contact_id);
DROP INDEX otps_identity;
ALTER TABLE otps DROP COLUMN identity_key;
CREATE INDEX otps_identity ON otps (provider, value, created_at);
CREATE INDEX otps_contact ON otps (contact_id);
CREATE INDEX otps_expiry ON otps (expires_at);

CREATE INDEX throttles_last ON throttles (last_at);
