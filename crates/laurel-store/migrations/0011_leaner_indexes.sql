-- Fewer index pages per purchase. Each per-member index is a random page written per row, and
-- on a busy program those pages are most of what a commit writes to disk.
--
-- A member's purchases: the tier metric's (member_id, occurred_at) serves the history (newest
-- first by when they happened) and the first-purchase check as well.
DROP INDEX purchases_by_member;
-- A member's grants: one index, by time, carrying the rule and the points, serves both the
-- limits' usage (per rule over day, week, month and lifetime) and the tier metric (points over
-- a window) without reading the table.
DROP INDEX earn_grants_by_member;
DROP INDEX earn_grants_by_member_time;
CREATE INDEX earn_grants_by_member_time ON earn_grants (member_id, occurred_at, rule_id, points);
