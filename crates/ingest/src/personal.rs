//! Reader for TikTok's personal "Download your data" export in JSON
//! (`user_data_tiktok.json`, older `user_data.json`; `formats.md` §7). The
//! ZIP it comes in is opened by [`crate::container`], which hands over the
//! JSON entry.
//!
//! Least data needed: of everything in the export, only the participant's
//! **own posts** are stored — a [`Video`] per post (id from `Link`, posting
//! time from `Date`, caption from `Title`) and an [`Observation`] with the
//! only metric the export has, `Likes`. The participant's own comments carry
//! no reliable link to a video, so they are counted in a warning and not
//! stored. Watch history, likes and favourites, follow lists, messages,
//! searches, profile, ads data and the rest are not stored; one warning
//! lists the sections that were present and skipped.
//!
//! Key names changed over the years and both generations are read:
//! `Post` → `Posts` → `VideoList` and the older `Video` → `Videos` →
//! `VideoList` (also under `Activity`); `Comment` → `Comments` →
//! `CommentsList` or `Comment` → `CommentsList`; `Date`/`date`,
//! `Link`/`link`/`VideoLink`, `Likes` as a string.
//!
//! Dates (`"2024-08-30 08:40:00"`) are read as UTC: TikTok does not document
//! their zone (§7), and a warning says so. The observation time of the
//! likes is `--observed-at`, else the newest date anywhere in the export
//! (activity lists run up to the day of the export, so this is the best
//! estimate the file gives, and a lower bound), else the file's
//! modification time; each fallback is announced in a warning.
//!
//! The export is one JSON object, often tens of megabytes, whose sections
//! come in no fixed order. It is read in one streaming pass that keeps only
//! what is used (`personal/document.rs`), so memory does not grow with
//! watch history or messages.

use crate::api_json::{damage, push, Layout, Tail};
use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::privacy::{self, Person};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use chrono::{DateTime, NaiveDateTime};
use serde_json::{Map, Value};

mod document;
use document::{Paths, Shape};
use std::io::Read;
use uptake_model::{Count, Metrics, Observation, SourceFormat, Video};

/// Paths (section, subsection, list) to the participant's own posts, new
/// key names first.
const POST_PATHS: &[&[&str]] = &[
    &["Post", "Posts", "VideoList"],
    &["Post", "Posts", "PostList"],
    &["Video", "Videos", "VideoList"],
    &["Activity", "Video", "Videos", "VideoList"],
    &["Your Activity", "Post", "Posts", "VideoList"],
    &["Your Activity", "Video", "Videos", "VideoList"],
];

/// Paths to the participant's own comments.
const COMMENT_PATHS: &[&[&str]] = &[
    &["Comment", "Comments", "CommentsList"],
    &["Comment", "CommentsList"],
    &["Activity", "Comment", "Comments", "CommentsList"],
    &["Activity", "Comment", "CommentsList"],
    &["Your Activity", "Comment", "Comments", "CommentsList"],
    &["Your Activity", "Comment", "CommentsList"],
];

/// Paths to the participant's own handle (used only to key their posts).
const HANDLE_PATHS: &[&[&str]] = &[
    &["Profile", "Profile Information", "ProfileMap", "userName"],
    &["Profile", "Profile Info", "ProfileMap", "userName"],
    &[
        "Profile And Settings",
        "Profile Info",
        "ProfileMap",
        "userName",
    ],
    &[
        "Profile And Settings",
        "Profile Information",
        "ProfileMap",
        "userName",
    ],
];

