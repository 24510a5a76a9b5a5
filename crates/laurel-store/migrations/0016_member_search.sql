-- Finding members forgives case: external ids and names are kept lower-cased beside the
-- originals (email_key and phone_key, from 0006, already hold email and phone as compared),
-- and searched for anywhere in them. The enrollment and profile writes fill them from now on;
-- here the members enrolled before. SQL's lower() folds ASCII letters only on SQLite, as
-- external ids are written; a name in another script has no case to fold.
ALTER TABLE members ADD COLUMN external_key TEXT;
ALTER TABLE members ADD COLUMN name_key TEXT;
UPDATE members SET external_key = lower(trim(external_id)), name_key = lower(trim(name));
-- A search lists the member whose external id, email or whole name is what was typed first:
-- each an index lookup. The name index of 0008 compared names as written; its key replaces it.
CREATE INDEX members_by_external_key ON members (external_key);
CREATE INDEX members_by_name_key ON members (name_key);
DROP INDEX members_by_name;
