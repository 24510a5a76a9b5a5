-- Tiers: a member's tier and what is scheduled for it live on the member row (read with the
-- member's lock on every purchase); every change is kept in tier_history.

ALTER TABLE members ADD COLUMN tier TEXT;
ALTER TABLE members ADD COLUMN tier_since BIGINT;
-- An admin's assignment: its reason (set only while one holds) and optional end.
ALTER TABLE members ADD COLUMN tier_manual_reason TEXT;
ALTER TABLE members ADD COLUMN tier_manual_until BIGINT;
-- While a grace period runs: when the member goes down unless they requalify.
ALTER TABLE members ADD COLUMN tier_downgrade_at BIGINT;
-- When the member is next due for review; NULL when no review can change anything.
ALTER TABLE members ADD COLUMN tier_review_at BIGINT;
CREATE INDEX members_tier_review ON members (tier_review_at) WHERE tier_review_at IS NOT NULL;

CREATE TABLE tier_history (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    from_tier TEXT,
    to_tier TEXT,
    reason TEXT NOT NULL,
    note TEXT,
    actor TEXT,
    changed_at BIGINT NOT NULL
);
CREATE INDEX tier_history_by_member ON tier_history (member_id, id);

-- The tier metric sums a member's purchases and earn grants over a window of occurred_at.
CREATE INDEX purchases_by_member_time ON purchases (member_id, occurred_at);
CREATE INDEX earn_grants_by_member_time ON earn_grants (member_id, occurred_at);