/// Reads a personal export's JSON into `sink`; returns
/// [`SourceFormat::PersonalExport`].
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let paths = Paths {
        posts: POST_PATHS,
        comments: COMMENT_PATHS,
        handle: HANDLE_PATHS,
    };
    let tail = Tail::default();
    let export = document::read(input, &paths, &tail)
        .map_err(|(e, stop)| document_error(ctx, e, stop, &tail))?;
    match export.root {
        Some(Shape::Object) => {}
        other => {
            return Err(IngestError::invalid(
                ctx.whole(),
                format!(
                    "expected the export's JSON object of sections (`Post`, `Comment`, `Your \
                     Activity`, ...), found {}",
                    other.map_or("nothing", Shape::kind)
                ),
            ))
        }
    }

    let posts = export.posts.map(|f| (POST_PATHS[f.path].to_vec(), f.value));
    let comments = export
        .comments
        .map(|f| (COMMENT_PATHS[f.path].to_vec(), f.value));
    let used: Vec<&[&str]> = [
        posts.as_ref().map(|(p, _)| p.as_slice()),
        comments.as_ref().map(|(p, _)| p.as_slice()),
    ]
    .into_iter()
    .flatten()
    .collect();
    warn_skipped(&export.sections, &used, ctx, sink);

    if let Some((path, shape)) = &comments {
        let n = match shape {
            Shape::List(n) => *n,
            Shape::Null => 0,
            other => {
                return Err(IngestError::invalid(
                    ctx.at_record(path.join(" → ")),
                    format!("expected a list, found {}", other.kind()),
                ))
            }
        };
        if n > 0 {
            sink.warn(Warning {
                location: ctx.at_record(path.join(" → ")),
                message: format!(
                    "{n} comment{} written by the participant {} read but not stored: the export \
                     does not say which video {} on",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "was" } else { "were" },
                    if n == 1 { "it was" } else { "they were" },
                ),
            });
        }
    }

    let Some((path, value)) = &posts else {
        return Ok(SourceFormat::PersonalExport);
    };
    let list = list_of(value, path, ctx)?;
    if list.is_empty() {
        return Ok(SourceFormat::PersonalExport);
    }
    let own_handle = export
        .handle
        .and_then(|f| f.value.as_str().map(str::to_string));
    let list_name = path.join(" → ");
    sink.warn(Warning {
        location: ctx.at_record(&list_name),
        message: "the export's dates (`Date`) carry no time zone and were read as UTC; TikTok \
                  does not document their zone"
            .into(),
    });
    // Found when the first like count needs it, so that a bad post is
    // reported as such before any complaint about the observation time.
    let mut observed: Option<i64> = None;
    for (i, item) in list.iter().enumerate() {
        let location = ctx.at_record(format!("{list_name}[{i}]"));
        let (video, likes) = read_post(item, &location, own_handle.as_deref(), ctx)?;
        let mut records = Vec::with_capacity(2);
        if likes.is_some() {
            let observed_at = match observed {
                Some(t) => t,
                None => {
                    let t = observed_at(export.newest_date, ctx, sink, &list_name)?;
                    observed = Some(t);
                    t
                }
            };
            records.push(Record::Observation(Observation {
                video_id: video.platform_id.clone(),
                observed_at,
                source: SourceFormat::PersonalExport,
                metrics: Metrics {
                    likes,
                    ..Metrics::default()
                },
            }));
        }
        records.insert(0, Record::Video(video));
        let raw = scrub_post(item, ctx);
        push(sink, location, Some(raw.to_string()), records)?;
    }
    Ok(SourceFormat::PersonalExport)
}

/// The error of a pass over the export that failed: damaged text in plain
/// words (quoting what `tail` kept of its line), or a kept value too large.
fn document_error(
    ctx: &Context,
    e: serde_json::Error,
    stop: Option<document::Stop>,
    tail: &Tail,
) -> IngestError {
    if stop == Some(document::Stop::KeptTooLarge) {
        return IngestError::invalid(
            Location::line(&ctx.name, e.line() as u64),
            format!(
                "expected the participant's own posts to be at most {} MB of JSON (a real \
                 export's are a few MB), found more; is this a TikTok export?",
                document::MAX_KEPT_BYTES / (1024 * 1024)
            ),
        );
    }
    if e.is_io() {
        return IngestError::Io {
            location: ctx.whole(),
            source: e.into(),
        };
    }
    let kept = tail.kept();
    match damage(
        &e,
        "a TikTok personal data export",
        Layout::Document,
        Some(kept.around()),
    ) {
        Some(d) => IngestError::invalid(Location::line(&ctx.name, d.line), d.message),
        // The pass raises no data errors of its own; kept for safety.
        None => IngestError::invalid(
            Location::line(&ctx.name, e.line() as u64),
            format!("expected the export's JSON, found: {e}"),
        ),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A section's list; `null` (an empty section in some exports) is empty.
fn list_of<'v>(value: &'v Value, path: &[&str], ctx: &Context) -> Result<&'v [Value], IngestError> {
    match value {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(&[]),
        other => Err(IngestError::invalid(
            ctx.at_record(path.join(" → ")),
            format!("expected a list, found {}", kind_of(other)),
        )),
    }
}

