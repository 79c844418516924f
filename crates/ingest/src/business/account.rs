//! Business account pages (`/business/get/`): the daily `metrics[]`
//! become [`AccountDay`]s and the audience distributions
//! [`AudienceSnapshot`]s, all under the account's handle.

use super::{json, push, Business, Page};
use crate::api_json::{count, entries, fits, serde_text, signed_count, Entry, RawJson, Scalar};
use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::sink::{Record, Warning};
use serde::Deserialize;
use uptake_model::{AccountDay, AudienceKind, AudienceSnapshot, Share};

/// One item of `/business/get/` `metrics[]`.
#[derive(Deserialize)]
struct BusinessDay {
    date: Option<Scalar>,
    video_views: Option<Scalar>,
    profile_views: Option<Scalar>,
    likes: Option<Scalar>,
    comments: Option<Scalar>,
    shares: Option<Scalar>,
    followers_count: Option<Scalar>,
    daily_total_followers: Option<Scalar>,
    daily_new_followers: Option<Scalar>,
    daily_lost_followers: Option<Scalar>,
    reach: Option<Scalar>,
}

/// The account-level fields of `/business/get/` that uptake keeps.
#[derive(Deserialize)]
struct BusinessAccount {
    username: Option<Scalar>,
    audience_countries: Option<Vec<Entry>>,
    audience_genders: Option<Vec<Entry>>,
}

/// Keys of `data` that show a page is an account (`/business/get/`) page.
pub(super) const ACCOUNT_KEYS: &[&str] = &[
    "username",
    "display_name",
    "followers_count",
    "audience_countries",
    "audience_genders",
    "is_business_account",
];

/// The audience distributions of one account page.
type Audiences = Vec<(AudienceKind, Vec<Share>)>;

