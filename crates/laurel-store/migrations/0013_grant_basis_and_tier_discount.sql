-- Why each grant was made, as data, so pages can tell it in their own language (a stored
-- English sentence could not be): its place among the earning's grants, the kind of basis
-- (base | rule | tier | referral_welcome | referral_bonus), the rule's or tier's name (or the
-- referee's external id), the effect and its figure (a decimal as text: exact on both
-- backends), the spend it applied to, the base earn it was worked from and the limit that
-- capped it. Rows written before this migration have none of it.
ALTER TABLE earn_grants ADD COLUMN ordinal BIGINT;
ALTER TABLE earn_grants ADD COLUMN basis TEXT;
ALTER TABLE earn_grants ADD COLUMN label TEXT;
ALTER TABLE earn_grants ADD COLUMN effect TEXT;
ALTER TABLE earn_grants ADD COLUMN factor TEXT;
ALTER TABLE earn_grants ADD COLUMN spend_minor BIGINT;
ALTER TABLE earn_grants ADD COLUMN base_points BIGINT;
ALTER TABLE earn_grants ADD COLUMN capped_by TEXT;
-- What the member's tier took off the purchase's basket, in minor units of its currency.
ALTER TABLE purchases ADD COLUMN tier_discount_minor BIGINT NOT NULL DEFAULT 0;
