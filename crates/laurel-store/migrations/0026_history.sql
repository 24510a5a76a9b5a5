-- What a replay of the stored history needs besides the ledger: the instant each member was
-- written (their join date may be given from the past), every custom event as it was sent
-- (one that earned nothing leaves no posting, yet a draft program may reward it), when the
-- scheduled jobs ran (expiry, release and reviews act on every member at that instant), and
-- the end of a manual tier assignment. Rows from before this migration have none of these:
-- a replay takes a member's join date for when they were written.
ALTER TABLE members ADD COLUMN recorded_at BIGINT;
ALTER TABLE tier_history ADD COLUMN manual_until BIGINT;

CREATE TABLE activity_events (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- The event's attributes as a JSON object of strings.
    attributes TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX activity_events_by_time ON activity_events (recorded_at);

CREATE TABLE job_runs (
    id @ID@,
    -- expiry | release | tiers
    job TEXT NOT NULL,
    -- The instant the job acted as of.
    as_of BIGINT NOT NULL,
    -- When it began.
    started_at BIGINT NOT NULL
);
