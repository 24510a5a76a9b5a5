-- Staff two-factor sign-in (TOTP, RFC 6238): a staff member's shared secret once a code from
-- it was confirmed, one being set up, the last time step a code was accepted for (so a code
-- is taken once), recovery codes by their hash, and sign-ins half done (the password given,
-- the second step not yet).

-- The secret in base32, as authenticator apps take it: it must be read to check a code, so it
-- is kept as given (unlike a password or a token, which are kept as hashes).
ALTER TABLE staff_users ADD COLUMN totp_secret TEXT;
ALTER TABLE staff_users ADD COLUMN totp_enrolled_at BIGINT;
-- A secret shown for setting up, not yet confirmed by a code from it.
ALTER TABLE staff_users ADD COLUMN totp_pending_secret TEXT;
-- The 30-second step (seconds since the epoch / 30) of the last code accepted: a code of that
-- step or an earlier one is refused, so a code seen over a shoulder cannot be used again.
ALTER TABLE staff_users ADD COLUMN totp_last_step BIGINT;

-- Recovery codes, each usable once: only the SHA-256 of the code is kept (the code is shown
-- once, when made).
CREATE TABLE staff_recovery_codes (
    user_id BIGINT NOT NULL REFERENCES staff_users (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right, waiting for its second step (a code, or setting
-- two-factor up): found by the SHA-256 of its cookie's token; it is no session and reaches no
-- page but that step's.
CREATE TABLE staff_pending_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES staff_users (id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX staff_pending_sign_ins_by_user ON staff_pending_sign_ins (user_id);
