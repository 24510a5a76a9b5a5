-- The churn-risk list: members at one level of risk, those least likely still active first, a
-- keyset page at a time. Its order (p_alive_ppm, then member_id to break ties) is this index's,
-- so any page is one seek and a walk of as many entries as it shows, however many members
-- there are. It serves whatever the index by (risk, p_alive_ppm) it replaces served.
DROP INDEX IF EXISTS member_insight_by_risk;
CREATE INDEX member_insight_churn ON member_insight (risk, p_alive_ppm, member_id);
