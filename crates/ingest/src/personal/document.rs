//! One streaming pass over a personal export (see [`super`]).
//!
//! The export is a single JSON object whose sections come in no fixed
//! order, tens of megabytes for most people and far more for years of watch
//! history; held whole as a [`Value`] it took about seven times its size in
//! memory (1.7 GB for a 250 MB export). The pass keeps only what the reader
//! uses: the own posts and the handle (as values), the shape of the own
//! comments list (its length), the names of the sections and of their
//! subsections, and the newest date anywhere. Everything else is read and
//! dropped as it streams by.
//!
//! The result is what the reader found in the whole [`Value`] before:
//! a repeated key replaces what an earlier one held (serde_json keeps the
//! last value, at the first one's place), and dates count only in objects
//! at most 16 levels deep. One difference remains, on purpose: a date under
//! a key that occurs twice counts even from the occurrence that is dropped.

use super::newest_date;
use crate::api_json::Tail;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::rc::Rc;

/// Largest value kept in memory (the own posts list, the handle), in bytes
/// of its JSON text. A creator with ten thousand posts has a few MB.
pub(super) const MAX_KEPT_BYTES: u64 = 256 * 1024 * 1024;

/// Objects deeper than this are not searched for dates (as before).
const DATE_DEPTH: usize = 16;

/// A target path found in the export: which of its candidate paths (an
/// index into the list given to [`read`]) and what was there.
#[derive(Debug)]
pub(super) struct Found<T> {
    /// Index of the path in its list (earlier paths are preferred).
    pub path: usize,
    /// The value, or its shape.
    pub value: T,
}

/// What a value is, without its content: a list's length, or its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A list of this many items.
    List(usize),
    /// An object.
    Object,
    /// `null`.
    Null,
    /// Anything else, named as in messages (`a string`).
    Other(&'static str),
}

impl Shape {
    /// The shape's name in messages (`a list`, `an object`, ...).
    pub(super) fn kind(self) -> &'static str {
        match self {
            Shape::List(_) => "a list",
            Shape::Object => "an object",
            Shape::Null => "null",
            Shape::Other(kind) => kind,
        }
    }
}

/// What the reader needs of a personal export.
#[derive(Debug, Default)]
pub(super) struct Digest {
    /// The document's shape (the reader wants [`Shape::Object`]).
    pub root: Option<Shape>,
    /// Top-level sections in order of first appearance, each with the keys
    /// of its object (`None` when the section is not an object).
    pub sections: Vec<(String, Option<Vec<String>>)>,
    /// The own posts list, at the first of the post paths present.
    pub posts: Option<Found<Value>>,
    /// The own comments list's shape, at the first comment path present.
    pub comments: Option<Found<Shape>>,
    /// The own handle, at the first handle path present.
    pub handle: Option<Found<Value>>,
    /// The newest `Date`/`date` anywhere, as UTC seconds.
    pub newest_date: Option<i64>,
}

