-- The dashboard rolls the points members hold forward from the ledger: their balances are
-- the member accounts' entries summed. Carrying the amount in the account index lets that sum
-- read the index alone; it serves every lookup the account-only index did, so it replaces it
-- and a posting still writes one index entry per entry. The journal id comes before the
-- amount so that new entries are appended at the end of their account's range, as before:
-- ordered by amount they landed on a page per amount, and the write path ran 6.5% slower.
DROP INDEX entries_by_account;
CREATE INDEX entries_by_account ON entries (account, journal_id, amount);
-- The audit log filtered by member (its subject), newest first, a page at a time.
CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
