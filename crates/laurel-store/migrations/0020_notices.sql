-- The notices the program sends by itself (points expiring, birthday, welcome series, tier
-- at risk) and the manners they keep.
--
-- A notice sent is recorded once per member, kind and key (the expiry day of a batch, the
-- year of a birthday, the step of a welcome series, the day of a review): the unique key
-- makes a job run twice, or on two nodes, send it once. The weekly cap counts these rows.
CREATE TABLE notices_sent (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    notice_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    UNIQUE (member_id, kind, notice_key)
);
CREATE INDEX notices_sent_by_member ON notices_sent (member_id, sent_at);

-- A message's HTML part, what kind it is and whom it is for, and where its recipient stops
-- marketing e-mail with one click (List-Unsubscribe).
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN kind TEXT;
ALTER TABLE outbox ADD COLUMN member_id BIGINT;
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;

-- The language a member reads (NULL: the program's), and the secret in their unsubscribe
-- links (made with their first marketing message; it can do nothing but unsubscribe).
ALTER TABLE members ADD COLUMN language TEXT;
ALTER TABLE members ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX members_by_unsubscribe ON members (unsubscribe_token);
