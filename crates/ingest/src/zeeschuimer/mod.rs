//! Reader for Zeeschuimer NDJSON exports: TikTok posts (`source_platform =
//! "tiktok.com"`) and comments (`"tiktok-comments"`), one capture per line.
//!
//! See `formats.md` §4.1–4.3. Each line is an envelope (`item_id`,
//! `timestamp_collected` in **milliseconds**, `source_platform`, `data`, …)
//! around the raw TikTok object. Posts come in two shapes: the API item
//! (`author` is an object with `id`, `uniqueId`, …) and the older flattened
//! page-state item (`author` is the handle, `authorId` at the top level).
//! `statsV2` (exact strings) is preferred over `stats`, whose large values
//! TikTok's pages round to about three significant digits; `stats`-only
//! values ≥ 10 000 ending in `00` are flagged approximate.
//!
//! Every line becomes one [`Item`]: a post yields a [`Video`], an
//! [`Observation`] at the capture time and, when `authorStats` is present, a
//! [`ProfileSnapshot`]; a comment yields a [`Comment`]. The same item captured
//! again (Zeeschuimer re-inserts per navigation) yields another observation at
//! its own capture time: nothing is merged here.
//!
//! Speed: files reach gigabytes, so the reader streams line by line (most
//! lines straight from the read buffer, without a copy) and walks each line
//! **once**, writing the raw record (with identifying values removed, the
//! rules of [`crate::privacy::scrub_raw`]) while it picks out the few fields
//! the records need. That avoids building a `serde_json::Value` tree,
//! cloning it to scrub it and serialising it again. The output is
//! byte-for-byte what `scrub_raw(&value).to_string()` gives (tested), plus:
//! the envelope's `user_agent` is dropped, handles and person parameters in
//! links are removed (`links`: `/@handle` becomes `/@[removed]`, also
//! percent-encoded, in query values and without a scheme), `authorName` (a
//! music object's author) is removed wherever it is, and so is `desc` wherever
//! a `share_info` object is, and NUL characters are stripped (`formats.md` §8)
//! with a warning. After the walk, every captured handle and nickname (all of
//! them when a line has several) is removed wherever else the record repeats
//! it, inside string values (`names::remove_names`).
//!
//! The walk has two implementations. The reference is a serde visitor
//! (`raw::Walk`). In front of it, a hand-written scanner (`fast`) copies
//! the line through in long runs and writes only what differs, which is
//! about twice as fast; it gives exactly the visitor's output (tested
//! against it on generated and damaged lines) and hands the visitor
//! anything it does not handle itself, down to the whole line, so every
//! invalid line gets serde_json's own error, which
//! `api_json::damage` words as for the other JSON readers.

mod capture;
mod comments;
mod fast;
#[cfg(test)]
mod fast_tests;
mod lex;
mod links;
mod names;
mod posts;
mod raw;
mod scrub;
mod tally;

pub(crate) use links::scrub_links;
pub(crate) use names::remove_names;
pub(crate) use posts::looks_rounded;
pub(crate) use raw::write_str;
pub(crate) use scrub::{KeySet, PERSON_KEYS};

