-- A referral whose qualifying purchase is wholly refunded is taken back (status 'reversed'):
-- it is found by its purchase, and the referrer's bonus is reversed from the lot it opened.
-- Referrals paid before this migration have no lot recorded; theirs is reversed from the
-- referrer's available points.
ALTER TABLE referrals ADD COLUMN referrer_lot_id BIGINT;
CREATE INDEX referrals_by_purchase ON referrals (purchase_id);
