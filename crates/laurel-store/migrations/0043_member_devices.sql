-- The device (or client address) a member joined from, as the caller passed it, kept only as
-- a one-way hash: fraud rules count members who joined from one device, and nothing shows
-- or needs the value itself. Cleared by erasure.
ALTER TABLE members ADD COLUMN device_key TEXT;
CREATE INDEX members_by_device ON members (device_key);