use crate::api_json::{damage, not_utf8, serde_text, Around, Layout, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::IDENTIFYING_KEYS;
use crate::sink::{Item, Record, Sink};
use crate::Context;
use capture::{Captured, Slot, F_COLLECTED, F_ITEM_ID, F_PLATFORM};
use comments::comment;
use memchr::memchr;
use posts::post;
use raw::{State, Walk};
use scrub::{EXTRA_KEYS, IDENTIFYING};
use serde::de::DeserializeSeed;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use tally::Tally;
use uptake_model::SourceFormat;
#[cfg(doc)]
use uptake_model::{Comment, Observation, ProfileSnapshot, Video};

/// The longest line accepted. A capture is a few kilobytes; a longer "line"
/// is a file that is not NDJSON (a pretty-printed or single-array export),
/// and reading it whole would break the constant-memory promise.
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// What a line is, for messages about damaged text.
const WHAT: &str = "a Zeeschuimer capture";

/// `source_platform` of TikTok posts.
const POSTS: &str = "tiktok.com";
/// `source_platform` of TikTok comments.
const COMMENTS: &str = "tiktok-comments";

/// Reads a Zeeschuimer NDJSON export into `sink`, one [`Item`] per TikTok
/// capture. Lines captured from other platforms are skipped with one
/// summary warning; blank lines are skipped. A line that is not a capture
/// (invalid JSON, no `data`, no `item_id`) is an error naming its line.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut reader = BufReader::with_capacity(256 * 1024, input);
    let mut keys = KeySet::new(IDENTIFYING_KEYS);
    for k in EXTRA_KEYS {
        keys.add(k, IDENTIFYING);
    }
    // A line split across two buffer fills is gathered here; most lines
    // are read straight from the reader's buffer without a copy.
    let mut pending: Vec<u8> = Vec::new();
    let mut tally = Tally::default();
    let mut spare = Captured::default();
    let mut number: u64 = 0;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(IngestError::Io {
                    location: ctx.at_line(number + 1),
                    source,
                })
            }
        };
        let (line, used, complete) = match memchr(b'\n', buf) {
            Some(end) if pending.is_empty() => (buf.get(..=end).unwrap_or(buf), end + 1, true),
            Some(end) => {
                pending.extend_from_slice(buf.get(..=end).unwrap_or(buf));
                (pending.as_slice(), end + 1, true)
            }
            None if buf.is_empty() && pending.is_empty() => break,
            // The last line, without a newline.
            None if buf.is_empty() => (pending.as_slice(), 0, true),
            None => {
                pending.extend_from_slice(buf);
                (pending.as_slice(), buf.len(), false)
            }
        };
        // The reader stops at MAX_LINE + 1 bytes (newline included) of one
        // line, as `read_until` on `take(MAX_LINE + 1)` did.
        let too_long = line.len() as u64 > MAX_LINE;
        if complete || too_long {
            number += 1;
            if too_long {
                return Err(IngestError::invalid(
                    ctx.at_line(number),
                    format!(
                        "expected one Zeeschuimer capture per line (a few kilobytes), found a \
                         line longer than {} MB; is this file NDJSON?",
                        MAX_LINE / (1024 * 1024)
                    ),
                ));
            }
            let mut bytes = line;
            if number == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let bytes = bytes.trim_ascii();
            if !bytes.is_empty() {
                read_line(bytes, number, ctx, sink, &keys, &mut tally, &mut spare)?;
            }
            pending.clear();
        }
        reader.consume(used);
    }
    tally.finish(ctx, sink);
    Ok(SourceFormat::Zeeschuimer)
}

/// Reads one non-blank line and pushes what it yields. `spare` holds the
/// previous line's [`Captured`], whose buffers this line reuses.
fn read_line(
    bytes: &[u8],
    number: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
    keys: &KeySet,
    tally: &mut Tally,
    spare: &mut Captured,
) -> Result<(), IngestError> {
    let mut state = State {
        out: String::with_capacity(bytes.len()),
        cap: std::mem::take(spare),
        keys,
        nuls: 0,
    };
    state.cap.clear();
    let result = line_items(bytes, number, ctx, sink, tally, &mut state);
    *spare = state.cap;
    result
}

