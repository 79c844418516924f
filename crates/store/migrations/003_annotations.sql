-- uptake schema 3: comment analysis. Rule flags (annotations) are replaced
-- when a newer rules version re-analyses a comment; human review decisions
-- live in their own table and are never touched by a rerun.

CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    scheme      TEXT    NOT NULL,             -- kmb | safety | claims
    label       TEXT    NOT NULL,
    rule_id     TEXT    NOT NULL,
    severity    INTEGER,
    span_start  INTEGER NOT NULL,             -- byte offsets in the comment text
    span_end    INTEGER NOT NULL,
    matched     TEXT    NOT NULL,
    source      TEXT    NOT NULL,             -- 'rule' (models and coders come later)
    version     TEXT    NOT NULL,             -- rules version
    created_at  INTEGER NOT NULL
);
CREATE INDEX annotations_comment ON annotations(comment_id, scheme);
CREATE INDEX annotations_label ON annotations(scheme, label);

-- Which comments each scheme has analysed, with which rules version, so
-- that `uptake analyze` only reads what is new or was read by older rules.
CREATE TABLE analysis_runs (
    comment_id   INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    scheme       TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    analysed_at  INTEGER NOT NULL,
    PRIMARY KEY (comment_id, scheme)
) WITHOUT ROWID;

CREATE TABLE review_decisions (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    scheme      TEXT    NOT NULL,
    decision    TEXT    NOT NULL CHECK (decision IN ('confirm', 'dismiss', 'escalate')),
    reviewer    TEXT    NOT NULL,
    note        TEXT,
    decided_at  INTEGER NOT NULL
);
CREATE INDEX review_decisions_comment ON review_decisions(comment_id, scheme);
