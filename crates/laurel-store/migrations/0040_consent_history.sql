-- Consent history: every change of a member's consent to a channel (marketing letters on it)
-- or a purpose (profiling), appended in the transaction that changed `members.consents`.
-- A row names the member by id and holds no personal value, so it outlives an erasure as the
-- record of what was agreed to, when and where.
CREATE TABLE consent_changes (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    -- A channel (`email`, `sms`, `push`) or a purpose (`profiling`).
    subject TEXT NOT NULL,
    -- 1 given, 0 withdrawn.
    given BIGINT NOT NULL CHECK (given IN (0, 1)),
    at BIGINT NOT NULL,
    -- Where: `portal`, `unsubscribe`, `api` …
    source TEXT NOT NULL
);
CREATE INDEX consent_changes_by_member ON consent_changes (member_id, id);
