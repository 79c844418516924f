//! A bound on the length of one CSV record, so that memory stays bounded
//! whatever the file: the csv crate holds a whole record (every cell of a
//! row) in memory, and a 1 MB deflated ZIP can hold a 1 GB cell.

use std::io::{self, Read};

/// Longest CSV record read, in bytes. Real rows are a few kilobytes (a
/// TikTok caption is at most a few thousand characters); 16 MiB leaves room
/// for any of them while keeping a hostile row from taking gigabytes.
pub const MAX_CSV_RECORD: u64 = 16 << 20;

/// Passes bytes through, failing with [`io::ErrorKind::InvalidData`] once
/// more than `limit` bytes go by without a newline outside quotes (a record
/// end in RFC 4180 CSV; a doubled `""` inside a quoted cell toggles twice,
/// so it changes nothing).
pub struct RecordLimit<R> {
    inner: R,
    limit: u64,
    /// Bytes since the last record end.
    since: u64,
    quoted: bool,
}

impl<R> RecordLimit<R> {
    /// `inner` with records bounded at [`MAX_CSV_RECORD`].
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_CSV_RECORD)
    }

    /// `inner` with records bounded at `limit` bytes.
    pub fn with_limit(inner: R, limit: u64) -> Self {
        RecordLimit {
            inner,
            limit,
            since: 0,
            quoted: false,
        }
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or(&[]);
        // `at`: the first byte not yet counted.
        let mut at = 0;
        while let Some(i) = read
            .get(at..)
            .and_then(|rest| memchr::memchr2(b'"', b'\n', rest))
        {
            let pos = at + i;
            self.since += (pos - at) as u64;
            self.check()?;
            if read.get(pos) == Some(&b'"') {
                self.quoted = !self.quoted;
                self.since += 1;
            } else if self.quoted {
                self.since += 1;
            } else {
                self.since = 0;
            }
            at = pos + 1;
        }
        self.since += n.saturating_sub(at) as u64;
        self.check()?;
        Ok(n)
    }
}

impl<R> RecordLimit<R> {
    fn check(&self) -> io::Result<()> {
        if self.since > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a CSV row longer than {} MiB (real rows are a few kilobytes: a damaged \
                     file, a quote never closed, or not CSV at all)",
                    self.limit >> 20
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], limit: u64, chunk: usize) -> io::Result<Vec<u8>> {
        let mut r = RecordLimit::with_limit(bytes, limit);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn short_records_pass_whatever_the_chunks() {
        let csv = b"a,b\n\"x\ny\",\"q\"\"q\"\n1,2\n";
        for chunk in [1, 2, 3, 7, 64] {
            assert_eq!(read_all(csv, 12, chunk).unwrap(), csv.to_vec());
            // The quoted record is 12 bytes.
            assert!(read_all(csv, 11, chunk).is_err());
        }
    }

    #[test]
    fn a_long_record_fails_also_across_quoted_newlines() {
        let long = format!("a,b\n1,{}\n", "x".repeat(50));
        for chunk in [1, 8, 1024] {
            let e = read_all(long.as_bytes(), 20, chunk).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        }
        // Newlines inside quotes do not end the record.
        let quoted = format!("a\n\"{}\"\n", "x\n".repeat(20));
        assert!(read_all(quoted.as_bytes(), 20, 4).is_err());
        // The same bytes unquoted are many short records.
        let plain = "x\n".repeat(20);
        assert!(read_all(plain.as_bytes(), 20, 4).is_ok());
    }
}
