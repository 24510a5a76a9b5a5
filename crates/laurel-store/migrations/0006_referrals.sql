-- Referrals: every member's code to share, and each referral from enrollment to payout.
-- Members enrolled before this migration get their code when it is first asked for.

ALTER TABLE members ADD COLUMN referral_code TEXT;
CREATE UNIQUE INDEX members_by_referral_code ON members (referral_code);
-- The referral a member's qualifying purchase would pay out, while it is pending: read with
-- the member's row, so purchases of members who were not referred look nothing else up.
ALTER TABLE members ADD COLUMN pending_referral_id BIGINT;
-- An applicant whose email or phone is already enrolled cannot be referred: both are kept
-- as compared (email trimmed and lower-cased, phone digits only) and indexed.
ALTER TABLE members ADD COLUMN email_key TEXT;
ALTER TABLE members ADD COLUMN phone_key TEXT;
UPDATE members SET email_key = lower(trim(email)) WHERE email IS NOT NULL;
UPDATE members SET phone_key = replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '') WHERE phone IS NOT NULL;
CREATE INDEX members_by_email_key ON members (email_key);
CREATE INDEX members_by_phone_key ON members (phone_key);

CREATE TABLE referrals (
    id @ID@,
    referrer_id BIGINT NOT NULL REFERENCES members (id),
    -- A member is referred at most once.
    referee_id BIGINT NOT NULL UNIQUE REFERENCES members (id),
    -- pending | rewarded
    status TEXT NOT NULL,
    enrolled_at BIGINT NOT NULL,
    purchase_id BIGINT REFERENCES purchases (id),
    referrer_points BIGINT,
    referee_points BIGINT,
    rewarded_at BIGINT
);
CREATE INDEX referrals_by_referrer ON referrals (referrer_id, id);
