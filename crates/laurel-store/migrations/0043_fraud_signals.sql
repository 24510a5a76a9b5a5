-- The device (or client address) a member joined from, as the caller passed it, kept only as
-- a one-way hash: fraud rules count members who joined from one device, and nothing shows
-- or needs the value itself. Cleared by erasure.
ALTER TABLE members ADD COLUMN device_key TEXT;
CREATE INDEX members_by_device ON members (device_key);
-- A purchase whose points a fraud rule held: 1 while a reviewer has not decided, 2 once its
-- points were taken back, 0 otherwise. Tiers count only purchases at 0.
ALTER TABLE purchases ADD COLUMN held_for_review INTEGER NOT NULL DEFAULT 0;
