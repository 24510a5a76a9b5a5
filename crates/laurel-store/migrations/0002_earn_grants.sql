-- Earning rules: what each rule granted, per earn posting. Limits are enforced from it: a
-- member's usage per local day / week / month / lifetime, and a rule's campaign total.
-- The base earn is recorded too (rule_id 'base'), so a posting's grants sum to its earn.

CREATE TABLE earn_grants (
    journal_id BIGINT NOT NULL REFERENCES journal (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    rule_id TEXT NOT NULL,
    points BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    PRIMARY KEY (journal_id, rule_id)
);
-- A member's usage of a rule in a period.
CREATE INDEX earn_grants_by_member ON earn_grants (member_id, rule_id, occurred_at);
-- A rule's campaign total across members.
CREATE INDEX earn_grants_by_rule ON earn_grants (rule_id, points);
