-- Laurel schema v1. Times are UTC instants in microseconds since the Unix epoch (BIGINT);
-- money is integer minor units beside its currency code; points are BIGINT.
-- @ID@ stands for the dialect's auto-assigned 64-bit primary key; the migration runner fills it in.

CREATE TABLE members (
    id @ID@,
    external_id TEXT NOT NULL UNIQUE,
    email TEXT,
    phone TEXT,
    name TEXT,
    birthday TEXT,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    available BIGINT NOT NULL,
    pending BIGINT NOT NULL,
    enrolled_at BIGINT NOT NULL
);

-- The journal is append-only: one row per posting, never updated or deleted.
CREATE TABLE journal (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    available_delta BIGINT NOT NULL,
    pending_delta BIGINT NOT NULL,
    shortfall BIGINT NOT NULL,
    reason TEXT NOT NULL,
    reference TEXT NOT NULL,
    actor TEXT,
    effective_at BIGINT NOT NULL,
    posted_at BIGINT NOT NULL
);
CREATE INDEX journal_by_member ON journal (member_id, id);

-- Double entry: the entries of one journal row sum to zero.
CREATE TABLE entries (
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    account TEXT NOT NULL,
    member_id BIGINT,
    amount BIGINT NOT NULL,
    PRIMARY KEY (journal_id, account)
);
CREATE INDEX entries_by_account ON entries (account);

-- Lots are the derived state that FIFO needs; lot_moves record every change to them.
CREATE TABLE lots (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    amount BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    earned_at BIGINT NOT NULL,
    expires_at BIGINT,
    pending_until BIGINT
);
CREATE INDEX lots_open_by_member ON lots (member_id) WHERE remaining > 0;
CREATE INDEX lots_open_by_expiry ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE INDEX lots_open_by_release ON lots (pending_until) WHERE remaining > 0 AND pending_until IS NOT NULL;

CREATE TABLE lot_moves (
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (journal_id, lot_id)
);

CREATE TABLE purchases (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    channel TEXT NOT NULL,
    order_id TEXT NOT NULL,
    store TEXT,
    currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    points_earned BIGINT NOT NULL,
    points_reversed BIGINT NOT NULL,
    lot_id BIGINT REFERENCES lots (id),
    occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    UNIQUE (channel, order_id)
);
CREATE INDEX purchases_by_member ON purchases (member_id, id);

CREATE TABLE purchase_lines (
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    category TEXT,
    quantity BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    refunded_quantity BIGINT NOT NULL,
    PRIMARY KEY (purchase_id, line_no)
);

CREATE TABLE refunds (
    id @ID@,
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    refund_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    points_reversed BIGINT NOT NULL,
    shortfall BIGINT NOT NULL,
    journal_id BIGINT REFERENCES journal (id),
    recorded_at BIGINT NOT NULL,
    UNIQUE (purchase_id, refund_id)
);

-- A retried request finds its first answer here.
CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);

CREATE TABLE api_keys (
    id @ID@,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
