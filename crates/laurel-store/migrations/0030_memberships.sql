-- Paid membership: a member pays a fee per term of a plan for its benefits. The plan lives
-- in the program file; a membership keeps its plan's id, where it stands and how its fees
-- are paid, and each term it ran (what it cost, any cut and refund) is kept for the books.
CREATE TABLE memberships (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    plan TEXT NOT NULL,
    -- active | ending | ended
    state TEXT NOT NULL,
    -- external | wallet
    pay_with TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    -- not_renewed | cancelled | unpaid, once ended
    ended_at BIGINT,
    end_reason TEXT,
    -- When the memberships job next looks at it (renew from the wallet, or end it).
    due_at BIGINT,
    actor TEXT NOT NULL
);
CREATE INDEX memberships_by_member ON memberships (member_id, id);
CREATE INDEX memberships_due ON memberships (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE membership_terms (
    membership_id BIGINT NOT NULL REFERENCES memberships (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    fee_minor BIGINT NOT NULL CHECK (fee_minor >= 0),
    trial BIGINT NOT NULL CHECK (trial IN (0, 1)),
    -- Cut short by a cancellation at once, and what that gave back.
    cut_at BIGINT,
    refund_minor BIGINT NOT NULL DEFAULT 0 CHECK (refund_minor >= 0 AND refund_minor <= fee_minor),
    -- When the fee was charged, and by what: the caller's payment reference, or the wallet
    -- move that paid it (and the one that refunded it).
    paid_at BIGINT NOT NULL,
    payment_reference TEXT,
    wallet_move_id BIGINT REFERENCES wallet_moves (id),
    refund_move_id BIGINT REFERENCES wallet_moves (id),
    PRIMARY KEY (membership_id, number)
);
-- The books read the terms charged or refunded in a period, and those running in it.
CREATE INDEX membership_terms_by_paid ON membership_terms (paid_at);

-- The membership in force, on the member row read with the member's lock on every purchase:
-- its plan (whose earn multiplier applies) and the instants its benefits hold between.
ALTER TABLE members ADD COLUMN membership_plan TEXT;
ALTER TABLE members ADD COLUMN membership_from BIGINT;
ALTER TABLE members ADD COLUMN membership_until BIGINT;
-- A tier a paid membership holds the member in, until its term's end.
ALTER TABLE members ADD COLUMN tier_paid TEXT;
ALTER TABLE members ADD COLUMN tier_paid_until BIGINT;
