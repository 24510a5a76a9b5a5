-- A household's lend names the posting it paid toward (a points or reward redemption), so a
-- cancelled reward gives each lender back what they lent rather than leaving it with the
-- spender.
ALTER TABLE transfers ADD COLUMN paid_journal_id BIGINT REFERENCES journal (id);
CREATE INDEX transfers_by_paid_journal ON transfers (paid_journal_id)
    WHERE paid_journal_id IS NOT NULL;

