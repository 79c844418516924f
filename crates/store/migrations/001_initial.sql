-- uptake schema 1: imports, videos, observations, the account's daily series,
-- audience snapshots. Append-only: later changes go in 002_*.sql and onwards.

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT    NOT NULL,          -- as given on the command line
    sha256        TEXT    NOT NULL UNIQUE,   -- same bytes twice = same import
    byte_size     INTEGER NOT NULL,
    formats       TEXT    NOT NULL,          -- comma-separated SourceFormat names
    imported_at   INTEGER NOT NULL,          -- UTC seconds
    options       TEXT    NOT NULL DEFAULT '{}', -- JSON: export_date, lang, observed_at ...
    items         INTEGER NOT NULL DEFAULT 0,
    videos        INTEGER NOT NULL DEFAULT 0,
    observations  INTEGER NOT NULL DEFAULT 0,
    account_days  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE import_warnings (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    location   TEXT    NOT NULL,
    message    TEXT    NOT NULL
);
CREATE INDEX import_warnings_import ON import_warnings(import_id);

-- The source record as received, because formats drift without notice.
CREATE TABLE raw_records (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    location   TEXT    NOT NULL,
    body       TEXT    NOT NULL
);
CREATE INDEX raw_records_import ON raw_records(import_id);

CREATE TABLE videos (
    id               INTEGER PRIMARY KEY,
    platform         TEXT    NOT NULL,
    platform_id      TEXT    NOT NULL,       -- string: TikTok ids exceed 2^53
    author_handle    TEXT,                   -- only for the project's own accounts
    author_key       TEXT,                   -- pseudonymous key for everyone else
    created_at       INTEGER,                -- UTC seconds
    posted_on        TEXT,                   -- YYYY-MM-DD
    title            TEXT,
    caption          TEXT,
    duration_s       REAL,
    url              TEXT,
    first_import_id  INTEGER REFERENCES imports(id),
    UNIQUE (platform, platform_id)
);

-- A video's metrics as one source saw them at one moment. Never updated.
CREATE TABLE observations (
    id               INTEGER PRIMARY KEY,
    video_id         INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    import_id        INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    raw_id           INTEGER REFERENCES raw_records(id) ON DELETE SET NULL,
    source           TEXT    NOT NULL,
    observed_at      INTEGER NOT NULL,
    views            INTEGER,
    reach            INTEGER,
    likes            INTEGER,
    comments         INTEGER,
    shares           INTEGER,
    saves            INTEGER,
    new_followers    INTEGER,
    profile_views    INTEGER,
    approx_mask      INTEGER NOT NULL DEFAULT 0, -- bit per count column, see observation.rs
    avg_watch_s      REAL,
    total_watch_s    REAL,
    full_watch_rate  REAL,
    traffic_sources  TEXT,                   -- JSON [[label, fraction], ...] or NULL
    territories      TEXT,
    genders          TEXT
);
CREATE INDEX observations_video_time ON observations(video_id, observed_at);
CREATE INDEX observations_import ON observations(import_id);

-- The account's daily series. One row per (account, date); the newest import
-- wins per value and a missing value never overwrites a present one.
CREATE TABLE account_days (
    account            TEXT    NOT NULL,
    date               TEXT    NOT NULL,     -- YYYY-MM-DD, day boundary zone unknown
    video_views        INTEGER,
    profile_views      INTEGER,
    likes              INTEGER,
    comments           INTEGER,
    shares             INTEGER,
    followers          INTEGER,
    new_followers      INTEGER,
    total_viewers      INTEGER,
    new_viewers        INTEGER,
    returning_viewers  INTEGER,
    reach              INTEGER,
    import_id          INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (account, date)
) WITHOUT ROWID;

CREATE TABLE audience_snapshots (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    account    TEXT    NOT NULL,
    as_of      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,             -- gender | territory
    label      TEXT    NOT NULL,
    fraction   REAL    NOT NULL
);
CREATE INDEX audience_snapshots_kind ON audience_snapshots(account, kind, as_of);

CREATE TABLE follower_activity (
    account           TEXT    NOT NULL,
    date              TEXT    NOT NULL,
    hour              INTEGER NOT NULL,
    active_followers  INTEGER NOT NULL,
    import_id         INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (account, date, hour)
) WITHOUT ROWID;

-- Each video's latest value of every metric, maintained by every import in
-- the same transaction, so that the video table and the web app do not scan
-- all observations. For each metric: the value, the time of the observation
-- it came from (`*_at`), and for counts whether it is approximate. Ties on
-- time go to the later observation. `uptake videos --as-of` scans
-- observations instead.
CREATE TABLE video_latest (
    video_id               INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    observations           INTEGER NOT NULL DEFAULT 0,
    newest_at              INTEGER,
    views INTEGER,          views_at INTEGER,          views_approx INTEGER,
    reach INTEGER,          reach_at INTEGER,          reach_approx INTEGER,
    likes INTEGER,          likes_at INTEGER,          likes_approx INTEGER,
    comments INTEGER,       comments_at INTEGER,       comments_approx INTEGER,
    shares INTEGER,         shares_at INTEGER,         shares_approx INTEGER,
    saves INTEGER,          saves_at INTEGER,          saves_approx INTEGER,
    new_followers INTEGER,  new_followers_at INTEGER,  new_followers_approx INTEGER,
    profile_views INTEGER,  profile_views_at INTEGER,  profile_views_approx INTEGER,
    avg_watch_s REAL,       avg_watch_s_at INTEGER,
    total_watch_s REAL,     total_watch_s_at INTEGER,
    full_watch_rate REAL,   full_watch_rate_at INTEGER,
    traffic_sources TEXT,   traffic_sources_at INTEGER,
    territories TEXT,       territories_at INTEGER,
    genders TEXT,           genders_at INTEGER
);
