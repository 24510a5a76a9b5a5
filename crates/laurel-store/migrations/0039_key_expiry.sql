-- An API key may expire: from then on it authenticates nothing, like a revoked one. NULL:
-- it never expires.
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;

-- A rotation makes a new key alongside the old one, which expires after an overlap. Each
-- names the other, so a listing can say what a key was rotated to (and from), and a key is
-- rotated once.
ALTER TABLE api_keys ADD COLUMN rotated_from BIGINT REFERENCES api_keys (id);
ALTER TABLE api_keys ADD COLUMN rotated_to BIGINT REFERENCES api_keys (id);