/// One warning naming every section present that is not stored; `used`
/// are the paths read.
fn warn_skipped(
    sections: &[(String, Option<Vec<String>>)],
    used: &[&[&str]],
    ctx: &Context,
    sink: &mut dyn Sink,
) {
    let mut skipped = Vec::new();
    for (key, subsections) in sections {
        let inside: Vec<&&[&str]> = used
            .iter()
            .filter(|p| p.first() == Some(&key.as_str()))
            .collect();
        if inside.is_empty() {
            skipped.push(format!("`{key}`"));
            continue;
        }
        // A section partly read (`Activity` holding old-style posts):
        // name the subsections left out.
        let subs: Vec<String> = subsections
            .iter()
            .flatten()
            .filter(|k| !inside.iter().any(|p| p.get(1) == Some(&k.as_str())))
            .map(|k| format!("`{k}`"))
            .collect();
        if !subs.is_empty() {
            skipped.push(format!("`{key}` ({})", subs.join(", ")));
        }
    }
    if !skipped.is_empty() {
        sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "only the participant's own posts are stored from a personal export (least data \
                 needed); these sections were present and skipped: {}",
                skipped.join(", ")
            ),
        });
    }
}

/// `"2024-08-30 08:40:00"` (UTC, see the module docs) as UTC seconds.
fn parse_date(text: &str) -> Result<i64, ValueError> {
    let t = text.trim();
    let t = t.strip_suffix(" UTC").unwrap_or(t);
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(|dt| dt.and_utc().timestamp())
        .filter(|t| crate::number::TIKTOK_ERA.contains(t))
        .ok_or_else(|| ValueError {
            expected: "a date `YYYY-MM-DD HH:MM:SS` from 2010 to 2099",
            found: if t.is_empty() {
                "(empty)".into()
            } else {
                t.chars().take(60).collect()
            },
            hint: None,
        })
}

/// Newest `Date`/`date` anywhere in the export.
fn newest_date(value: &Value, depth: usize) -> Option<i64> {
    if depth > 16 {
        return None;
    }
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) if k.eq_ignore_ascii_case("date") => parse_date(s).ok(),
                _ => newest_date(v, depth + 1),
            })
            .max(),
        Value::Array(items) => items.iter().filter_map(|v| newest_date(v, depth + 1)).max(),
        _ => None,
    }
}

