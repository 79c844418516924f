-- uptake schema 5: the web app's team accounts, sessions and audit log, and
-- the indexes and full-text index its paginated pages need (see
-- crates/store/src/team.rs and pages.rs; docs/web.md).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT    NOT NULL
                   CHECK (role IN ('owner', 'analyst', 'coder', 'moderator', 'viewer')),
    password_hash  TEXT,                    -- argon2id PHC string; NULL = cannot sign in
    created_at     INTEGER NOT NULL
);

-- Only a hash of each session token is kept: a copy of the database does not
-- let anyone sign in.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,        -- SHA-256 of the cookie's token, hex
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,           -- the session's anti-forgery token
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only: who did what, when. Review decisions, uploads, account and
-- settings changes, sign-ins.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,               -- UTC seconds
    actor   TEXT    NOT NULL,               -- user name, or `local owner`, or `cli`
    action  TEXT    NOT NULL,               -- review.confirm, user.add, import.upload ...
    target  TEXT,
    detail  TEXT
);

-- Sorting the video table by a metric walks an index instead of sorting
-- 100,000 rows per request.
CREATE INDEX video_latest_views ON video_latest(views);
CREATE INDEX video_latest_likes ON video_latest(likes);
CREATE INDEX video_latest_comments ON video_latest(comments);
CREATE INDEX video_latest_shares ON video_latest(shares);
CREATE INDEX video_latest_saves ON video_latest(saves);
CREATE INDEX videos_posted ON videos(posted_on, created_at);

-- The comment list, newest first, and its language filter.
CREATE INDEX comments_created ON comments(created_at);
CREATE INDEX comments_language ON comments(language, created_at);

-- The review queue: most severe first, then oldest comment row first.
CREATE INDEX annotations_queue ON annotations(scheme, severity DESC, comment_id);

-- Full-text search over comment text. External content: the text lives once,
-- in `comments`; triggers keep the index in step with imports and erasure.
CREATE VIRTUAL TABLE comments_fts USING fts5(
    text, content = 'comments', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Erased comments must not linger in the index's pages (right to erasure).
INSERT INTO comments_fts(comments_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF text ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO comments_fts(rowid, text) VALUES (new.id, new.text);
END;
