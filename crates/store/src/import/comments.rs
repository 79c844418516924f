//! Comments and their captures (with the search index kept current for
//! comments whose text changes), and public profile snapshots.

use super::fingerprints::Claim;
use super::{ImportTx, Stmt};
use crate::StoreError;
use rusqlite::{params, OptionalExtension};
use uptake_model::{Comment, ProfileSnapshot};

impl ImportTx<'_> {
    /// Inserts a comment, or merges a repeated capture of it: the values of
    /// the latest capture win (likes and replies change), a missing value
    /// never replaces a known one, and every capture is listed.
    pub fn comment(
        &mut self,
        c: &Comment,
        source: &str,
        raw_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let video_id = self.video_row(&c.video_id)?;
        // The search index is filled at commit for comments new in this
        // import; an older comment's entry is replaced here if its text changes.
        let surely_new = self
            .new_comments
            .as_ref()
            .is_some_and(|added| !added.holds(c.platform_id.as_str()));
        let existing: Option<(i64, String, Option<i64>)> = if surely_new {
            None
        } else {
            self.run(
                Stmt::CommentSelect,
                "SELECT id, text, first_import_id FROM comments
                 WHERE platform = ?1 AND platform_id = ?2",
                |st| {
                    st.query_row(params![self.platform, c.platform_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()
                },
            )?
        };
        let likes = c.likes.map(|l| l.value);
        let likes_approx = c.likes.is_some_and(|l| l.approximate);
        let replies = c.replies.map(|r| r.value);
        let id = match existing {
            Some((id, old_text, first_import)) => {
                // The parent a capture gives wins over the stored one when it
                // is a reply inside the stored parent's thread: sources differ
                // in precision (4CAT names a reply-to-reply's thread, the
                // top-level comment; Zeeschuimer names the reply it answers),
                // and the thread must not depend on which file came first.
                let new_text: String = self.run(Stmt::CommentUpdate, "UPDATE comments SET
                           parent_platform_id = CASE
                               WHEN parent_platform_id IS NULL THEN ?2
                               WHEN ?2 IS NULL OR ?2 = parent_platform_id THEN parent_platform_id
                               WHEN EXISTS (SELECT 1 FROM comments p
                                            WHERE p.platform = comments.platform
                                              AND p.platform_id = ?2
                                              AND p.parent_platform_id = comments.parent_platform_id)
                                   THEN ?2
                               ELSE parent_platform_id END,
                           author_key    = COALESCE(author_key, ?3),
                           author_handle = COALESCE(author_handle, ?4),
                           created_at    = COALESCE(created_at, ?5),
                           text = CASE WHEN ?6 <> '' AND (observed_at IS NULL OR ?11 >= observed_at)
                                       THEN ?6 ELSE text END,
                           likes = CASE WHEN ?7 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?7 ELSE likes END,
                           likes_approx = CASE WHEN ?7 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?8 ELSE likes_approx END,
                           replies = CASE WHEN ?9 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?9 ELSE replies END,
                           language = COALESCE(?10, language),
                           source = CASE WHEN observed_at IS NULL OR ?11 >= observed_at THEN ?12 ELSE source END,
                           raw_id = CASE WHEN observed_at IS NULL OR ?11 >= observed_at THEN ?13 ELSE raw_id END,
                           observed_at = MAX(COALESCE(observed_at, ?11), COALESCE(?11, observed_at)),
                           captures = captures + 1
                         WHERE id = ?1 RETURNING text", |st| {
                        st.query_row(params![
                            id,
                            c.parent_id,
                            c.author_key,
                            c.author_handle,
                            c.created_at,
                            c.text,
                            likes,
                            likes_approx,
                            replies,
                            c.language,
                            c.observed_at,
                            source,
                            raw_id
                        ], |r| r.get(0))
                    })?;
                if first_import != Some(self.import_id) && new_text != old_text {
                    self.reindex_comment(id, &old_text, &new_text)?;
                }
                id
            }
            None => {
                self.run(Stmt::CommentInsert, "INSERT INTO comments (platform, platform_id, video_id, parent_platform_id,
                           author_key, author_handle, created_at, text, likes, likes_approx, replies,
                           language, observed_at, source, first_import_id, raw_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)", |st| {
                        st.execute(params![
                            self.platform,
                            c.platform_id,
                            video_id,
                            c.parent_id,
                            c.author_key,
                            c.author_handle,
                            c.created_at,
                            c.text,
                            likes,
                            likes_approx,
                            replies,
                            c.language,
                            c.observed_at,
                            source,
                            self.import_id,
                            raw_id
                        ])
                    })?;
                self.counts.new_comments += 1;
                if let Some(added) = &mut self.new_comments {
                    if added.claim(c.platform_id.as_str()) == Claim::Full {
                        self.new_comments = None;
                    }
                }
                self.conn.last_insert_rowid()
            }
        };
        self.run(
            Stmt::Capture,
            "INSERT INTO comment_captures (comment_id, import_id, source, observed_at, raw_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            |st| st.execute(params![id, self.import_id, source, c.observed_at, raw_id]),
        )?;
        self.counts.comment_captures += 1;
        Ok(())
    }

    /// Replaces a comment's entry in the search index (an external-content
    /// FTS5 table: the old text must be given to remove its terms).
    fn reindex_comment(&mut self, id: i64, old: &str, new: &str) -> Result<(), StoreError> {
        self.run(
            Stmt::FtsDelete,
            "INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', ?1, ?2)",
            |st| st.execute(params![id, old]),
        )?;
        self.run(
            Stmt::FtsInsert,
            "INSERT INTO comments_fts(rowid, text) VALUES (?1, ?2)",
            |st| st.execute(params![id, new]),
        )?;
        Ok(())
    }

    /// Adds a public profile snapshot.
    pub fn profile(&mut self, p: &ProfileSnapshot) -> Result<(), StoreError> {
        self.run(
            Stmt::Profile,
            "INSERT INTO profile_snapshots (import_id, author_key, observed_at, followers,
                   following, likes, videos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            |st| {
                st.execute(params![
                    self.import_id,
                    p.author_key,
                    p.observed_at,
                    p.followers,
                    p.following,
                    p.likes,
                    p.videos
                ])
            },
        )?;
        self.counts.profiles += 1;
        Ok(())
    }
}
