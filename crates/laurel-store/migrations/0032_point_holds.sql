-- Points held at a checkout (two-phase, as wallet holds are): drawn from their lots onto the
-- program_held account by the hold's posting, then captured in whole or part and the rest
-- released, or all released when voided or at the expiry.
--
-- Wallet holds and point holds are one series of ids, so `/api/v1/holds/{id}` names either:
-- both take the next number here.
CREATE TABLE hold_numbers (
    id BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO hold_numbers (id, last) SELECT 1, COALESCE(MAX(id), 0) FROM wallet_holds;

CREATE TABLE point_holds (
    id BIGINT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    points BIGINT NOT NULL CHECK (points > 0),
    -- held | captured | voided | expired
    state TEXT NOT NULL,
    captured BIGINT NOT NULL DEFAULT 0,
    reference TEXT NOT NULL,
    hold_journal_id BIGINT NOT NULL REFERENCES journal (id),
    capture_journal_id BIGINT REFERENCES journal (id),
    release_journal_id BIGINT REFERENCES journal (id),
    held_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX point_holds_due ON point_holds (expires_at) WHERE state = 'held';
CREATE INDEX point_holds_held_by_member ON point_holds (member_id) WHERE state = 'held';

-- What a hold drew from each lot, and what its capture spent of it.
CREATE TABLE point_hold_lots (
    hold_id BIGINT NOT NULL REFERENCES point_holds (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    points BIGINT NOT NULL CHECK (points > 0),
    captured BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (hold_id, lot_id)
);
