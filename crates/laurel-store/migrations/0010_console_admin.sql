-- The console's admin pages: when each staff member last signed in, and the journal by the
-- time it was written, so the dashboard's daily figures read the period they show rather than
-- the whole journal.

ALTER TABLE staff_users ADD COLUMN last_sign_in_at BIGINT;

-- Postings carry the time they were written, so this index grows at its end.
CREATE INDEX journal_by_posted_at ON journal (posted_at);