/// [`read_line`] with its state set up.
fn line_items(
    bytes: &[u8],
    number: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
    tally: &mut Tally,
    state: &mut State,
) -> Result<(), IngestError> {
    let location = ctx.at_line(number);
    // One UTF-8 check per line is much cheaper than serde_json's check of
    // every string when it reads from bytes.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let rest = bytes.get(e.valid_up_to()..).unwrap_or_default();
            return Err(IngestError::invalid(
                location,
                not_utf8(WHAT, e.valid_up_to() as u64 + 1, rest),
            ));
        }
    };
    if fast::walk_line(text, state).is_err() {
        // The scanner leaves anything unusual (and every error) to the walk.
        state.out.clear();
        state.cap.clear();
        state.nuls = 0;
        walk(text, state).map_err(|e| {
            // The line is read on its own: serde_json's line is always 1.
            let around = Around {
                line: 1,
                from: 1,
                bytes: text.as_bytes(),
            };
            let message = match damage(&e, WHAT, Layout::Line, Some(around)) {
                Some(d) => d.message,
                None => format!(
                    "expected {WHAT} (one JSON object per line), found: {}",
                    serde_text(&e)
                ),
            };
            IngestError::invalid(location.clone(), message)
        })?;
    }
    let mut out = std::mem::take(&mut state.out);
    let (cap, nuls) = (&state.cap, state.nuls);
    if !cap.envelope_object {
        return Err(IngestError::invalid(
            location,
            "expected a Zeeschuimer capture (a JSON object per line), found another JSON value",
        ));
    }
    let is_post = match cap.text_ref(F_PLATFORM) {
        Some(POSTS) => true,
        Some(COMMENTS) => false,
        _ => {
            let platform = match cap.text(F_PLATFORM) {
                Some(p) => p,
                None => {
                    return Err(IngestError::invalid(
                        location,
                        "expected a `source_platform` in every Zeeschuimer capture, found none",
                    ))
                }
            };
            if platform != POSTS && platform != COMMENTS {
                *tally.other_platforms.entry(platform).or_insert(0) += 1;
                return Ok(());
            }
            platform == POSTS
        }
    };
    if cap.get(F_ITEM_ID).is_none() {
        return Err(IngestError::invalid(
            location,
            "expected an `item_id` in every Zeeschuimer capture, found none",
        ));
    }
    if !cap.saw_data {
        return Err(IngestError::invalid(
            location,
            "expected a `data` object in every Zeeschuimer capture, found none",
        ));
    }
    if !cap.data_object {
        return Err(IngestError::invalid(
            location,
            "expected `data` to be the captured TikTok object, found another JSON value",
        ));
    }
    if nuls > 0 {
        if tally.nul_strings == 0 {
            tally.nul_first_line = number;
        }
        tally.nul_strings += nuls;
    }
    tally.captures += 1;
    remove_names(&mut out, cap.names());
    let observed_at = observed_at(cap, number, ctx, tally)?;
    let records = if is_post {
        post(cap, observed_at, ctx, number, tally)?
    } else {
        vec![Record::Comment(comment(cap, observed_at, ctx, number)?)]
    };
    let item = Item {
        location,
        raw: Some(out),
        records,
    };
    sink.push(item).map_err(|source| IngestError::Sink {
        location: ctx.at_line(number),
        source,
    })
}

/// Reads one line with the serde walk, the reference the fast path follows.
fn walk(text: &str, state: &mut State) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Walk {
        st: state,
        slot: Slot::Envelope,
        in_person: false,
        replace_scalar: false,
    }
    .deserialize(&mut de)?;
    de.end()
}

/// The capture time: `timestamp_collected` (milliseconds) in UTC seconds.
fn observed_at(
    cap: &Captured,
    number: u64,
    ctx: &Context,
    tally: &mut Tally,
) -> Result<i64, IngestError> {
    let field = "timestamp_collected";
    let expected = "a capture time in milliseconds since 1970";
    let raw = match cap.get(F_COLLECTED) {
        None => {
            return ctx.options.observed_at.ok_or_else(|| {
                IngestError::invalid(
                    ctx.at_line(number),
                    "expected a `timestamp_collected` (capture time) in every Zeeschuimer \
                     capture, found none; pass `--observed-at` to set it",
                )
            })
        }
        Some(s) => s,
    };
    let value = match raw {
        Scalar::UInt(v) => i64::try_from(*v).ok(),
        Scalar::Float(f) if f.is_finite() && f.abs() < 9.0e15 => Some(*f as i64),
        Scalar::Text(t) => t.trim().parse::<i64>().ok(),
        _ => None,
    };
    match value {
        Some(ms) if (100_000_000_000..100_000_000_000_000).contains(&ms) => Ok(ms / 1000),
        Some(s) if (1_000_000_000..100_000_000_000).contains(&s) => {
            if tally.seconds_stamps == 0 {
                tally.seconds_first_line = number;
            }
            tally.seconds_stamps += 1;
            Ok(s)
        }
        _ => Err(IngestError::value(
            ctx.at_line(number),
            field,
            ValueError {
                expected,
                found: raw.shown().chars().take(60).collect(),
                hint: None,
            },
        )),
    }
}
