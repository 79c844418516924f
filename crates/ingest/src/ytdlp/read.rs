//! Streaming deserialisation of the file: the top level (an info dict, an
//! array of them, or NDJSON), each info dict, and a playlist's `entries`
//! read one at a time, with the entries held for the playlist's `epoch`
//! emitted at its end.

use super::video::Parsed;
use super::YtDlp;
use crate::api_json::{next_list, unix_time, Bound, Held, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

/// Entries held for the playlist's `epoch`: those with counts but no
/// `epoch` of their own (a profile playlist's flat entries can lack one).
/// Unlike an API page, a playlist is legitimately large: a `tiktok:user`
/// profile lists every video of the account, thousands for a busy one
/// (`formats.md` §5). Holding cannot be avoided (the playlist's `epoch`
/// dates those entries and yt-dlp writes it after `entries`), so the bound
/// is generous: 50,000 entries or 64 MiB of their scrubbed raw text (a flat
/// entry is well under a kilobyte once media URLs are dropped; 50,000 of
/// them peaked at about 165 MB in a release build). Memory is a few hundred
/// MB at worst, whatever the file's size, instead of growing with it.
static PLAYLIST_BOUND: Bound = Bound {
    records: 50_000,
    bytes: 64 * 1024 * 1024,
    until: "the playlist's `epoch`, which dates entries without their own (yt-dlp writes it \
            after `entries`)",
    why: "to import a playlist this large, write its entries one per line (for example `jq -c \
          '.entries[]' playlist.info.json > entries.jsonl`) and import that with `--format \
          yt-dlp --observed-at <time>`, or put the playlist's `epoch` before `entries`",
};

/// The top level: an info dict, or an array of them.
pub(super) struct TopSeed<'a, 'c, 's>(pub(super) &'a mut YtDlp<'c, 's>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a yt-dlp info object (a video or a playlist) or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.0.tail.newlines() + 1;
        InfoSeed {
            state: self.0,
            line: Some(line),
            label: "video".into(),
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        loop {
            n += 1;
            let seed = InfoSeed {
                state: &mut *self.0,
                line: None,
                label: format!("record {n}"),
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One info dict at the top level: a video, or a playlist whose `entries`
/// stream.
struct InfoSeed<'a, 'c, 's> {
    state: &'a mut YtDlp<'c, 's>,
    line: Option<u64>,
    label: String,
}

impl<'de> DeserializeSeed<'de> for InfoSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for InfoSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a yt-dlp info object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let InfoSeed { state, line, label } = self;
        let mut fields = Map::new();
        let mut held = Held::new(&PLAYLIST_BOUND);
        let mut playlist = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != "entries" {
                let value = map.next_value::<Value>()?;
                fields.insert(key, value);
                continue;
            }
            playlist = true;
            // yt-dlp writes `epoch` after `entries`, but a file rewritten by
            // another tool may have it first.
            let playlist_epoch = fields.get("epoch").and_then(epoch_of);
            let prefix = if label == "video" {
                String::new()
            } else {
                format!("{label}, ")
            };
            if let Some(e) = next_list(
                &mut map,
                "`entries` to be a list of video info objects",
                |value, n| {
                    state.entry(
                        value,
                        format!("{prefix}entry {n}"),
                        playlist_epoch,
                        &mut held,
                    )
                },
            )? {
                return Err(state.fail(e));
            }
        }
        let result = if playlist {
            finish_playlist(state, &fields, held, line, &label)
        } else {
            match state.video(Value::Object(fields), line, &label) {
                Ok(Some(parsed)) => state.emit(parsed, None),
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            }
        };
        result.map_err(|e| state.fail(e))
    }
}

/// Emits the entries held for the playlist's `epoch`.
fn finish_playlist(
    state: &mut YtDlp,
    fields: &Map<String, Value>,
    mut held: Held<Parsed>,
    line: Option<u64>,
    label: &str,
) -> Result<(), IngestError> {
    let epoch = match fields.get("epoch") {
        None => None,
        Some(v) => match epoch_of(v) {
            Some(t) => Some(t),
            None if v.is_null() => None,
            None => {
                return Err(IngestError::value(
                    state.location(line, format!("{label} (playlist)")),
                    "epoch",
                    ValueError {
                        expected: "a Unix time in seconds",
                        found: v.to_string().chars().take(60).collect(),
                        hint: None,
                    },
                ))
            }
        },
    };
    for parsed in held.take() {
        state.emit(parsed, epoch)?;
    }
    Ok(())
}

/// A playlist's `epoch`, when it is a plausible Unix time.
fn epoch_of(v: &Value) -> Option<i64> {
    let s = Scalar::deserialize(v).ok()?;
    unix_time(&s).ok().flatten().map(|(t, _)| t)
}
