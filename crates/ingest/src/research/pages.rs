//! The response envelope: pages `{data, error}` (alone, in an array or one
//! per NDJSON line) and bare objects, walked with serde seeds so that list
//! elements stream; a page's `error` decides whether what it held is kept.

use super::{Kind, Pending, Place, Research, Spot, USER_KEYS};
use crate::api_json::{next_list, Bound, Held, Scalar};
use crate::error::IngestError;
use crate::sink::Warning;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

/// Keys of `data` holding lists of Video objects (§1.2, §1.4; the reposted
/// list is spelled two ways in the docs).
const VIDEO_LISTS: &[&str] = &[
    "videos",
    "user_liked_videos",
    "pinned_videos_list",
    "user_reposted_videos",
    "reposted_videos",
];

/// What a page may hold before its `error` object. The Research API returns
/// at most 100 videos or comments a page (`max_count` ≤ 100, `formats.md`
/// §1.2, §1.3, §1.5); ten times that leaves room for pages merged by hand
/// while memory stays bounded whatever the file's size (a 183 MB page of
/// three million tiny videos once took 3 GB). A video object is a few
/// kilobytes (its longest field, `voice_to_text`, is a transcript), so 32
/// MiB is far above what 1,000 real ones weigh. Pages with `error` first,
/// bare arrays and NDJSON stream and hold nothing.
static PAGE_BOUND: Bound = Bound {
    records: 1_000,
    bytes: 32 * 1024 * 1024,
    until: "the page's `error` object, which says whether they may be imported",
    why: "the Research API returns at most 100 videos or comments a page (`max_count` ≤ 100), so \
          this is not a page as the API wrote it; save each response page as it came, or the \
          records as a JSON array or NDJSON, which are read without holding them",
};

/// What a page's `data` may hold besides its lists: a user info object has
/// nine documented fields (§1.4), so 1,000 keys is no real page.
static USER_FIELDS_BOUND: Bound = Bound {
    records: 1_000,
    bytes: usize::MAX,
    until: "the end of the page",
    why: "a user info object has about ten fields (`display_name`, `follower_count`, ...); \
          save the API's response as it came",
};

/// The `error` object of a v2 response (§1.1).
#[derive(Default, Deserialize)]
struct ErrorObject {
    code: Option<Scalar>,
    message: Option<Scalar>,
    log_id: Option<Scalar>,
    http_status_code: Option<Scalar>,
}

impl ErrorObject {
    fn ok(&self) -> bool {
        matches!(&self.code, Some(Scalar::Text(c)) if c.trim().eq_ignore_ascii_case("ok"))
    }

    fn log_id(&self) -> Option<String> {
        self.log_id.clone().and_then(Scalar::into_text)
    }
}

/// One page being read.
struct Page {
    number: usize,
    error: Option<ErrorObject>,
    /// Records read before `error`, waiting for it.
    held: Held<Pending>,
    /// Keys of `data` other than the lists: a user info object.
    user_fields: Map<String, Value>,
}

impl Page {
    fn streaming(&self) -> bool {
        matches!(&self.error, Some(e) if e.ok())
    }

    fn failed(&self) -> bool {
        matches!(&self.error, Some(e) if !e.ok())
    }

    fn log_id(&self) -> Option<String> {
        self.error.as_ref().and_then(ErrorObject::log_id)
    }
}

impl Research<'_, '_> {
    /// A top-level object that is not a page: one video, comment or user.
    fn bare(&mut self, value: Map<String, Value>, place: Place) -> Result<(), IngestError> {
        let kind = Kind::of(&value, self.ctx.options.format);
        let spot = match place {
            Place::Top { line } => Spot {
                line: Some(line),
                record: kind.noun().to_string(),
            },
            Place::Element { n } => Spot {
                line: None,
                record: format!("record {n}"),
            },
        };
        if kind == Kind::User {
            return self.profile(value, None, &spot, None);
        }
        let pending = self.parse_item(kind, Value::Object(value), &spot)?;
        self.emit(pending, None)
    }

    /// One element of a page's `videos` or `comments`.
    fn page_item(
        &mut self,
        page: &mut Page,
        kind: Kind,
        value: Value,
        n: usize,
    ) -> Result<(), IngestError> {
        let spot = Spot {
            line: None,
            record: format!("page {}, {} {n}", page.number, kind.noun()),
        };
        let pending = self.parse_item(kind, value, &spot)?;
        if page.streaming() {
            let log_id = page.log_id();
            self.emit(pending, log_id.as_deref())
        } else {
            let bytes = pending.raw.len();
            let location = pending.location.clone();
            page.held.push(pending, bytes, kind.nouns(), &location)
        }
    }

