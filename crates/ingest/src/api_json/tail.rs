//! Where a streaming JSON reader is and what it read last. A file read
//! through `serde_json::Deserializer::from_reader` is gone once read, so
//! the reader counts the newlines it passes (to locate NDJSON records by
//! line) and keeps the last [`KEPT`] bytes of the current line in a ring,
//! which the error path reads back so that [`super::syntax::damage`] can
//! name the byte or escape a damaged text has, not only its column.
//!
//! Cost: serde_json reads one byte per call, so this runs per byte. Cells
//! instead of a `RefCell` and one wrapper doing both jobs keep it within
//! the noise of the line count alone (measured on 37 MB of NDJSON: one
//! more wrapper with a `RefCell` cost 10–15%).

use super::syntax::Around;
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Bytes of the current line kept: a bad byte is reported at the end of
/// its string, so this reaches back over one long caption.
const KEPT: usize = 4096;

/// What the reader ([`Tail::reader`]) passed, shared with the visitors that
/// locate records ([`Tail::newlines`]) and the error path ([`Tail::kept`]).
#[derive(Clone)]
pub(crate) struct Tail(Rc<Ring>);

impl Default for Tail {
    fn default() -> Self {
        Tail(Rc::new(Ring {
            newlines: Cell::new(0),
            column: Cell::new(0),
            bytes: (0..KEPT).map(|_| Cell::new(0)).collect(),
        }))
    }
}

/// Where the reader is and what it read last.
struct Ring {
    /// Newlines read.
    newlines: Cell<u64>,
    /// Bytes read on the current line, as serde_json counts columns.
    column: Cell<u64>,
    /// The line's last bytes; the byte of column `c` is at `(c - 1) % KEPT`.
    bytes: Box<[Cell<u8>]>,
}

/// A copy of the bytes kept, for an error.
pub(crate) struct Kept {
    line: u64,
    from: u64,
    bytes: Vec<u8>,
}

impl Kept {
    /// The bytes as [`super::syntax::damage`] takes them.
    pub(crate) fn around(&self) -> Around<'_> {
        Around {
            line: self.line,
            from: self.from,
            bytes: &self.bytes,
        }
    }
}

impl Tail {
    /// Wraps `inner` so that what it reads is counted and kept here.
    pub(crate) fn reader<R: Read>(&self, inner: R) -> TailReader<R> {
        TailReader {
            inner,
            tail: self.clone(),
        }
    }

    /// Newlines read so far. serde_json reads its input byte by byte, so
    /// the count is exact at the start of each top-level value.
    pub(crate) fn newlines(&self) -> u64 {
        self.0.newlines.get()
    }

    /// The kept part of the line the reader is on, in order.
    pub(crate) fn kept(&self) -> Kept {
        let ring = &*self.0;
        let column = ring.column.get();
        let n = column.min(KEPT as u64);
        let from = column - n + 1;
        let bytes = (from..=column)
            .filter_map(|c| ring.bytes.get(((c - 1) % KEPT as u64) as usize))
            .map(Cell::get)
            .collect();
        Kept {
            line: ring.newlines.get() + 1,
            from,
            bytes,
        }
    }
}

/// A reader that counts and keeps what it reads in a [`Tail`].
pub(crate) struct TailReader<R> {
    inner: R,
    tail: Tail,
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let ring = &*self.tail.0;
        for &b in buf.get(..n).unwrap_or(buf) {
            if b == b'\n' {
                ring.newlines.set(ring.newlines.get() + 1);
                ring.column.set(0);
            } else {
                let column = ring.column.get();
                if let Some(slot) = ring.bytes.get((column % KEPT as u64) as usize) {
                    slot.set(b);
                }
                ring.column.set(column + 1);
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_json::syntax::{damage, Layout};

    fn kept_after(input: &[u8]) -> (u64, u64, Vec<u8>) {
        let tail = Tail::default();
        let mut out = vec![];
        let _ = tail.reader(input).read_to_end(&mut out);
        let kept = tail.kept();
        assert_eq!(tail.newlines(), kept.line - 1);
        (kept.line, kept.from, kept.bytes)
    }

    #[test]
    fn keeps_the_current_line_with_serde_json_columns() {
        assert_eq!(kept_after(b"ab\ncd"), (2, 1, b"cd".to_vec()));
        assert_eq!(kept_after(b"ab\n"), (2, 1, vec![]));
        let mut long = vec![b'x'; KEPT + 10];
        long.extend_from_slice(b"END");
        let (line, from, bytes) = kept_after(&long);
        assert_eq!((line, from), (1, 14));
        assert_eq!(bytes.len(), KEPT);
        assert!(bytes.ends_with(b"xEND"));
    }

    #[test]
    fn an_error_can_name_the_byte_of_a_streamed_file() {
        let text = b"{\"a\":1}\n{\"b\":\"caf\xe9 au lait\"}";
        let tail = Tail::default();
        let mut values = serde_json::Deserializer::from_reader(tail.reader(&text[..]))
            .into_iter::<serde_json::Value>();
        assert!(matches!(values.next(), Some(Ok(_))));
        let Some(Err(e)) = values.next() else {
            panic!("the second value is damaged");
        };
        let kept = tail.kept();
        let damage = damage(&e, "a test file", Layout::Document, Some(kept.around()));
        assert_eq!(
            damage.map(|d| (d.line, d.message)),
            Some((
                2,
                "invalid JSON in this test file, at column 10: byte 0xE9 (`é` in Windows-1252) \
                 is not UTF-8 text: the file was probably saved in another encoding or damaged \
                 in transfer; convert it to UTF-8, or export or download it again"
                    .to_string()
            ))
        );
    }
}
