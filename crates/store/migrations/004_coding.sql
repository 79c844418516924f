-- uptake schema 4: content-analysis coding. Codebooks are stored (TOML text
-- and its SHA-256) at first use so that results can be reproduced; coding
-- rounds record their seed; coders' values are replaced only by a re-import
-- of that coder's sheet; final codes record how they were decided, and an
-- adjudicated one is never overwritten by `uptake code finalize`.
-- Units are referenced by platform id (string), like the rest of the CLI.

CREATE TABLE codebooks (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    toml        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    stored_at   INTEGER NOT NULL,            -- UTC seconds
    UNIQUE (name, version)
);

CREATE TABLE coding_rounds (
    id           INTEGER PRIMARY KEY,
    codebook_id  INTEGER NOT NULL REFERENCES codebooks(id),
    unit_kind    TEXT    NOT NULL CHECK (unit_kind IN ('video', 'comment')),
    seed         INTEGER NOT NULL,           -- u64 stored as its i64 bit pattern
    sample_size  INTEGER NOT NULL,
    overlap      INTEGER NOT NULL,           -- units coded by every coder
    stratify_by  TEXT,
    coders       TEXT    NOT NULL,           -- JSON array, in the order given
    created_at   INTEGER NOT NULL
);

CREATE TABLE coding_assignments (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES coding_rounds(id) ON DELETE CASCADE,
    unit_kind  TEXT    NOT NULL CHECK (unit_kind IN ('video', 'comment')),
    unit_id    TEXT    NOT NULL,             -- platform id
    coder      TEXT    NOT NULL,
    overlap    INTEGER NOT NULL,             -- 1 when every coder codes the unit
    stratum    TEXT,
    UNIQUE (round_id, unit_kind, unit_id, coder)
);
CREATE INDEX coding_assignments_unit ON coding_assignments(unit_kind, unit_id);
CREATE INDEX coding_assignments_coder ON coding_assignments(coder);

CREATE TABLE coder_values (
    assignment_id  INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    item           TEXT    NOT NULL,
    value_text     TEXT    NOT NULL,         -- canonical: NA, yes/no, the point, the level, the number, the text
    value_number   REAL,                     -- numeric code (NULL for NA and text)
    file_name      TEXT    NOT NULL,         -- the sheet it came from
    file_sha256    TEXT    NOT NULL,
    imported_at    INTEGER NOT NULL,
    PRIMARY KEY (assignment_id, item)
) WITHOUT ROWID;

CREATE TABLE final_codes (
    codebook_id   INTEGER NOT NULL REFERENCES codebooks(id),
    unit_kind     TEXT    NOT NULL CHECK (unit_kind IN ('video', 'comment')),
    unit_id       TEXT    NOT NULL,
    item          TEXT    NOT NULL,
    value_text    TEXT    NOT NULL,
    value_number  REAL,
    provenance    TEXT    NOT NULL CHECK (provenance IN ('single-coder', 'agreed', 'adjudicated')),
    decided_by    TEXT,                      -- the adjudicator, or the coder(s)
    decided_at    INTEGER NOT NULL,
    note          TEXT,
    PRIMARY KEY (codebook_id, unit_kind, unit_id, item)
) WITHOUT ROWID;
CREATE INDEX final_codes_unit ON final_codes(unit_kind, unit_id);

-- Forgetting a video or comment (`uptake forget`) forgets its coding too.
CREATE TRIGGER coding_forget_video AFTER DELETE ON videos BEGIN
    DELETE FROM coding_assignments WHERE unit_kind = 'video' AND unit_id = old.platform_id;
    DELETE FROM final_codes WHERE unit_kind = 'video' AND unit_id = old.platform_id;
END;
CREATE TRIGGER coding_forget_comment AFTER DELETE ON comments BEGIN
    DELETE FROM coding_assignments WHERE unit_kind = 'comment' AND unit_id = old.platform_id;
    DELETE FROM final_codes WHERE unit_kind = 'comment' AND unit_id = old.platform_id;
END;