/// The paths searched for, by what they lead to.
pub(super) struct Paths<'p> {
    /// Paths to the own posts list, preferred first.
    pub posts: &'p [&'p [&'p str]],
    /// Paths to the own comments list.
    pub comments: &'p [&'p [&'p str]],
    /// Paths to the own handle.
    pub handle: &'p [&'p [&'p str]],
}

/// Why a pass stopped early, beyond what serde_json reports.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// A value to be kept is larger than [`MAX_KEPT_BYTES`].
    KeptTooLarge,
}

/// Reads `input` (JSON, a UTF-8 byte-order mark allowed) in one pass,
/// through `tail`. Errors are serde_json's, located by line; [`Stop`] says
/// when one was caused by a kept value's size rather than the text.
pub(super) fn read<R: Read>(
    input: R,
    paths: &Paths<'_>,
    tail: &Tail,
) -> Result<Digest, (serde_json::Error, Option<Stop>)> {
    read_within(input, paths, tail, MAX_KEPT_BYTES)
}

/// [`read`], keeping values of at most `max_kept` bytes.
fn read_within<R: Read>(
    input: R,
    paths: &Paths<'_>,
    tail: &Tail,
    max_kept: u64,
) -> Result<Digest, (serde_json::Error, Option<Stop>)> {
    let meter = Meter {
        max_kept,
        ..Meter::default()
    };
    let counted = Counted {
        inner: without_bom(input).map_err(|e| (serde_json::Error::io(e), None))?,
        meter: meter.clone(),
    };
    // The tail keeps the line being read, for messages about damaged text.
    let reader = tail.reader(io::BufReader::with_capacity(64 * 1024, counted));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut pass = Pass {
        paths,
        digest: Digest::default(),
        meter: meter.clone(),
    };
    let all: Vec<Candidate> = [Target::Posts, Target::Comments, Target::Handle]
        .into_iter()
        .flat_map(|t| (0..pass.list(t).len()).map(move |i| (t, i)))
        .collect();
    let stop = |e: serde_json::Error| {
        let why = meter.exceeded.get().then_some(Stop::KeptTooLarge);
        (e, why)
    };
    let root = Node {
        pass: &mut pass,
        depth: 0,
        candidates: all,
        date: false,
        section: false,
    }
    .deserialize(&mut de)
    .map_err(stop)?;
    de.end().map_err(stop)?;
    pass.digest.root = Some(root.shape);
    Ok(pass.digest)
}

/// `input` without a leading UTF-8 byte-order mark.
fn without_bom<R: Read>(mut input: R) -> io::Result<io::Chain<io::Cursor<Vec<u8>>, R>> {
    let mut head = Vec::with_capacity(3);
    (&mut input).take(3).read_to_end(&mut head)?;
    if head == b"\xEF\xBB\xBF" {
        head.clear();
    }
    Ok(io::Cursor::new(head).chain(input))
}

/// Bytes read so far, and the most a kept value may take.
#[derive(Clone, Default)]
struct Meter {
    used: Rc<Cell<u64>>,
    /// Reading past this fails: set while a value is being kept.
    limit: Rc<Cell<Option<u64>>>,
    exceeded: Rc<Cell<bool>>,
    /// The most a kept value may take, in bytes.
    max_kept: u64,
}

/// The input, counted, failing past the meter's limit. It sits under the
/// deserializer's buffer, so the count runs up to 64 KiB ahead; the limit
/// is far larger than that.
struct Counted<R> {
    inner: R,
    meter: Meter,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(limit) = self.meter.limit.get() {
            if self.meter.used.get() > limit {
                self.meter.exceeded.set(true);
                return Err(io::Error::other(format!(
                    "a value kept from the export is larger than {} bytes",
                    self.meter.max_kept
                )));
            }
        }
        let n = self.inner.read(buf)?;
        self.meter.used.set(self.meter.used.get() + n as u64);
        Ok(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Posts,
    Comments,
    Handle,
}

/// A target path that runs through the node being read: its target and
/// its index in that target's list.
type Candidate = (Target, usize);

struct Pass<'p> {
    paths: &'p Paths<'p>,
    digest: Digest,
    meter: Meter,
}

impl Pass<'_> {
    fn list(&self, target: Target) -> &[&[&str]] {
        match target {
            Target::Posts => self.paths.posts,
            Target::Comments => self.paths.comments,
            Target::Handle => self.paths.handle,
        }
    }

    fn path(&self, (target, index): Candidate) -> &[&str] {
        self.list(target)[index]
    }

    /// Forgets what was found along `candidate`: a repeated key replaces
    /// the value of its earlier occurrence.
    fn drop_found(&mut self, (target, index): Candidate) {
        let d = &mut self.digest;
        match target {
            Target::Posts if d.posts.as_ref().is_some_and(|f| f.path == index) => d.posts = None,
            Target::Comments if d.comments.as_ref().is_some_and(|f| f.path == index) => {
                d.comments = None
            }
            Target::Handle if d.handle.as_ref().is_some_and(|f| f.path == index) => d.handle = None,
            _ => {}
        }
    }

    /// Records a value found at a target path, unless an earlier path of
    /// the same list was found (the reader prefers earlier paths).
    fn found(&mut self, (target, index): Candidate, value: Kept) {
        fn keep<T>(slot: &mut Option<Found<T>>, path: usize, value: T) {
            if slot.as_ref().is_none_or(|f| path <= f.path) {
                *slot = Some(Found { path, value });
            }
        }
        let d = &mut self.digest;
        match (target, value) {
            (Target::Posts, Kept::Value(v)) => keep(&mut d.posts, index, v),
            (Target::Handle, Kept::Value(v)) => keep(&mut d.handle, index, v),
            (Target::Comments, Kept::Shape(s)) => keep(&mut d.comments, index, s),
            _ => {}
        }
    }

    fn date(&mut self, seconds: Option<i64>) {
        if let Some(t) = seconds {
            let newest = &mut self.digest.newest_date;
            *newest = Some(newest.map_or(t, |n| n.max(t)));
        }
    }

    /// Records a top-level section (a repeated one keeps its first place).
    fn section(&mut self, name: String, keys: Option<Vec<String>>) {
        let sections = &mut self.digest.sections;
        match sections.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = keys,
            None => sections.push((name, keys)),
        }
    }
}

