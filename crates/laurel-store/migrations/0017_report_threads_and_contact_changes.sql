-- A member's report becomes a thread: staff reply, the member reads the reply in the portal
-- and may answer. A report is open (waiting for staff), answered (waiting for the member)
-- or closed; whoever writes next opens it again.
ALTER TABLE member_reports ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
UPDATE member_reports SET state = 'closed' WHERE resolved_at IS NOT NULL;
-- The staff queue: what is not closed, oldest first.
CREATE INDEX member_reports_by_state ON member_reports (state, id);

-- The thread after a report's first message (which stays on the report), oldest first.
CREATE TABLE member_report_messages (
    id @ID@,
    report_id BIGINT NOT NULL REFERENCES member_reports (id),
    -- The report's member, so the thread is partitioned with the rest of theirs.
    member_id BIGINT NOT NULL REFERENCES members (id),
    -- member | staff
    author TEXT NOT NULL,
    -- Which member of staff wrote it (staff:email); NULL for the member.
    staff TEXT,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_report_messages_by_report ON member_report_messages (report_id, id);

-- A member's change of email or phone, waiting for the code that proves it (sent by email:
-- to the new address for an email, to the address on file for a phone). As with sign-in
-- codes only the code's hash is kept, and wrong guesses are counted.
CREATE TABLE member_contact_changes (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    -- email | phone
    field TEXT NOT NULL,
    new_value TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX member_contact_changes_by_member ON member_contact_changes (member_id, id);
