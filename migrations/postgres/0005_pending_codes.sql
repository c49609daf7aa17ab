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
-- but belong to no code.
ALTER TABLE deliveries ALTER COLUMN otp_id DROP NOT NULL;