enum Kept {
    Value(Value),
    Shape(Shape),
}

/// What reading a node gives: its shape, and for a top-level section that
/// is an object, its keys.
struct Seen {
    shape: Shape,
    keys: Option<Vec<String>>,
}

impl Seen {
    fn shape(shape: Shape) -> Seen {
        Seen { shape, keys: None }
    }
}

/// Reads one value of the export.
struct Node<'a, 'p> {
    pass: &'a mut Pass<'p>,
    /// Nesting depth: 0 for the document.
    depth: usize,
    /// Target paths that run through this node.
    candidates: Vec<Candidate>,
    /// The node is the value of a `Date`/`date` key in an object at most
    /// [`DATE_DEPTH`] deep: a string here is a date.
    date: bool,
    /// The node is a top-level section: its keys are collected.
    section: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Seen;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Seen;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Other("a boolean")))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Other("a number")))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Other("a number")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Other("a number")))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Seen, E> {
        if self.date {
            self.pass.date(super::parse_date(s).ok());
        }
        Ok(Seen::shape(Shape::Other("a string")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Seen, E> {
        Ok(Seen::shape(Shape::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seen, A::Error> {
        let mut len = 0;
        // No target path runs through a list.
        while seq
            .next_element_seed(Node {
                pass: &mut *self.pass,
                depth: self.depth + 1,
                candidates: Vec::new(),
                date: false,
                section: false,
            })?
            .is_some()
        {
            len += 1;
        }
        Ok(Seen::shape(Shape::List(len)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seen, A::Error> {
        let Node {
            pass,
            depth,
            candidates,
            section,
            ..
        } = self;
        let mut keys = section.then(Vec::new);
        while let Some(key) = map.next_key::<String>()? {
            if let Some(keys) = &mut keys {
                if !keys.contains(&key) {
                    keys.push(key.clone());
                }
            }
            let through: Vec<Candidate> = candidates
                .iter()
                .copied()
                .filter(|c| pass.path(*c).get(depth) == Some(&key.as_str()))
                .collect();
            for c in &through {
                pass.drop_found(*c);
            }
            let here = through
                .iter()
                .copied()
                .find(|c| pass.path(*c).len() == depth + 1);
            let seen = match here {
                Some(c @ (Target::Posts | Target::Handle, _)) => {
                    let value = keep_value(&mut map, &pass.meter)?;
                    pass.date(newest_date(&value, depth + 1));
                    let seen = Seen {
                        shape: shape_of(&value),
                        keys: value
                            .as_object()
                            .filter(|_| depth == 0)
                            .map(|m| m.keys().cloned().collect()),
                    };
                    pass.found(c, Kept::Value(value));
                    seen
                }
                _ => {
                    let seen = map.next_value_seed(Node {
                        pass: &mut *pass,
                        depth: depth + 1,
                        candidates: through.clone(),
                        date: depth <= DATE_DEPTH && key.eq_ignore_ascii_case("date"),
                        section: depth == 0,
                    })?;
                    if let Some(c @ (Target::Comments, _)) = here {
                        pass.found(c, Kept::Shape(seen.shape));
                    }
                    seen
                }
            };
            if depth == 0 {
                pass.section(key, seen.keys);
            }
        }
        Ok(Seen {
            shape: Shape::Object,
            keys,
        })
    }
}

/// Reads the next map value whole, within the meter's `max_kept` bytes.
fn keep_value<'de, A: MapAccess<'de>>(map: &mut A, meter: &Meter) -> Result<Value, A::Error> {
    meter.limit.set(Some(meter.used.get() + meter.max_kept));
    let value = map.next_value::<Value>();
    meter.limit.set(None);
    value
}

fn shape_of(v: &Value) -> Shape {
    match v {
        Value::Null => Shape::Null,
        Value::Bool(_) => Shape::Other("a boolean"),
        Value::Number(_) => Shape::Other("a number"),
        Value::String(_) => Shape::Other("a string"),
        Value::Array(items) => Shape::List(items.len()),
        Value::Object(_) => Shape::Object,
    }
}

#[cfg(test)]
mod tests;
