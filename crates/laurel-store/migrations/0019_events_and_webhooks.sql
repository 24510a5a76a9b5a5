-- Domain events and their delivery to webhook subscribers.
--
-- An event is written in the transaction of what caused it, and only when some subscriber
-- listens to its kind. A delivery loop fans each new event out to the subscriptions that want
-- it (one delivery per subscription and event: the unique key means a restart never makes a
-- second one) and sends them, retrying failures with backoff for a day.

CREATE TABLE events (
    id @ID@,
    kind TEXT NOT NULL,
    member_id BIGINT,
    -- The event as subscribers receive it: a JSON document.
    payload TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    -- When it was fanned out to the subscriptions; NULL while it waits.
    fanned_out_at BIGINT
);
CREATE INDEX events_waiting ON events (id) WHERE fanned_out_at IS NULL;

CREATE TABLE webhook_subscriptions (
    id @ID@,
    url TEXT NOT NULL,
    -- The event kinds it wants, space-separated.
    event_kinds TEXT NOT NULL,
    -- The signing secret (whsec_…). Kept, not hashed: every delivery is signed with it.
    secret TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE webhook_deliveries (
    id @ID@,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id BIGINT NOT NULL REFERENCES events (id),
    -- pending, delivered, failed (dead-lettered).
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    first_attempt_at BIGINT,
    last_attempt_at BIGINT,
    -- When it is next tried; NULL once delivered or given up.
    next_attempt_at BIGINT,
    -- The last attempt's HTTP status (NULL: no answer) and what went wrong.
    last_status BIGINT,
    last_error TEXT,
    delivered_at BIGINT,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);
