//! The account series: account days, audience snapshots and follower
//! activity.

use super::{ImportTx, Stmt};
use crate::StoreError;
use rusqlite::params;
use uptake_model::{AccountDay, AudienceSnapshot, FollowerActivity};

impl ImportTx<'_> {
    /// Upserts a day of the account series: each present value replaces the
    /// stored one (the newest import wins); a missing value keeps it.
    pub fn account_day(&mut self, d: &AccountDay) -> Result<(), StoreError> {
        self.run(
            Stmt::AccountDay,
            "INSERT INTO account_days (account, date, video_views, profile_views, likes,
                   comments, shares, followers, new_followers, total_viewers, new_viewers,
                   returning_viewers, reach, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (account, date) DO UPDATE SET
                   video_views       = COALESCE(excluded.video_views, video_views),
                   profile_views     = COALESCE(excluded.profile_views, profile_views),
                   likes             = COALESCE(excluded.likes, likes),
                   comments          = COALESCE(excluded.comments, comments),
                   shares            = COALESCE(excluded.shares, shares),
                   followers         = COALESCE(excluded.followers, followers),
                   new_followers     = COALESCE(excluded.new_followers, new_followers),
                   total_viewers     = COALESCE(excluded.total_viewers, total_viewers),
                   new_viewers       = COALESCE(excluded.new_viewers, new_viewers),
                   returning_viewers = COALESCE(excluded.returning_viewers, returning_viewers),
                   reach             = COALESCE(excluded.reach, reach),
                   import_id         = excluded.import_id",
            |st| {
                st.execute(params![
                    d.account,
                    d.date.format("%Y-%m-%d").to_string(),
                    d.video_views,
                    d.profile_views,
                    d.likes,
                    d.comments,
                    d.shares,
                    d.followers,
                    d.new_followers,
                    d.total_viewers,
                    d.new_viewers,
                    d.returning_viewers,
                    d.reach,
                    self.import_id
                ])
            },
        )?;
        self.counts.account_days += 1;
        Ok(())
    }

    /// Adds an audience snapshot.
    pub fn audience(&mut self, a: &AudienceSnapshot) -> Result<(), StoreError> {
        let as_of = a.as_of.format("%Y-%m-%d").to_string();
        for share in &a.shares {
            self.run(
                Stmt::Audience,
                "INSERT INTO audience_snapshots (import_id, account, as_of, kind, label, fraction)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                |st| {
                    st.execute(params![
                        self.import_id,
                        a.account,
                        as_of,
                        a.kind.name(),
                        share.label,
                        share.fraction
                    ])
                },
            )?;
            self.counts.audience_entries += 1;
        }
        Ok(())
    }

    /// Upserts active followers for one hour (newest import wins).
    pub fn follower_activity(&mut self, f: &FollowerActivity) -> Result<(), StoreError> {
        self.run(
            Stmt::FollowerActivity,
            "INSERT INTO follower_activity (account, date, hour, active_followers, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, date, hour) DO UPDATE SET
                   active_followers = excluded.active_followers, import_id = excluded.import_id",
            |st| {
                st.execute(params![
                    f.account,
                    f.date.format("%Y-%m-%d").to_string(),
                    f.hour,
                    f.active_followers,
                    self.import_id
                ])
            },
        )?;
        self.counts.follower_activity += 1;
        Ok(())
    }
}
