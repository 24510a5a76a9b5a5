-- Points members send each other. One transfer is two or three journal rows written in one
-- transaction — the sender's fee (if any) and transfer_out, the receiver's transfer_in —
-- balanced through the program_transferred account, which is back at zero after each.
-- (One journal row per member keeps every member's history and lock to their own rows.)
CREATE TABLE transfers (
    id @ID@,
    sender_id BIGINT NOT NULL REFERENCES members (id),
    receiver_id BIGINT NOT NULL REFERENCES members (id),
    points BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    out_journal_id BIGINT NOT NULL REFERENCES journal (id),
    in_journal_id BIGINT NOT NULL REFERENCES journal (id),
    fee_journal_id BIGINT REFERENCES journal (id),
    message TEXT,
    actor TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX transfers_by_sender ON transfers (sender_id, created_at);
CREATE INDEX transfers_by_receiver ON transfers (receiver_id, created_at);

-- A lot a transfer opened names the sender's lot its points came from: they keep its expiry,
-- and the books keep them in its pool.
ALTER TABLE lots ADD COLUMN carried_from BIGINT REFERENCES lots (id);
