//! SHA-256 of imported files: an import's identity ("the same bytes twice
//! = the same import") and its provenance.

use anyhow::{Context as _, Result};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The SHA-256 of the file at `path` (lower-case hex) and its size.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut hash = StreamHash::default();
    hash.hash_rest(path)?;
    Ok(hash.finish())
}

/// A file's SHA-256, computed from the blocks the reader reads while they
/// are in memory, so that a large file is not read a second time (hashing
/// on a thread of its own, as before, read the file twice and, on one core,
/// competed with the import: bench/zeeschuimer.sh). Blocks must come in
/// order from the start; a ZIP, read out of order, is hashed again from the
/// start after reading, and the end of a file that a reader left unread is
/// hashed after reading too.
#[derive(Default)]
pub struct StreamHash {
    hasher: Sha256,
    /// Bytes hashed: the file's first `hashed` bytes.
    hashed: u64,
    /// Whether a block did not continue the hashed part (a seek): what was
    /// seen no longer counts, and the file is hashed again after reading.
    out_of_order: bool,
}

impl StreamHash {
    /// Takes the block read at `offset`.
    pub fn see(&mut self, offset: u64, bytes: &[u8]) {
        if self.out_of_order || bytes.is_empty() {
            return;
        }
        if offset == self.hashed {
            self.hasher.update(bytes);
            self.hashed += bytes.len() as u64;
        } else {
            self.out_of_order = true;
        }
    }

    /// Hashes what the blocks seen did not cover: the rest of the file, or
    /// all of it when they came out of order.
    pub fn hash_rest(&mut self, path: &Path) -> Result<()> {
        if self.out_of_order {
            *self = StreamHash::default();
        }
        let mut file = std::fs::File::open(path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        file.seek(SeekFrom::Start(self.hashed))
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file
                .read(&mut buf)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            if n == 0 {
                return Ok(());
            }
            self.hasher.update(&buf[..n]);
            self.hashed += n as u64;
        }
    }

    /// The hash, lower-case hex, and the number of bytes hashed.
    pub fn finish(self) -> (String, u64) {
        let digest = self.hasher.finalize();
        (
            digest.iter().map(|b| format!("{b:02x}")).collect(),
            self.hashed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn whole(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn blocks_in_order_give_the_files_hash_without_reading_it_again() {
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let f = file(&bytes);
        let mut hash = StreamHash::default();
        for (i, block) in bytes.chunks(4096).enumerate() {
            hash.see((i * 4096) as u64, block);
        }
        // The file is changed on disk: a complete stream must not read it.
        std::fs::write(f.path(), b"changed").unwrap();
        hash.hash_rest(f.path()).unwrap();
        assert_eq!(hash.finish(), (whole(&bytes), bytes.len() as u64));
    }

    #[test]
    fn an_unread_end_is_hashed_from_the_file() {
        let bytes = b"0123456789abcdef".repeat(1000);
        let f = file(&bytes);
        let mut hash = StreamHash::default();
        hash.see(0, &bytes[..5000]);
        hash.hash_rest(f.path()).unwrap();
        assert_eq!(hash.finish(), (whole(&bytes), bytes.len() as u64));
    }

    #[test]
    fn blocks_out_of_order_are_hashed_again_from_the_start() {
        let bytes = b"PK and the rest of a zip".repeat(500);
        let f = file(&bytes);
        let mut hash = StreamHash::default();
        hash.see(0, &bytes[..100]);
        hash.see(5000, &bytes[5000..6000]); // a seek forward
        hash.see(100, &bytes[100..200]);
        hash.hash_rest(f.path()).unwrap();
        assert_eq!(hash.finish(), (whole(&bytes), bytes.len() as u64));
        assert_eq!(
            sha256_file(f.path()).unwrap(),
            (whole(&bytes), bytes.len() as u64)
        );
    }
}