impl Business<'_, '_> {
    /// Parses one `metrics[]` day. The account handle is filled in when the
    /// page ends.
    pub(super) fn day(
        &mut self,
        page: &mut Page,
        raw: RawJson,
        n: usize,
    ) -> Result<(), IngestError> {
        let location = self
            .ctx
            .at_record(format!("page {}, metrics day {n}", page.number));
        let parsed: BusinessDay = fits(
            serde_json::from_str(&raw.0),
            "a daily metrics object",
            &location,
        )?;
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let date =
            match parsed.date.as_ref().map(json::date).transpose() {
                Ok(Some(d)) => d,
                Ok(None) => return Err(IngestError::invalid(
                    location,
                    "expected a `date` (`YYYY-MM-DD`) in every daily metrics object, found none",
                )),
                Err(e) => return Err(at("date", e)),
            };
        let location = self
            .ctx
            .at_record(format!("page {}, metrics {date}", page.number));
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        // Daily values are net changes: likes and comments can be negative.
        let v = |field: &str, s: &Option<Scalar>| {
            signed_count(s.as_ref())
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(field, e))
        };
        // Follower totals, gains and losses cannot be.
        let total = |field: &str, s: &Option<Scalar>| {
            count(s.as_ref())
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(field, e))
        };
        let mut day = AccountDay::new("", date);
        day.video_views = v("video_views", &parsed.video_views)?;
        day.profile_views = v("profile_views", &parsed.profile_views)?;
        day.likes = v("likes", &parsed.likes)?;
        day.comments = v("comments", &parsed.comments)?;
        day.shares = v("shares", &parsed.shares)?;
        day.reach = v("reach", &parsed.reach)?;
        // The daily item's `followers_count` is the total that day; Business
        // accounts may instead (or also) carry `daily_total_followers`.
        day.followers = match total("followers_count", &parsed.followers_count)? {
            Some(f) => Some(f),
            None => total("daily_total_followers", &parsed.daily_total_followers)?,
        };
        // `new_followers` is net, as the model defines it: gained minus lost
        // when both are given. With only `daily_new_followers` it is the
        // gross gain (the best figure the page has); with only
        // `daily_lost_followers` it stays unknown rather than guessed.
        let gained = total("daily_new_followers", &parsed.daily_new_followers)?;
        let lost = total("daily_lost_followers", &parsed.daily_lost_followers)?;
        day.new_followers = match (gained, lost) {
            (Some(g), Some(l)) => Some(g.saturating_sub(l)),
            (Some(g), None) => Some(g),
            (None, _) => None,
        };
        let bytes = raw.0.len();
        // Refused by position: dates may repeat.
        let position = self
            .ctx
            .at_record(format!("page {}, metrics day {n}", page.number));
        page.held_days
            .push((location, raw.0, day), bytes, "daily metrics", &position)
    }

    /// Reads the page's account fields, gives the held `metrics[]` days the
    /// account's handle and pushes them, and reads the audience
    /// distributions. Returns the handle and the non-empty audiences.
    pub(super) fn page_account(
        &mut self,
        page: &mut Page,
        location: &Location,
    ) -> Result<(String, Audiences), IngestError> {
        let account = if page.account_fields.is_empty() {
            None
        } else {
            page.account_fields.push('}');
            let parsed: BusinessAccount =
                serde_json::from_str(&page.account_fields).map_err(|e| {
                    IngestError::invalid(
                        location.clone(),
                        // The text is uptake's own gathering of the fields:
                        // serde_json's position in it would mislead.
                        format!(
                            "expected the account fields of `/business/get/`, found: {}",
                            serde_text(&e)
                        ),
                    )
                })?;
            Some(parsed)
        };
        let handle = account
            .as_ref()
            .and_then(|a| a.username.clone())
            .and_then(|u| u.into_text())
            .filter(|u| !u.trim().is_empty())
            .or_else(|| self.ctx.options.account.clone())
            .unwrap_or_else(|| "own".to_string());

        // A day given twice would be stored from whichever came last: the
        // page is damaged (Studio refuses repeated days the same way).
        // Checked before any day is passed on.
        let days = page.held_days.take();
        let mut days_seen = std::collections::HashSet::new();
        for (location, _, day) in &days {
            if !days_seen.insert(day.date) {
                return Err(IngestError::invalid(
                    location.clone(),
                    format!(
                        "expected each day once in `metrics`, found {} twice",
                        day.date
                    ),
                ));
            }
        }
        for (location, raw, mut day) in days {
            day.account = handle.clone();
            let records = if day.is_empty() {
                vec![]
            } else {
                vec![Record::AccountDay(day)]
            };
            push(self.sink, location, Some(raw), records)?;
        }

        let mut audiences = vec![];
        if let Some(acc) = &account {
            let mut warn = |message: String| {
                self.sink.warn(Warning {
                    location: location.clone(),
                    message,
                })
            };
            let countries = entries(
                acc.audience_countries.as_deref(),
                "audience_countries",
                &mut warn,
            )
            .map_err(|e| IngestError::value(location.clone(), "audience_countries", e))?;
            let genders = entries(
                acc.audience_genders.as_deref(),
                "audience_genders",
                &mut warn,
            )
            .map_err(|e| IngestError::value(location.clone(), "audience_genders", e))?;
            for (kind, shares) in [
                (AudienceKind::Territory, countries),
                (AudienceKind::Gender, genders),
            ] {
                if !shares.is_empty() {
                    audiences.push((kind, shares));
                }
            }
        }

        Ok((handle, audiences))
    }

    /// Pushes the page's audience snapshots, dated by `observed_at`.
    pub(super) fn push_audiences(
        &mut self,
        page: &Page,
        handle: &str,
        audiences: Audiences,
        observed_at: i64,
        location: &Location,
    ) -> Result<(), IngestError> {
        let as_of = json::date_of(observed_at).ok_or_else(|| {
            IngestError::invalid(location.clone(), "observation time out of range")
        })?;
        let records = audiences
            .into_iter()
            .map(|(kind, shares)| {
                Record::Audience(AudienceSnapshot {
                    account: handle.to_string(),
                    as_of,
                    kind,
                    shares,
                })
            })
            .collect();
        let raw = Some(page.account_fields.clone());
        push(
            self.sink,
            self.ctx.at_record(format!("page {}, account", page.number)),
            raw,
            records,
        )?;
        Ok(())
    }
}
