-- The console: staff accounts, their sessions, the audit log of what they did, and finding
-- members by name.

CREATE TABLE staff_users (
    id @ID@,
    -- Compared trimmed and lower-cased.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- admin | manager | support | finance
    role TEXT NOT NULL,
    -- argon2id, PHC string.
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT,
    -- Failed sign-ins in a row; past the limit the account is locked until locked_until.
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT
);

-- A session is found by the SHA-256 of its cookie's token: the token itself is never stored.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES staff_users (id),
    -- Every state-changing form of the session carries it.
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);

-- Every staff action: who, what, on what, when, and the state before and after (JSON).
CREATE TABLE audit_log (
    id @ID@,
    staff_user_id BIGINT REFERENCES staff_users (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at BIGINT NOT NULL
);

-- The console finds members by name prefix (exact external id, email and phone have their
-- indexes already).
CREATE INDEX members_by_name ON members (name);
