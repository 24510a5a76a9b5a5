-- The books (IFRS 15): estimates of the share of points that will be redeemed, each in force
-- from its instant and never edited; and period closes, each locking where both pools stood
-- at every period end it covers. Decimals are stored as text: exact on both backends.
CREATE TABLE books_estimates (
    id @ID@,
    effective_from BIGINT NOT NULL,
    rate TEXT NOT NULL,
    note TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX books_estimates_by_instant ON books_estimates (effective_from, id);

CREATE TABLE books_closes (
    id @ID@,
    -- The period's name (2026-11, 2026-Q4, 2026) and the instants it spans.
    period TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL UNIQUE,
    actor TEXT NOT NULL,
    closed_at BIGINT NOT NULL
);

-- Where a pool (sales | given) stood at a period end a close locked.
CREATE TABLE books_standings (
    at BIGINT NOT NULL,
    pool TEXT NOT NULL,
    close_id BIGINT NOT NULL REFERENCES books_closes (id),
    rate TEXT NOT NULL,
    put_in TEXT NOT NULL,
    reversed TEXT NOT NULL,
    recognised TEXT NOT NULL,
    breakage TEXT NOT NULL,
    issued BIGINT NOT NULL,
    taken_back BIGINT NOT NULL,
    redeemed BIGINT NOT NULL,
    expired BIGINT NOT NULL,
    PRIMARY KEY (at, pool)
);

-- One row every estimate and close updates first: they take turns, so a close locks figures
-- made with the estimates it read, and no estimate slips into a period closed meanwhile.
CREATE TABLE books_lock (
    id BIGINT PRIMARY KEY,
    writes BIGINT NOT NULL
);
INSERT INTO books_lock (id, writes) VALUES (1, 0);
