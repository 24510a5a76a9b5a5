-- Simulations asked for through the API or the console: the draft, the span, who asked, and
-- once done the report (JSON) or why it failed. A simulation still `running` when its server
-- stopped never finishes; readers call it interrupted.
CREATE TABLE simulations (
    id @ID@,
    actor TEXT NOT NULL,
    draft TEXT NOT NULL,
    draft_from BIGINT,
    report_to BIGINT,
    -- The changes in behaviour stated for the draft, as JSON.
    assumptions TEXT NOT NULL,
    -- running | done | failed
    state TEXT NOT NULL,
    report TEXT,
    error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
