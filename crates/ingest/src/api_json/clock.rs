//! When a file's numbers were observed: a timestamp the input carries, else
//! `--observed-at`, else the file's modification time (with one warning).

use crate::error::{IngestError, Location};
use crate::sink::{Sink, Warning};
use crate::Context;
use chrono::NaiveDateTime;

/// Finds when a response's numbers were observed, warning at most once
/// per file when it has to fall back to the file's modification time.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    warned: bool,
}

impl Clock {
    /// The observation time, UTC seconds, from (in order): the
    /// `YYYYMMDDHHMMSS` prefix of `stamp` (Business `request_id`, v2
    /// `log_id`, which TikTok builds from the request's UTC time);
    /// `--observed-at`; the file's modification time (with a warning).
    pub(crate) fn observed_at(
        &mut self,
        ctx: &Context,
        stamp: Option<&str>,
        field: &str,
        sink: &mut dyn Sink,
        location: &Location,
    ) -> Result<i64, IngestError> {
        resolve(
            &mut self.warned,
            ctx,
            stamp.and_then(stamp_time),
            sink,
            location,
            |time| {
                format!(
                    "the response's `{field}` carries no timestamp, so the file's \
                     modification time ({time} UTC) is used as the observation time; \
                     pass `--observed-at` to set it"
                )
            },
            || {
                format!(
                    "cannot tell when these numbers were observed: the response's `{field}` \
                     carries no timestamp and the file has no modification time; pass \
                     `--observed-at`"
                )
            },
        )
    }
}

/// The instant at the start of a `request_id`/`log_id`
/// (`YYYYMMDDHHMMSS…`), if it is a plausible observation time: after
/// 2016 (TikTok's launch) and not more than a day in the future.
pub(crate) fn stamp_time(stamp: &str) -> Option<i64> {
    let head = stamp.trim().get(..14)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = NaiveDateTime::parse_from_str(head, "%Y%m%d%H%M%S")
        .ok()?
        .and_utc()
        .timestamp();
    let earliest = 1_451_606_400; // 2016-01-01
    let latest = chrono::Utc::now().timestamp() + 86_400;
    (earliest..=latest).contains(&t).then_some(t)
}

/// Decides when a file's numbers were observed, warning at most once per
/// file when it has to fall back to the file's modification time.
#[derive(Debug, Default)]
pub(crate) struct FileClock {
    warned: bool,
}

impl FileClock {
    /// The observation time, UTC seconds: `own` (the time the input itself
    /// gives: a `log_id` prefix, yt-dlp's `epoch`); else `--observed-at`;
    /// else the file's modification time, with a warning; else an error
    /// asking for `--observed-at`. `missing` says what the input lacked
    /// ("no `epoch`").
    pub(crate) fn resolve(
        &mut self,
        ctx: &Context,
        own: Option<i64>,
        missing: &str,
        sink: &mut dyn Sink,
        location: &Location,
    ) -> Result<i64, IngestError> {
        resolve(
            &mut self.warned,
            ctx,
            own,
            sink,
            location,
            |time| {
                format!(
                    "the file has {missing}, so its modification time ({time} UTC) is used as \
                     the observation time; pass `--observed-at` to set it"
                )
            },
            || {
                format!(
                    "cannot tell when these numbers were observed: the file has {missing} and no \
                     modification time; pass `--observed-at`"
                )
            },
        )
    }
}

/// The observation time shared by [`Clock`] and [`FileClock`]: `own`; else
/// `--observed-at`; else the file's modification time, warning with
/// `warning(time)` unless `warned`; else the error `error()`.
fn resolve(
    warned: &mut bool,
    ctx: &Context,
    own: Option<i64>,
    sink: &mut dyn Sink,
    location: &Location,
    warning: impl FnOnce(String) -> String,
    error: impl FnOnce() -> String,
) -> Result<i64, IngestError> {
    if let Some(t) = own {
        return Ok(t);
    }
    if let Some(t) = ctx.options.observed_at {
        return Ok(t);
    }
    if let Some(m) = ctx.modified {
        if !*warned {
            *warned = true;
            sink.warn(Warning {
                location: location.clone(),
                message: warning(m.format("%Y-%m-%d %H:%M").to_string()),
            });
        }
        return Ok(m.and_utc().timestamp());
    }
    Err(IngestError::invalid(location.clone(), error()))
}
