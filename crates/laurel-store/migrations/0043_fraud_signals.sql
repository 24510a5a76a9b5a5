-- What fraud rules compare between members who join close together.
-- The device (or client address) a member joined from, as the caller passed it, kept only as
-- its SHA-256 and only while a rule compares devices; cleared by erasure.
ALTER TABLE members ADD COLUMN device_key TEXT;
CREATE INDEX members_by_device ON members (device_key, enrolled_at);
-- The domain of the email as compared (lower case, after its last `@`). Filled here with what
-- both backends share: `rtrim` strips every trailing character found in the address without
-- its `@`s, which leaves the address up to its last `@`.
ALTER TABLE members ADD COLUMN email_domain TEXT;
UPDATE members SET email_domain = substr(email_key, length(rtrim(email_key, replace(email_key, '@', ''))) + 1)
    WHERE email_key LIKE '%@%';
CREATE INDEX members_by_email_domain ON members (email_domain, enrolled_at);
-- A purchase whose points a fraud rule held: 1 while a reviewer has not decided, 2 once its
-- points were taken back, 0 otherwise. Tiers count only purchases at 0.
ALTER TABLE purchases ADD COLUMN held_for_review INTEGER NOT NULL DEFAULT 0;
