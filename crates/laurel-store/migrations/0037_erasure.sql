-- Erasure: a member's personal data destroyed on request, the ledger kept under a pseudonym.
-- The member row keeps its id, balances and history; `erased_at` says when it lost the rest.
ALTER TABLE members ADD COLUMN erased_at BIGINT;

-- Every request to erase a member and what became of it: asked by the member from the portal
-- (requested, then erased or declined by staff), or made by staff or an admin key directly
-- (erased at once). It names the member by id only, so it survives the erasure as the record
-- that one was made.
CREATE TABLE erasure_requests (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    requested_at BIGINT NOT NULL,
    -- Who asked: `member` (from the portal), or the staff member or key that erased.
    requested_by TEXT NOT NULL,
    -- requested | erased | declined
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    -- Points forfeited by the erasure.
    forfeited BIGINT
);
CREATE INDEX erasure_requests_by_state ON erasure_requests (state, id);
CREATE INDEX erasure_requests_by_member ON erasure_requests (member_id, id);

-- When a member last recorded an event, for the retention policy's measure of inactivity.
CREATE INDEX activity_events_by_member ON activity_events (member_id, occurred_at);

-- When a member last signed in to the portal: sessions are deleted once they expire, so the
-- retention policy cannot read it from them.
ALTER TABLE members ADD COLUMN last_seen_at BIGINT;
