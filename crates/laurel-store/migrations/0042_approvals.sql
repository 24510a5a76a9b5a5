-- Maker-checker: a staff operation the program says a second staff member must approve,
-- waiting until one does (it is then applied), rejects it, or its maker withdraws it.
CREATE TABLE pending_approvals (
    id @ID@,
    -- adjustment | tier_assignment | program_change
    kind TEXT NOT NULL,
    -- What would be done, as JSON: the request as its maker made it.
    request TEXT NOT NULL,
    -- The member it is about (none for a program change).
    member_id BIGINT REFERENCES members (id),
    -- The maker: their staff account and how the records name them.
    requested_by BIGINT NOT NULL,
    requested_actor TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    -- waiting | approved | rejected | withdrawn
    state TEXT NOT NULL,
    decided_by BIGINT,
    decided_actor TEXT,
    decided_at BIGINT,
    -- What approving it made: the journal entry of an adjustment, the program version.
    journal_id BIGINT REFERENCES journal (id),
    program_version BIGINT
);
CREATE INDEX pending_approvals_by_state ON pending_approvals (state, id);
CREATE INDEX pending_approvals_by_member ON pending_approvals (member_id, id);
