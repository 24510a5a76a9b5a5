-- Households: members who pool their points. The owner is a member row like the others; a
-- member asks to join and is active once the owner consents. A member belongs to one
-- household at a time (asked or active); one who left may join another.
CREATE TABLE households (
    id @ID@,
    owner_id BIGINT NOT NULL REFERENCES members (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    dissolved_at BIGINT
);

CREATE TABLE household_members (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES households (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    -- requested | active | left
    state TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    joined_at BIGINT,
    left_at BIGINT
);
CREATE UNIQUE INDEX household_members_one_each ON household_members (member_id)
    WHERE state <> 'left';
CREATE INDEX household_members_by_household ON household_members (household_id);

-- Points lent within a household for a member's spending are transfers naming it (no fee).
ALTER TABLE transfers ADD COLUMN household_id BIGINT REFERENCES households (id);
