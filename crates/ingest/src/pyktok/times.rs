//! Naive local timestamps (`video_timestamp`, `time_collected`): the
//! collecting computer's clock without an offset, turned into UTC with
//! `--tz-offset` or read as UTC with one warning per file.

use super::{value_error, State};
use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::sink::{Sink, Warning};
use chrono::{DateTime, NaiveDateTime};

/// What a local time without an offset means, as UTC seconds.
enum Instant {
    /// The text carried an offset (`Z`, `+02:00`): exact.
    Exact(i64),
    /// A wall-clock time in an unknown zone.
    Naive(NaiveDateTime),
}

/// `2024-08-30T08:40:00`, with `T` or a space, optional seconds and
/// fractions, and optionally an offset.
fn parse_local_time(text: &str) -> Result<Option<Instant>, ValueError> {
    let t = text.trim();
    if number::is_missing(t) {
        return Ok(None);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(Instant::Exact(dt.timestamp())));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Ok(Some(Instant::Exact(dt.timestamp())));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(Some(Instant::Naive(dt)));
        }
    }
    Err(value_error(
        "a local date and time such as `2024-08-30T08:40:00`",
        t,
    ))
}

impl State<'_> {
    /// A local time as UTC seconds, with the user's `--tz-offset`, else as
    /// UTC with one warning per file.
    pub(super) fn local_time(
        &mut self,
        field: &str,
        text: &str,
        location: &Location,
        sink: &mut dyn Sink,
    ) -> Result<Option<i64>, IngestError> {
        let instant =
            parse_local_time(text).map_err(|e| IngestError::value(location.clone(), field, e))?;
        let time = match instant {
            None => None,
            Some(Instant::Exact(t)) => Some(t),
            Some(Instant::Naive(dt)) => {
                let offset = match self.ctx.options.naive_tz_offset_minutes {
                    Some(minutes) => i64::from(minutes),
                    None => {
                        if !self.local_time_warned {
                            self.local_time_warned = true;
                            sink.warn(Warning {
                                location: location.clone(),
                                message: format!(
                                    "`{field}` holds local times without a time zone (pyktok \
                                     writes the collecting computer's clock); they were read as \
                                     UTC (offset +00:00). If that computer was elsewhere, give \
                                     its offset with `--tz-offset` (e.g. `--tz-offset -05:00`) \
                                     the first time a file is imported: a file already imported \
                                     is not read again"
                                ),
                            });
                        }
                        0
                    }
                };
                Some(dt.and_utc().timestamp() - offset * 60)
            }
        };
        time.map(|t| {
            number::in_tiktok_era(
                t,
                "a local date and time such as `2024-08-30T08:40:00`",
                text,
            )
            .map_err(|e| IngestError::value(location.clone(), field, e))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times() {
        let naive = |t: &str| match parse_local_time(t) {
            Ok(Some(Instant::Naive(dt))) => Some(dt.and_utc().timestamp()),
            _ => None,
        };
        assert_eq!(naive("2024-08-30T08:40:00"), Some(1_725_007_200));
        assert_eq!(naive("2024-08-30 08:40:00.5"), Some(1_725_007_200));
        assert_eq!(naive("2024-08-30T08:40"), Some(1_725_007_200));
        assert!(matches!(
            parse_local_time("2024-08-30T08:40:00+02:00"),
            Ok(Some(Instant::Exact(1_725_000_000)))
        ));
        assert!(matches!(parse_local_time(""), Ok(None)));
        assert!(parse_local_time("30/08/2024 08:40").is_err());
    }
}
