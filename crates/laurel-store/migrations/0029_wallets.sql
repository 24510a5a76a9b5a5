-- Stored value: a money wallet per member or gift card, kept as a double-entry ledger
-- of its own in the currency's minor units. A wallet's columns are its member accounts'
-- balances, never below zero; every move is appended with entries that sum to zero.
CREATE TABLE wallets (
    id @ID@,
    member_id BIGINT UNIQUE REFERENCES members (id),
    principal_minor BIGINT NOT NULL CHECK (principal_minor >= 0),
    bonus_minor BIGINT NOT NULL CHECK (bonus_minor >= 0),
    -- Held at checkouts: out of reach until captured or released.
    held_principal_minor BIGINT NOT NULL DEFAULT 0 CHECK (held_principal_minor >= 0),
    held_bonus_minor BIGINT NOT NULL DEFAULT 0 CHECK (held_bonus_minor >= 0),
    opened_at BIGINT NOT NULL
);

CREATE TABLE wallet_moves (
    id @ID@,
    wallet_id BIGINT NOT NULL REFERENCES wallets (id),
    -- top_up | payment | refund | cash_out | hold | capture | release
    kind TEXT NOT NULL,
    -- What the move was for, above zero: paid in (without its bonus), paid, given back, paid
    -- out, held, captured, released.
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    -- A refund's payment (a payment or a capture).
    payment_id BIGINT REFERENCES wallet_moves (id),
    -- The caller's: an order id, a till's receipt.
    reference TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX wallet_moves_by_wallet ON wallet_moves (wallet_id, id);
CREATE INDEX wallet_moves_by_payment ON wallet_moves (payment_id);
-- The books read each period's moves by when they were made.
CREATE INDEX wallet_moves_by_instant ON wallet_moves (at, id);

CREATE TABLE wallet_entries (
    move_id BIGINT NOT NULL REFERENCES wallet_moves (id),
    -- principal | bonus | held_principal | held_bonus (the wallet's) | funding | promotion |
    -- settlement
    account TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (move_id, account)
);

-- Checkout holds (two-phase): value reserved until its order is captured, or the hold voided
-- or lapsed at its expiry. What it holds of each kind is in the wallet's held columns while it
-- is held.
CREATE TABLE wallet_holds (
    id @ID@,
    wallet_id BIGINT NOT NULL REFERENCES wallets (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    principal_minor BIGINT NOT NULL CHECK (principal_minor >= 0),
    bonus_minor BIGINT NOT NULL CHECK (bonus_minor >= 0),
    -- held | captured | voided | expired
    state TEXT NOT NULL,
    captured_minor BIGINT NOT NULL DEFAULT 0,
    reference TEXT NOT NULL,
    hold_move_id BIGINT NOT NULL REFERENCES wallet_moves (id),
    close_move_id BIGINT REFERENCES wallet_moves (id),
    held_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX wallet_holds_due ON wallet_holds (expires_at) WHERE state = 'held';

-- Gift cards: a wallet reached by a code (kept only as its hash) rather than by a member.
CREATE TABLE gift_card_batches (
    id @ID@,
    reference TEXT NOT NULL,
    cards BIGINT NOT NULL,
    face_minor BIGINT NOT NULL CHECK (face_minor > 0),
    expires_at BIGINT,
    actor TEXT NOT NULL,
    issued_at BIGINT NOT NULL
);

CREATE TABLE gift_cards (
    id @ID@,
    batch_id BIGINT NOT NULL REFERENCES gift_card_batches (id),
    wallet_id BIGINT NOT NULL UNIQUE REFERENCES wallets (id),
    -- SHA-256 of the code as issued; the last four characters to tell cards apart.
    code_hash TEXT NOT NULL UNIQUE,
    code_last4 TEXT NOT NULL,
    -- SHA-256 of the code and the PIN, when the card has one.
    pin_hash TEXT,
    pin_failures BIGINT NOT NULL DEFAULT 0,
    face_minor BIGINT NOT NULL,
    -- inactive | active | loaded
    state TEXT NOT NULL,
    expires_at BIGINT,
    issued_at BIGINT NOT NULL,
    activated_at BIGINT,
    loaded_into BIGINT REFERENCES members (id),
    loaded_at BIGINT
);
CREATE INDEX gift_cards_by_batch ON gift_cards (batch_id, id);
