-- Coalition partners (declared in the program file). A purchase made at a partner names it:
-- the partner's rules earned on it, and a refund of it hands back what the points reversed
-- cost the partner.
ALTER TABLE purchases ADD COLUMN partner TEXT;

-- A partner's API key names its partner: it sees only what concerns that partner.
ALTER TABLE api_keys ADD COLUMN partner TEXT;

-- What partners settle with the program, one row per posting that concerns one: points a
-- partner issued (its purchases' earnings; a refund's reversal negative) at its price per
-- point then, and points burned there (redemptions; a cancellation negative) at its
-- reimbursement then. Appended in the posting's own transaction and never edited, so the
-- statement of a period that is over never changes.
CREATE TABLE partner_entries (
    id @ID@,
    partner TEXT NOT NULL,
    -- issued | burned
    kind TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    points BIGINT NOT NULL,
    -- money per point in the program's currency, as a decimal text
    price TEXT NOT NULL,
    reference TEXT NOT NULL,
    posted_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX partner_entries_by_journal ON partner_entries (journal_id);
CREATE INDEX partner_entries_by_partner ON partner_entries (partner, posted_at, id);
