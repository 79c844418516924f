//! Benchmark peer: plain typed serde_json parsing of a Zeeschuimer NDJSON
//! file, the floor the issue's target is set against ("typed serde_json
//! parsing of such a file runs near 1 GB/s"). Used by `bench/zeeschuimer.sh`:
//!
//! ```text
//! cargo build --release -p uptake-ingest --example typed_serde_peer
//! taskset -c 0 target/release/examples/typed_serde_peer bench/out/zeeschuimer_1024m.ndjson
//! ```
//!
//! Each line is deserialised into structs holding the fields uptake's reader
//! captures (borrowed where the text has no escapes); everything else is
//! skipped by serde. Unlike `read_zeeschuimer`, this writes no raw record,
//! removes no identifying value, makes no pseudonyms and builds no records:
//! it measures parsing alone.

use serde::de::IgnoredAny;
use serde::Deserialize;
use std::borrow::Cow;
use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

/// An id (the generator writes ids as strings).
type Id<'a> = Cow<'a, str>;

/// A count or a time, written as a number or as a string of digits.
struct Num(#[allow(dead_code)] u64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string of digits")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Num, E> {
                v.parse().map(Num).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
struct Envelope<'a> {
    #[serde(borrow)]
    item_id: Option<Id<'a>>,
    timestamp_collected: Option<u64>,
    #[serde(borrow)]
    source_platform: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<Data<'a>>,
}

/// A post or a comment: the fields of both, all optional.
#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
#[allow(non_snake_case)]
struct Data<'a> {
    #[serde(borrow)]
    id: Option<Id<'a>>,
    #[serde(borrow)]
    desc: Option<Cow<'a, str>>,
    createTime: Option<Num>,
    /// An object (API item) or the handle (page-state item): checked, not
    /// kept (a type for either would be an untagged enum, which buffers
    /// every value first and halves serde_json's speed).
    author: Option<IgnoredAny>,
    #[serde(borrow)]
    authorId: Option<Id<'a>>,
    stats: Option<Stats>,
    #[serde(borrow)]
    statsV2: Option<StatsV2<'a>>,
    authorStats: Option<Stats>,
    video: Option<VideoPart>,
    // Comments.
    #[serde(borrow)]
    cid: Option<Id<'a>>,
    #[serde(borrow)]
    aweme_id: Option<Id<'a>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    create_time: Option<Num>,
    digg_count: Option<Num>,
    reply_comment_total: Option<Num>,
    #[serde(borrow)]
    reply_id: Option<Id<'a>>,
    #[serde(borrow)]
    comment_language: Option<Cow<'a, str>>,
    #[serde(borrow)]
    user: Option<Person<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
#[allow(non_snake_case)]
struct Person<'a> {
    #[serde(borrow)]
    id: Option<Id<'a>>,
    #[serde(borrow)]
    uid: Option<Id<'a>>,
    #[serde(borrow)]
    uniqueId: Option<Cow<'a, str>>,
    #[serde(borrow)]
    unique_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    nickname: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
#[allow(non_snake_case)]
struct Stats {
    playCount: Option<Num>,
    diggCount: Option<Num>,
    commentCount: Option<Num>,
    shareCount: Option<Num>,
    collectCount: Option<Num>,
    followerCount: Option<Num>,
}

/// `statsV2`: the same counts as exact strings.
#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
#[allow(non_snake_case)]
struct StatsV2<'a> {
    #[serde(borrow)]
    playCount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    diggCount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    commentCount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    shareCount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    collectCount: Option<Cow<'a, str>>,
    #[serde(borrow)]
    followerCount: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // parsed to be timed, not read
struct VideoPart {
    duration: Option<f64>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: typed_serde_peer FILE.ndjson")?;
    let size = std::fs::metadata(&path)?.len();
    let mut reader = BufReader::with_capacity(256 * 1024, File::open(&path)?);
    let mut line = String::new();
    let (mut items, mut posts, mut with_author, mut mismatched) = (0u64, 0u64, 0u64, 0u64);
    let start = Instant::now();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let envelope: Envelope = match serde_json::from_str(&line) {
            Ok(envelope) => envelope,
            // A line of another shape (the other platform's captures).
            Err(e) => {
                if mismatched == 0 {
                    eprintln!("first line of another shape: {e}");
                }
                mismatched += 1;
                continue;
            }
        };
        items += 1;
        if envelope.source_platform.as_deref() == Some("tiktok.com") {
            posts += 1;
        }
        // Touch what was parsed, so that none of it is optimised away.
        if let Some(data) = &envelope.data {
            if data.author.is_some() || data.user.is_some() {
                with_author += 1;
            }
        }
        std::hint::black_box(&envelope);
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = size as f64 / 1e6;
    println!(
        "{mb:.1} MB in {secs:.2} s = {:.0} MB/s; {items} lines, {posts} posts, {with_author} with a person, {mismatched} of another shape",
        mb / secs
    );
    Ok(())
}
