-- Rewards: every redemption of a catalog reward, the coupons it issued, and how many units of
-- each reward are out (what stock is checked against). Coupons keep their own terms, copied
-- from the reward when issued, so a later program change never alters a coupon a member holds.

CREATE TABLE reward_redemptions (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    reward_id TEXT NOT NULL,
    reward_name TEXT NOT NULL,
    reward_kind TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    points BIGINT NOT NULL,
    -- The redeem posting; its lot_moves say which lots a cancellation refills.
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    -- issued | fulfilled | cancelled
    status TEXT NOT NULL,
    -- Donations: the cause and the money value of the points given.
    cause TEXT,
    value_minor BIGINT,
    currency TEXT NOT NULL,
    redeemed_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT,
    restore_journal_id BIGINT REFERENCES journal (id)
);
CREATE INDEX reward_redemptions_by_member ON reward_redemptions (member_id, id);
CREATE INDEX reward_redemptions_by_reward ON reward_redemptions (reward_id, member_id);

CREATE TABLE reward_counters (
    reward_id TEXT PRIMARY KEY,
    -- Units redeemed and not cancelled.
    redeemed BIGINT NOT NULL
);

CREATE TABLE coupons (
    id @ID@,
    code TEXT NOT NULL UNIQUE,
    member_id BIGINT NOT NULL REFERENCES members (id),
    redemption_id BIGINT NOT NULL REFERENCES reward_redemptions (id),
    reward_id TEXT NOT NULL,
    -- amount_coupon | percent_coupon | free_product
    kind TEXT NOT NULL,
    amount_minor BIGINT,
    -- A decimal, as text: exact on both backends.
    percent TEXT,
    max_discount_minor BIGINT,
    sku TEXT,
    min_spend_minor BIGINT,
    currency TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- active | consumed | cancelled
    status TEXT NOT NULL,
    consumed_order TEXT,
    consumed_discount_minor BIGINT,
    consumed_at BIGINT
);
CREATE INDEX coupons_by_member ON coupons (member_id, id);
CREATE INDEX coupons_by_redemption ON coupons (redemption_id);
