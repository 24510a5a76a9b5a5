-- Member profile attributes (`segment = "student"`) as a JSON object of strings; NULL for none.
-- Rule conditions compare them exactly; they are read with the member, never queried by value.
ALTER TABLE members ADD COLUMN attributes TEXT;
