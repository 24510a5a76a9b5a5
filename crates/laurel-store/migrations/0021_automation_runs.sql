-- An automation acting on a member: one row per automation, member and period of its limit
-- (the unique key makes it act once per period, whatever restarts or nodes). A run is made
-- `due` (by the daily scan, or by the fan-out of an event that triggers it, in the same
-- transaction as the event is marked fanned out) and `done` once its actions were taken; a
-- run whose conditions no longer hold is deleted, freeing the period.
CREATE TABLE automation_runs (
    id @ID@,
    automation_id TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    period TEXT NOT NULL,
    state TEXT NOT NULL,
    event_id BIGINT,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    UNIQUE (automation_id, member_id, period)
);
CREATE INDEX automation_runs_due ON automation_runs (id) WHERE state = 'due';
