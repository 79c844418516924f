//! Reader for yt-dlp `.info.json` files of TikTok videos (`formats.md` §5):
//! one video's info dict (`--write-info-json`), a playlist (`_type:
//! "playlist"` with `entries`, from a `tiktok:user` profile page, or
//! `--dump-single-json`), or NDJSON with one info dict per line (`-j`).
//!
//! Fields, following yt-dlp's TikTok extractor:
//!
//! - `id` is a string; `description` is the full caption, while `title` is
//!   truncated to 72 characters with `...` since 2025-03 (older files hold
//!   the whole caption there). The caption is `description`, or the title
//!   when there is no description and the title does not look truncated;
//!   the title is kept only as the title.
//! - `timestamp` (Unix s) gives the posting instant; `upload_date`
//!   (`YYYYMMDD`, UTC) only the day, when `timestamp` is missing.
//! - `view_count`, `like_count`, `comment_count`, `repost_count` (= shares,
//!   not reposts) and `save_count` (since 2026-01) come from the page's
//!   `stats`, which TikTok rounds to about three significant digits for large
//!   numbers (§4.2). A value of 10 000 or more whose digits after the third
//!   are all zero (`44200000`, `15000`) is therefore stored as approximate,
//!   and the file gets one warning saying how many were. An exact count that
//!   happens to be round is flagged too (about one in a hundred 5-digit
//!   values); the flag means "possibly rounded", as for Zeeschuimer `stats`.
//! - The author is `uploader` (handle) and `uploader_id` (numeric id),
//!   pseudonymised with [`Context::person`]; files without `uploader` give
//!   the handle through `uploader_url` or `webpage_url` (`/@handle/`). Older
//!   files (before 2024-03) have `creator` (the account's display name) and
//!   `artist` (the sound's author) instead of `channel` and `artists`; both
//!   are only kept, scrubbed, in the raw record.
//! - `epoch` (when yt-dlp wrote the file) dates the observation; without it
//!   an entry takes its playlist's `epoch`, then `--observed-at`, then the
//!   file's modification time (with a warning).
//!
//! Raw records are scrubbed with [`crate::privacy::scrub_raw`], then the
//! author's handle, ids and names are also removed from every other string
//! (`webpage_url` holds `/@handle/`, `artists` and `track` often hold the
//! display name); expiring media URLs, HTTP headers and cookies (`formats`,
//! `thumbnails`, `http_headers`, ...) are dropped rather than stored.
//!
//! Memory: a single info dict is small (tens of kilobytes) and is read
//! whole. A playlist's `entries` are streamed one entry at a time; only
//! entries that carry metrics but no `epoch` of their own are held, until
//! the playlist's own `epoch` (which yt-dlp writes after `entries`) has been
//! read. A profile playlist can list thousands of videos, so that hold is
//! bounded generously (50,000 entries or 64 MiB of their raw text) and a
//! larger one is refused with an error saying how to import it. yt-dlp has no TikTok comment extraction (§5); a non-empty
//! `comments` list from another extractor is reported, not imported.

mod read;
mod scrub;
mod video;

use crate::api_json::{json_error, open_json, FileClock, Tail};
use crate::error::IngestError;
use crate::sink::{Sink, Warning};
use crate::Context;
use read::TopSeed;
use serde::de::DeserializeSeed;
use std::io::Read;
use uptake_model::SourceFormat;

const WHAT: &str = "a yt-dlp `.info.json` file";

/// Reads a yt-dlp info dict, a playlist of them, or NDJSON of them into
/// `sink`. Returns [`SourceFormat::YtDlp`].
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let reader = open_json(input, ctx, WHAT)?;
    // Counts lines for NDJSON records and keeps the text errors quote.
    let tail = Tail::default();
    let mut state = YtDlp {
        ctx,
        sink,
        tail: tail.clone(),
        clock: FileClock::default(),
        failure: None,
        videos: 0,
        rounded: 0,
        comments: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(tail.reader(reader));
    loop {
        if let Err(e) = TopSeed(&mut state).deserialize(&mut de) {
            if let Some(failure) = state.failure.take() {
                return Err(failure);
            }
            return Err(json_error(ctx, WHAT, &e, &tail));
        }
        if de.end().is_ok() {
            break;
        }
    }
    if state.rounded > 0 {
        let n = state.rounded;
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{n} count{} of 10,000 or more end{} in zeros after three significant digits and \
                 may have been rounded by TikTok's page data; {} marked approximate",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                if n == 1 { "it is" } else { "they are" },
            ),
        });
    }
    if state.comments > 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{} comment{} in `comments` not imported (yt-dlp's generic comment fields carry \
                 no TikTok comment ids)",
                state.comments,
                if state.comments == 1 { "" } else { "s" }
            ),
        });
    }
    if state.videos == 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: "the file holds no videos".into(),
        });
    }
    Ok(SourceFormat::YtDlp)
}

struct YtDlp<'c, 's> {
    ctx: &'c Context<'c>,
    sink: &'s mut dyn Sink,
    /// Where the JSON reader is: its newlines locate NDJSON records.
    tail: Tail,
    clock: FileClock,
    failure: Option<IngestError>,
    videos: usize,
    /// Counts flagged as possibly rounded.
    rounded: usize,
    /// Comments seen and not imported.
    comments: usize,
}
