-- A rule's campaign total reads all its grants' points, in any order. Ordered by points, each
-- grant landed on a random page of the rule's range, one more random page written per grant;
-- ordered by journal id, a rule's grants append at the end of its range, and a batch's grants
-- share a few pages. The index still carries the points, so the total reads no table rows.
DROP INDEX earn_grants_by_rule;
CREATE INDEX earn_grants_by_rule ON earn_grants (rule_id, journal_id, points);
