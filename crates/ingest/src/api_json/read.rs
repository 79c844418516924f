//! Walking a response: opening it (BOM, HTML error pages), reading one
//! page / an array of pages / NDJSON pages, streaming the elements of a list
//! one by one, and turning serde errors into located messages (damaged text
//! in the words of [`super::syntax`]).

use super::syntax::{damage, Layout};
use super::tail::Tail;
use crate::error::{IngestError, Location};
use crate::Context;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;

/// The message of the serde error raised when a reader stops on an
/// [`IngestError`] it has stored; never shown to the user.
pub(crate) struct Fail;

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stopped by the reader")
    }
}

/// Opens `input` for JSON reading: buffers it, skips a UTF-8 BOM, and
/// turns an empty file or an HTML page (a gateway or login page saved
/// instead of the API's answer) into a clear error.
pub(crate) fn open_json<R: Read>(
    input: R,
    ctx: &Context,
    what: &str,
) -> Result<BufReader<R>, IngestError> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let io = |source| IngestError::Io {
        location: ctx.whole(),
        source,
    };
    let mut at_start = true;
    loop {
        let buf = reader.fill_buf().map_err(io)?;
        if buf.is_empty() {
            return Err(IngestError::invalid(
                ctx.whole(),
                format!("expected {what}, found an empty file"),
            ));
        }
        if at_start && buf.len() >= 3 && buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            at_start = false;
            continue;
        }
        at_start = false;
        let spaces = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if spaces == buf.len() {
            reader.consume(spaces);
            continue;
        }
        let first = buf[spaces];
        if first == b'{' || first == b'[' {
            return Ok(reader);
        }
        let shown: String = String::from_utf8_lossy(&buf[spaces..buf.len().min(spaces + 40)])
            .chars()
            .take_while(|c| *c != '\n' && *c != '\r')
            .collect();
        let message = if first == b'<' {
            format!(
                "expected {what} (JSON), found an HTML page starting `{shown}`: the request \
                 probably hit a gateway error or a login page; save the API's JSON answer instead"
            )
        } else {
            format!("expected {what} (JSON starting with `{{` or `[`), found `{shown}`")
        };
        return Err(IngestError::invalid(ctx.whole(), message));
    }
}

/// Reads the pages of one response. Implemented per API.
pub(crate) trait PageHandler {
    /// Reads one page object, pushing what it can.
    fn page<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
    /// The structured error behind the last serde error the handler raised.
    fn take_failure(&mut self) -> Option<IngestError>;
}

/// Reads every page of `reader`: a page object, an array of them, or
/// several of either separated by whitespace (NDJSON).
pub(crate) fn read_pages<R: Read, H: PageHandler>(
    reader: R,
    ctx: &Context,
    what: &str,
    handler: &mut H,
) -> Result<(), IngestError> {
    let tail = Tail::default();
    let mut de = serde_json::Deserializer::from_reader(tail.reader(reader));
    loop {
        if let Err(e) = Top(&mut *handler).deserialize(&mut de) {
            if let Some(failure) = handler.take_failure() {
                return Err(failure);
            }
            return Err(json_error(ctx, what, &e, &tail));
        }
        // `end` only peeks: when more values follow, the next round
        // reads them.
        if de.end().is_ok() {
            return Ok(());
        }
    }
}

/// Turns a serde error that no reader raised into a located message:
/// damaged text (not UTF-8, a half emoji escape, a truncated file, ...) in
/// plain words with its column, quoting what `tail` kept of the line; valid
/// JSON of another shape as "expected `what`".
pub(crate) fn json_error(
    ctx: &Context,
    what: &str,
    e: &serde_json::Error,
    tail: &Tail,
) -> IngestError {
    if e.is_io() {
        return IngestError::invalid(ctx.whole(), format!("cannot read: {e}"));
    }
    let kept = tail.kept();
    if let Some(d) = damage(e, what, Layout::Document, Some(kept.around())) {
        return IngestError::invalid(Location::line(&ctx.name, d.line), d.message);
    }
    let location = Location::line(&ctx.name, e.line() as u64);
    IngestError::invalid(location, format!("expected {what}, found: {e}"))
}

/// The top level: a page, or an array of pages.
struct Top<'h, H>(&'h mut H);

impl<'de, H: PageHandler> DeserializeSeed<'de> for Top<'_, H> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, H: PageHandler> Visitor<'de> for Top<'_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an API response page (a JSON object) or an array of pages")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.page(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(PageSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One element of an array of pages.
struct PageSeed<'h, H>(&'h mut H);

impl<'de, H: PageHandler> DeserializeSeed<'de> for PageSeed<'_, H> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, H: PageHandler> Visitor<'de> for PageSeed<'_, H> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("each array element to be an API response page (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.page(map)
    }
}

/// Reads the next value of `map` as a list, handing each element (as `T`:
/// its [`RawJson`](super::RawJson) text or a [`Value`](serde_json::Value)) and its 1-based
/// position to `each` as soon as it is read. `null` is an empty list;
/// `expecting` says what the list should be, for messages. Returns the
/// error `each` stopped on, if any, for the caller to raise.
pub(crate) fn next_list<'de, A, T, F>(
    map: &mut A,
    expecting: &'static str,
    mut each: F,
) -> Result<Option<IngestError>, A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), IngestError>,
{
    let mut failed = None;
    let result = map.next_value_seed(ListSeed {
        each: &mut each,
        failed: &mut failed,
        expecting,
        element: PhantomData,
    });
    if failed.is_some() {
        return Ok(failed);
    }
    result.map(|()| None)
}

/// Walks a JSON list for [`next_list`].
struct ListSeed<'a, T, F> {
    each: &'a mut F,
    failed: &'a mut Option<IngestError>,
    expecting: &'static str,
    element: PhantomData<fn(T)>,
}

impl<'de, T: Deserialize<'de>, F: FnMut(T, usize) -> Result<(), IngestError>> DeserializeSeed<'de>
    for ListSeed<'_, T, F>
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(T, usize) -> Result<(), IngestError>> Visitor<'de>
    for ListSeed<'_, T, F>
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        while let Some(element) = seq.next_element::<T>()? {
            n += 1;
            if let Err(e) = (self.each)(element, n) {
                *self.failed = Some(e);
                return Err(de::Error::custom(Fail));
            }
        }
        Ok(())
    }
}
