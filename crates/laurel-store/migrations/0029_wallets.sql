-- Stored value: a money wallet per member (a gift card's later), kept as a double-entry ledger
-- of its own in the currency's minor units. A wallet's columns are its member accounts'
-- balances, never below zero; every move is appended with entries that sum to zero.
CREATE TABLE wallets (
    id @ID@,
    member_id BIGINT UNIQUE REFERENCES members (id),
    principal_minor BIGINT NOT NULL CHECK (principal_minor >= 0),
    bonus_minor BIGINT NOT NULL CHECK (bonus_minor >= 0),
    opened_at BIGINT NOT NULL
);

CREATE TABLE wallet_moves (
    id @ID@,
    wallet_id BIGINT NOT NULL REFERENCES wallets (id),
    -- top_up | payment | refund | cash_out
    kind TEXT NOT NULL,
    -- What the move was for, above zero: paid in (without its bonus), paid, given back, paid out.
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    -- A refund's payment.
    payment_id BIGINT REFERENCES wallet_moves (id),
    -- The caller's: an order id, a till's receipt.
    reference TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX wallet_moves_by_wallet ON wallet_moves (wallet_id, id);
CREATE INDEX wallet_moves_by_payment ON wallet_moves (payment_id);

CREATE TABLE wallet_entries (
    move_id BIGINT NOT NULL REFERENCES wallet_moves (id),
    -- principal | bonus (the wallet's) | funding | promotion | settlement
    account TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (move_id, account)
);
