-- The member portal: one-time sign-in codes, members' sessions, the outbox of messages to
-- send, members' consent per channel, and the problems and abuse members report.

-- A code is found by its member and compared by hash: the code itself is never stored.
CREATE TABLE member_sign_in_codes (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Wrong guesses; past the limit the code is dead.
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX member_sign_in_codes_by_member ON member_sign_in_codes (member_id, id);

-- Like staff sessions: found by the SHA-256 of the cookie's token, with a CSRF token.
CREATE TABLE member_sessions (
    token_hash TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX member_sessions_by_member ON member_sessions (member_id);

-- Messages written in the same transaction as what caused them and sent afterwards, so a
-- crash between the two loses nothing (a message may be sent twice, never lost).
CREATE TABLE outbox (
    id @ID@,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

-- Consent per channel, a JSON object ({"email": true, "sms": false}); NULL: never asked.
ALTER TABLE members ADD COLUMN consents TEXT;

-- What members report from the portal, queued for staff.
CREATE TABLE member_reports (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    -- problem | abuse
    category TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT
);
CREATE INDEX member_reports_queue ON member_reports (resolved_at, id);
CREATE INDEX member_reports_by_member ON member_reports (member_id, id);
