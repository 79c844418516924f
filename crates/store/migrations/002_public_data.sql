-- uptake schema 2: comments and public profile snapshots (public data).
-- People appear only as keyed pseudonyms (author_key) unless the project
-- opted in to keeping handles; see docs/privacy.md.

CREATE TABLE comments (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT    NOT NULL,
    platform_id         TEXT    NOT NULL,      -- string: ids exceed 2^53
    video_id            INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    parent_platform_id  TEXT,                  -- NULL for top-level comments
    author_key          TEXT,
    author_handle       TEXT,                  -- own account, or opt-in only
    created_at          INTEGER,
    text                TEXT    NOT NULL,
    likes               INTEGER,
    likes_approx        INTEGER NOT NULL DEFAULT 0,
    replies             INTEGER,
    language            TEXT,
    observed_at         INTEGER,               -- capture time of the values kept
    source              TEXT    NOT NULL,      -- format of the capture kept
    first_import_id     INTEGER REFERENCES imports(id),
    captures            INTEGER NOT NULL DEFAULT 1,
    raw_id              INTEGER REFERENCES raw_records(id) ON DELETE SET NULL,
    UNIQUE (platform, platform_id)
);
CREATE INDEX comments_video ON comments(video_id, created_at);
CREATE INDEX comments_author ON comments(author_key);
CREATE INDEX comments_parent ON comments(parent_platform_id);

-- Which sources and imports saw each comment (a comment is one entity with
-- several captures).
CREATE TABLE comment_captures (
    comment_id   INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    import_id    INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    source       TEXT    NOT NULL,
    observed_at  INTEGER,
    raw_id       INTEGER REFERENCES raw_records(id) ON DELETE SET NULL
);
CREATE INDEX comment_captures_comment ON comment_captures(comment_id);

CREATE TABLE profile_snapshots (
    id           INTEGER PRIMARY KEY,
    import_id    INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    author_key   TEXT    NOT NULL,
    observed_at  INTEGER NOT NULL,
    followers    INTEGER,
    following    INTEGER,
    likes        INTEGER,
    videos       INTEGER
);
CREATE INDEX profile_snapshots_author ON profile_snapshots(author_key);

CREATE INDEX videos_author ON videos(author_key);
CREATE INDEX observations_raw ON observations(raw_id);

ALTER TABLE imports ADD COLUMN comments INTEGER NOT NULL DEFAULT 0;
