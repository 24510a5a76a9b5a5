-- A staff member's private note on a posting they made (an adjustment): the journal's reason
-- is what the member is told; this is what staff tell each other, never shown to the member.
-- A table of its own, written only when there is a note, so the journal's hot insert path
-- is untouched.
CREATE TABLE staff_notes (
    journal_id BIGINT PRIMARY KEY REFERENCES journal (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    note TEXT NOT NULL
);
