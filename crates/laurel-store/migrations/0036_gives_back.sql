-- A transfer giving a lend back (its reward cancelled) names the posting the lend paid toward:
-- it is owed whatever the program now offers, so a replay never refuses it for want of
-- [households] (only for want of points).
ALTER TABLE transfers ADD COLUMN gives_back_journal_id BIGINT REFERENCES journal (id);