/// When the likes were true: `--observed-at`, else the newest date in the
/// export, else the file's modification time (both warned), else an error.
fn observed_at(
    newest: Option<i64>,
    ctx: &Context,
    sink: &mut dyn Sink,
    list_name: &str,
) -> Result<i64, IngestError> {
    if let Some(t) = ctx.options.observed_at {
        return Ok(t);
    }
    let shown = |t: i64| {
        DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    if let Some(t) = newest {
        sink.warn(Warning {
            location: ctx.at_record(list_name),
            message: format!(
                "the export does not say when it was made, so the like counts of the posts are \
                 dated by the newest date in it ({} UTC; the export was made then or later); \
                 pass `--observed-at` with the day the export was requested to set it",
                shown(t)
            ),
        });
        return Ok(t);
    }
    if let Some(m) = ctx.modified {
        let t = m.and_utc().timestamp();
        sink.warn(Warning {
            location: ctx.at_record(list_name),
            message: format!(
                "the export does not say when it was made, so the like counts of the posts are \
                 dated by the file's modification time ({} UTC); pass `--observed-at` to set it",
                shown(t)
            ),
        });
        return Ok(t);
    }
    Err(IngestError::invalid(
        ctx.at_record(list_name),
        "cannot tell when the posts' like counts were observed: the export has no dates and the \
         file no modification time; pass `--observed-at`",
    ))
}

/// A field by either spelling (`Date`/`date`).
fn field<'v>(item: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    item.get(name).or_else(|| {
        item.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A field's text: strings as they are, numbers written out; missing,
/// `null` and missing markers are `None`.
fn field_text(item: &Map<String, Value>, name: &str) -> Option<String> {
    match field(item, name)? {
        Value::String(s) if !number::is_missing(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One own post: its video and its like count, if given.
fn read_post(
    item: &Value,
    location: &Location,
    own_handle: Option<&str>,
    ctx: &Context,
) -> Result<(Video, Option<Count>), IngestError> {
    let at = |name: &str, e: ValueError| IngestError::value(location.clone(), name, e);
    let Value::Object(obj) = item else {
        return Err(IngestError::invalid(
            location.clone(),
            format!(
                "expected a post object with `Date` and `Link`, found {}",
                kind_of(item)
            ),
        ));
    };
    let (link_field, link) = ["Link", "VideoLink"]
        .iter()
        .find_map(|name| field_text(obj, name).map(|l| (*name, l)))
        .unwrap_or(("Link", String::new()));
    let id = number::video_id_from_link(&link).map_err(|e| at(link_field, e))?;
    let created_at = match field_text(obj, "Date") {
        Some(d) => Some(parse_date(&d).map_err(|e| at("Date", e))?),
        None => None,
    };
    let handle = number::handle_from_link(&link).or_else(|| own_handle.map(str::to_string));
    let author = ctx
        .person(Person {
            user_id: None,
            handle: handle.as_deref(),
        })
        .map_err(|e| match e {
            IngestError::Invalid { message, .. } => IngestError::invalid(location.clone(), message),
            other => other,
        })?;
    let likes = match field_text(obj, "Likes") {
        Some(l) => number::parse_total(&l).map_err(|e| at("Likes", e))?,
        None => None,
    };
    let video = Video {
        platform_id: id.clone(),
        author_handle: author.handle,
        author_key: author.key,
        created_at,
        posted_on: created_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|d| d.date_naive()),
        title: None,
        caption: field_text(obj, "Title"),
        duration_s: None,
        url: (!author_link_needs_scrub(&link, ctx)).then(|| link.clone()),
    };
    Ok((video, likes))
}

/// True when a link names a handle that may not be stored (anyone's but the
/// project's own account, unless the project keeps handles).
fn author_link_needs_scrub(link: &str, ctx: &Context) -> bool {
    match number::handle_from_link(link) {
        None => false,
        Some(h) => {
            let own = ctx
                .options
                .account
                .as_deref()
                .map(|a| a.trim_start_matches('@').eq_ignore_ascii_case(&h))
                .unwrap_or(false);
            !(own || ctx.options.keep_handles)
        }
    }
}

/// The raw post, scrubbed: shared identifying keys, and the handle in a
/// `tiktok.com/@handle/video/…` link.
fn scrub_post(item: &Value, ctx: &Context) -> Value {
    let mut raw = privacy::scrub_raw(item);
    if let Value::Object(map) = &mut raw {
        for (k, v) in map.iter_mut() {
            if let Value::String(s) = v {
                let is_link = k.eq_ignore_ascii_case("link") || k.eq_ignore_ascii_case("videolink");
                if is_link && author_link_needs_scrub(s, ctx) {
                    if let Some(h) = number::handle_from_link(s) {
                        *s = s.replacen(&format!("/@{h}"), "/@[removed]", 1);
                    }
                }
            }
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-08-30 08:40:00"), Ok(1_725_007_200));
        assert_eq!(parse_date("2024-08-30 08:40:00 UTC"), Ok(1_725_007_200));
        assert!(parse_date("30.08.2024").is_err());
        let v = serde_json::json!({"a": [{"Date": "2024-08-30 08:40:00"}, {"date": "2024-09-01 00:00:00"}], "b": {"Date": "x"}});
        assert_eq!(newest_date(&v, 0), Some(1_725_148_800));
    }
}
