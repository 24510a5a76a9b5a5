-- Insight: the KPIs count things when they happened, straight from the facts, so they stay
-- exact when a late purchase, a refund or imported history arrives.
--
-- A purchase carries when its member's previous purchase happened (NULL for their first;
-- of two at one instant, the later id's previous is that same instant). With it, the members
-- who bought in a period are the purchases in it whose previous one is older than the period
-- (their first there), and those who also bought in the period before are the ones whose
-- previous purchase falls in that one: a range scan of one index instead of a COUNT(DISTINCT)
-- over every purchase of the period. The write path keeps it (see `Tx::insert_purchase`).
ALTER TABLE purchases ADD COLUMN prev_occurred_at BIGINT;
UPDATE purchases SET prev_occurred_at = (
    SELECT MAX(p.occurred_at) FROM purchases p
    WHERE p.member_id = purchases.member_id
      AND (p.occurred_at < purchases.occurred_at
           OR (p.occurred_at = purchases.occurred_at AND p.id < purchases.id)));
CREATE INDEX purchases_by_time ON purchases (occurred_at, prev_occurred_at, total_minor);

-- Points issued, redeemed and expired when they took effect (an earn when its purchase
-- happened), not when the posting was written.
CREATE INDEX journal_by_effective ON journal (effective_at, kind, available_delta, pending_delta);

-- Enrollments per period and channel.
CREATE INDEX members_by_enrolled ON members (enrolled_at, channel);

-- Refunds in a period.
CREATE INDEX refunds_by_time ON refunds (recorded_at, amount_minor);

-- Purchases by customers who are not members: no points, kept only so that what members
-- spend is compared with what others do. Once per (channel, order id), like members'.
CREATE TABLE guest_purchases (
    id @ID@,
    channel TEXT NOT NULL,
    order_id TEXT NOT NULL,
    store TEXT,
    currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    UNIQUE (channel, order_id)
);
CREATE INDEX guest_purchases_by_time ON guest_purchases (occurred_at, total_minor);

-- Tier movement, reward popularity and referral conversion in a period; members per tier.
CREATE INDEX tier_history_by_time ON tier_history (changed_at, from_tier, to_tier);
CREATE INDEX reward_redemptions_by_time ON reward_redemptions (redeemed_at, reward_id, quantity, points, status);
CREATE INDEX referrals_by_enrolled ON referrals (enrolled_at, status);
CREATE INDEX members_by_tier ON members (tier);
