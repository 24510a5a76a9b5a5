-- Saved segments: members picked by conditions (JSON, as the API writes them), counted and
-- listed as of each segment's last refresh.
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    conditions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    refreshed_at BIGINT,
    members BIGINT NOT NULL DEFAULT 0,
    -- Each refresh marks the members it found with the next generation, then drops the rows
    -- of earlier ones, a chunk per short transaction, so purchases are never held up.
    generation BIGINT NOT NULL DEFAULT 0
);

-- Who is in each segment: the write path asks which segments a member is in, a page of
-- the list asks which members a segment holds.
CREATE TABLE segment_members (
    segment_id TEXT NOT NULL REFERENCES segments (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    generation BIGINT NOT NULL,
    PRIMARY KEY (segment_id, member_id)
);
CREATE INDEX segment_members_by_member ON segment_members (member_id, segment_id);
