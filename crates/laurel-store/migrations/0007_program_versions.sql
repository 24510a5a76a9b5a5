-- Program versions: every program text that was ever in force, and from when. A purchase is
-- evaluated with the version in force at its occurred_at; each journal row records the version
-- it was decided under (NULL for rows written before versions existed, or by an engine given
-- an unversioned program in code).

CREATE TABLE program_versions (
    -- 1, 2, 3… in the order they were stored.
    version BIGINT PRIMARY KEY,
    -- In force from this instant until the next version's (by effective_from, then version).
    effective_from BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- file (read from the program file at start) | api (applied by an admin)
    source TEXT NOT NULL,
    actor TEXT,
    note TEXT,
    -- SHA-256 of the text, hex: a file unchanged since its last version is not stored again.
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL
);

ALTER TABLE journal ADD COLUMN program_version BIGINT;