    /// Checks the page's `error`, then emits what it held.
    fn finish_page(
        &mut self,
        mut page: Page,
        other: Map<String, Value>,
    ) -> Result<(), IngestError> {
        let location = self.ctx.at_record(format!("page {}", page.number));
        match &page.error {
            Some(e) if e.ok() => {}
            Some(e) => {
                let code = e
                    .code
                    .as_ref()
                    .map(Scalar::shown)
                    .unwrap_or_else(|| "(none)".into());
                let message = e
                    .message
                    .clone()
                    .and_then(Scalar::into_text)
                    .unwrap_or_default();
                let log = e
                    .log_id()
                    .map(|l| format!(", log_id `{l}`"))
                    .unwrap_or_default();
                let status = e
                    .http_status_code
                    .as_ref()
                    .map(|s| format!(", HTTP {}", s.shown()))
                    .unwrap_or_default();
                let advice = if code.contains("quota") || code.contains("rate_limit") {
                    "the project's quota was used up; request the page again after 00:00 UTC \
                     and save the successful response"
                } else {
                    "request the page again and save the successful response"
                };
                return Err(IngestError::invalid(
                    location,
                    format!(
                        "the Research API answered with an error instead of data (code \
                         `{code}`: `{message}`{log}{status}); {advice}"
                    ),
                ));
            }
            None => self.sink.warn(Warning {
                location: location.clone(),
                message: "the page has no `error` object; read as a successful response".into(),
            }),
        }
        let log_id = page.log_id();
        for pending in page.held.take() {
            self.emit(pending, log_id.as_deref())?;
        }
        if USER_KEYS.iter().any(|k| page.user_fields.contains_key(*k))
            || page.user_fields.contains_key("username")
        {
            // Tools that save the request with the response put the
            // `username` asked for next to `data`.
            let hint = match other.get("username") {
                Some(Value::String(s)) => Some(s.replace('\0', "")),
                _ => None,
            };
            let spot = Spot {
                line: None,
                record: format!("page {}, user", page.number),
            };
            self.profile(page.user_fields, hint, &spot, log_id.as_deref())?;
        }
        Ok(())
    }
}

/// The top level: a page or object, or an array of them.
pub(super) struct TopSeed<'a, 'c, 's>(pub(super) &'a mut Research<'c, 's>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Research API response page, a video or comment object, or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.0.tail.newlines() + 1;
        ObjectSeed {
            state: self.0,
            place: Place::Top { line },
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        loop {
            n += 1;
            let seed = ObjectSeed {
                state: &mut *self.0,
                place: Place::Element { n },
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One object: a page (it has `data` or `error`) or a bare record.
struct ObjectSeed<'a, 'c, 's> {
    state: &'a mut Research<'c, 's>,
    place: Place,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("each array element to be a response page or a video or comment object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ObjectSeed { state, place } = self;
        let mut other = Map::new();
        let mut page: Option<Page> = None;
        while let Some(key) = map.next_key::<String>()? {
            let is_envelope = key == "data" || key == "error";
            if is_envelope && page.is_none() {
                state.pages += 1;
                page = Some(Page {
                    number: state.pages,
                    error: None,
                    held: Held::new(&PAGE_BOUND),
                    user_fields: Map::new(),
                });
            }
            match (key.as_str(), page.as_mut()) {
                ("error", Some(p)) => {
                    p.error = Some(map.next_value::<Option<ErrorObject>>()?.unwrap_or_default());
                }
                ("data", Some(p)) => {
                    if p.failed() {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        map.next_value_seed(DataSeed { state, page: p })?;
                    }
                }
                _ => {
                    let value = map.next_value::<Value>()?;
                    other.insert(key, value);
                }
            }
        }
        let result = match page {
            Some(p) => state.finish_page(p, other),
            None => state.bare(other, place),
        };
        result.map_err(|e| state.fail(e))
    }
}

/// Walks `data`: streams the video and comment lists, keeps other keys as
/// a user info object.
struct DataSeed<'a, 'c, 's> {
    state: &'a mut Research<'c, 's>,
    page: &'a mut Page,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`data` to be an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let DataSeed { state, page } = self;
        while let Some(key) = map.next_key::<String>()? {
            let kind = if VIDEO_LISTS.contains(&key.as_str()) {
                Kind::Video
            } else if key == "comments" {
                Kind::Comment
            } else {
                if !matches!(key.as_str(), "cursor" | "has_more" | "search_id") {
                    let location = state.ctx.at_record(format!("page {}, user", page.number));
                    let fields = page.user_fields.len() + 1;
                    if let Err(e) = USER_FIELDS_BOUND.admit(fields, 0, "fields", &location) {
                        return Err(state.fail(e));
                    }
                    let value = map.next_value::<Value>()?;
                    page.user_fields.insert(key, value);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
                continue;
            };
            if let Some(e) = next_list(&mut map, "a list of objects", |value, n| {
                state.page_item(page, kind, value, n)
            })? {
                return Err(state.fail(e));
            }
        }
        Ok(())
    }
}
