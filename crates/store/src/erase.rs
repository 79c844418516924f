//! The right to erasure: removing a person's or a video's data.

use crate::{Store, StoreError};
use rusqlite::params;
use std::time::Duration;

/// How long an erasure waits for readers before it leaves the log for
/// SQLite to empty later ([`Erased::log_kept`]).
const LOG_WAIT: Duration = Duration::from_secs(2);

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Comments removed.
    pub comments: u64,
    /// Videos removed.
    pub videos: u64,
    /// Observations removed.
    pub observations: u64,
    /// Raw records removed.
    pub raw_records: u64,
    /// Profile snapshots removed.
    pub profiles: u64,
    /// Whether the write-ahead log could not be emptied after the erasure:
    /// another connection (`uptake serve`) was reading. The log may then
    /// still hold copies of the erased rows until it is checkpointed, which
    /// SQLite does when the last connection closes.
    pub log_kept: bool,
}

impl Erased {
    /// Whether nothing was stored about them.
    pub fn is_empty(&self) -> bool {
        self.comments == 0
            && self.videos == 0
            && self.observations == 0
            && self.raw_records == 0
            && self.profiles == 0
    }
}

impl Store {
    /// Erases everything stored about the person with pseudonym `author_key`:
    /// their comments, their videos (with those videos' observations and
    /// comments), their profile snapshots, and the raw records behind all of
    /// these. Runs in one transaction with SQLite's `secure_delete`, so freed
    /// pages are overwritten rather than left readable in the file; then
    /// merges the comment search index and rebuilds the file (`VACUUM`), so
    /// that no stale copy of an erased row stays in unused space; then
    /// empties the write-ahead log, which holds earlier copies of the pages
    /// while another connection keeps the database open ([`Erased::log_kept`]
    /// says when it could not).
    pub fn erase_author(&mut self, author_key: &str) -> Result<Erased, StoreError> {
        self.erase(
            "SELECT id FROM videos WHERE author_key = ?1",
            "SELECT id FROM comments WHERE author_key = ?1",
            Some(author_key),
            author_key,
        )
    }

    /// Erases one video (by platform id) with its observations, comments and
    /// their raw records.
    pub fn erase_video(&mut self, platform_id: &str) -> Result<Erased, StoreError> {
        self.erase(
            "SELECT id FROM videos WHERE platform_id = ?1",
            "SELECT id FROM comments WHERE 0 AND ?1 IS NULL",
            None,
            platform_id,
        )
    }

    fn erase(
        &mut self,
        videos_sql: &str,
        comments_sql: &str,
        profile_key: Option<&str>,
        key: &str,
    ) -> Result<Erased, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sql(&path, e);
        self.conn
            .pragma_update(None, "secure_delete", true)
            .map_err(sql)?;
        let tx = self.conn.transaction().map_err(sql)?;
        let ids = |query: &str| -> Result<Vec<i64>, StoreError> {
            tx.prepare(query)
                .and_then(|mut st| st.query_map(params![key], |r| r.get(0))?.collect())
                .map_err(sql)
        };
        let videos = ids(videos_sql)?;
        let own_comments = ids(comments_sql)?;
        let mut erased = Erased::default();
        // Raw records first (they are only referenced, never referencing).
        let mut raw_ids: Vec<i64> = Vec::new();
        let collect = |q: &str, id: i64, out: &mut Vec<i64>| -> Result<(), StoreError> {
            let found: Vec<Option<i64>> = tx
                .prepare_cached(q)
                .and_then(|mut st| st.query_map(params![id], |r| r.get(0))?.collect())
                .map_err(sql)?;
            out.extend(found.into_iter().flatten());
            Ok(())
        };
        for &v in &videos {
            collect(
                "SELECT raw_id FROM observations WHERE video_id = ?1",
                v,
                &mut raw_ids,
            )?;
            collect(
                "SELECT cc.raw_id FROM comment_captures cc JOIN comments c ON c.id = cc.comment_id
                 WHERE c.video_id = ?1",
                v,
                &mut raw_ids,
            )?;
        }
        for &c in &own_comments {
            collect(
                "SELECT raw_id FROM comment_captures WHERE comment_id = ?1",
                c,
                &mut raw_ids,
            )?;
        }
        raw_ids.sort_unstable();
        raw_ids.dedup();
        for &c in &own_comments {
            erased.comments += tx
                .execute("DELETE FROM comments WHERE id = ?1", params![c])
                .map_err(sql)? as u64;
        }
        for &v in &videos {
            erased.observations += tx
                .execute("DELETE FROM observations WHERE video_id = ?1", params![v])
                .map_err(sql)? as u64;
            erased.comments += tx
                .execute("DELETE FROM comments WHERE video_id = ?1", params![v])
                .map_err(sql)? as u64;
            tx.execute("DELETE FROM video_latest WHERE video_id = ?1", params![v])
                .map_err(sql)?;
            erased.videos += tx
                .execute("DELETE FROM videos WHERE id = ?1", params![v])
                .map_err(sql)? as u64;
        }
        for r in raw_ids {
            erased.raw_records += tx
                .execute("DELETE FROM raw_records WHERE id = ?1", params![r])
                .map_err(sql)? as u64;
        }
        if let Some(k) = profile_key {
            erased.profiles += tx
                .execute(
                    "DELETE FROM profile_snapshots WHERE author_key = ?1",
                    params![k],
                )
                .map_err(sql)? as u64;
        }
        tx.commit().map_err(sql)?;
        if !erased.is_empty() {
            // The rows are gone, but not every copy of them: SQLite leaves
            // the old bytes of cells in the unused space of pages that were
            // split or rebuilt while the rows were written, and FTS5 keeps an
            // erased comment's words in index segments until they are
            // merged. No query reaches either; both are readable in the file
            // (`strings uptake.db` found the erased text). Merging the search
            // index and rebuilding the file (VACUUM writes every page anew)
            // leave neither. It takes a few seconds per GB, which an erasure,
            // rare and owed to a person, can spend.
            self.conn
                .execute_batch(
                    "INSERT INTO comments_fts(comments_fts) VALUES ('optimize'); VACUUM;",
                )
                .map_err(sql)?;
        }
        self.conn
            .pragma_update(None, "secure_delete", false)
            .map_err(sql)?;
        // The log's frames (the import's pages with the rows, the erasure's
        // overwritten ones) go into the file and the log is cut to nothing,
        // unless a reader is using it: a web request is over in well under
        // a second, so the wait for one is shorter than for a writer.
        self.conn.busy_timeout(LOG_WAIT).map_err(sql)?;
        let checkpoint = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        self.conn.busy_timeout(crate::BUSY_TIMEOUT).map_err(sql)?;
        erased.log_kept = checkpoint.map_err(sql)? != 0;
        Ok(erased)
    }
}
