-- Fraud cases: an operation a fraud rule of the program caught, waiting for a reviewer, and
-- what became of it. One case per operation: the deciding rule's figures here, every rule it
-- breached in `evidence` (JSON).
CREATE TABLE fraud_cases (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    rule_id TEXT NOT NULL,
    measure TEXT NOT NULL,
    -- Decimals as text: exact on both backends.
    observed TEXT NOT NULL,
    max_allowed TEXT NOT NULL,
    window_hours BIGINT NOT NULL,
    -- flag | hold | refuse | freeze
    action TEXT NOT NULL,
    -- What was judged (purchase, event, redemption, refund, transfer, adjustment) and its
    -- reference (an order's key, an idempotency key, the staff member who adjusted).
    operation TEXT NOT NULL,
    reference TEXT NOT NULL,
    -- The posting let through (flag, hold) and the lot held (hold).
    journal_id BIGINT REFERENCES journal (id),
    lot_id BIGINT,
    evidence TEXT NOT NULL,
    -- open | released | reversed | frozen | dismissed
    state TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX fraud_cases_by_state ON fraud_cases (state, id);
CREATE INDEX fraud_cases_by_member ON fraud_cases (member_id, id);
-- Points one staff member adjusted lately.
CREATE INDEX journal_by_actor ON journal (actor, posted_at);
