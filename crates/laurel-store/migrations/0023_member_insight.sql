-- What the insight refresh worked out for each member who has bought: their history as the
-- scores read it, their RFM scores and segment, and the churn and value model's forecast
-- (NULL when no model could be fitted: too little history). Replaced whole by each refresh;
-- a member without purchases has no row.
CREATE TABLE member_insight (
    member_id BIGINT PRIMARY KEY REFERENCES members (id),
    purchases BIGINT NOT NULL,
    spend_minor BIGINT NOT NULL,
    first_purchase_at BIGINT NOT NULL,
    last_purchase_at BIGINT NOT NULL,
    recency_score INTEGER NOT NULL,
    frequency_score INTEGER NOT NULL,
    monetary_score INTEGER NOT NULL,
    segment TEXT NOT NULL,
    -- Probability alive, in millionths; expected purchases in 90 days, in millionths.
    p_alive_ppm BIGINT,
    expected_purchases_ppm BIGINT,
    value_12m_minor BIGINT,
    risk TEXT,
    usual_gap_days BIGINT,
    refreshed_at BIGINT NOT NULL
);
CREATE INDEX member_insight_by_segment ON member_insight (segment);
CREATE INDEX member_insight_by_risk ON member_insight (risk, p_alive_ppm);

-- Each refresh's fitted models, so a forecast's working can be shown: when, on how many
-- members, the parameters and how well they fit (JSON), or why none could be fitted.
CREATE TABLE insight_refreshes (
    id @ID@,
    refreshed_at BIGINT NOT NULL,
    members BIGINT NOT NULL,
    model TEXT,
    problem TEXT
);
