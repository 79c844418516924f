//! Benchmark harness: reads a Zeeschuimer NDJSON file with the `zeeschuimer`
//! reader into a sink that only counts, and prints the throughput. Used by
//! `bench/zeeschuimer.sh`:
//!
//! ```text
//! cargo build --release -p uptake-ingest --example read_zeeschuimer
//! taskset -c 0 target/release/examples/read_zeeschuimer bench/out/zeeschuimer_1g.ndjson
//! ```
//!
//! Storage is not included: the sink drops each record after counting it.
//! With `--digest` after the file name it also prints a hash of every raw
//! record, record and warning, to check that a change to the reader leaves
//! its output alone (compare the digest before and after).

use std::collections::hash_map::DefaultHasher;
use std::error::Error;
use std::fs::File;
use std::hash::Hasher;
use std::time::Instant;
use uptake_ingest::{zeeschuimer, Context, Item, Options, Sink, SinkError, Warning};

/// Counts what it receives and drops it.
#[derive(Default)]
struct Counting {
    items: u64,
    records: u64,
    raw_bytes: u64,
    warnings: Vec<Warning>,
    /// Hash of everything received, when `--digest` asks for it.
    digest: Option<DefaultHasher>,
}

impl Sink for Counting {
    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        self.items += 1;
        self.records += item.records.len() as u64;
        self.raw_bytes += item.raw.as_ref().map(|r| r.len() as u64).unwrap_or(0);
        if let Some(h) = &mut self.digest {
            // `DefaultHasher::new` has fixed keys: the digest is the same
            // from run to run.
            h.write(format!("{:?}", item).as_bytes());
        }
        Ok(())
    }

    fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: read_zeeschuimer FILE.ndjson")?;
    let size = std::fs::metadata(&path)?.len();
    let options = Options {
        secret: Some(uptake_model::PseudonymSecret::from_bytes([7; 32])),
        ..Options::default()
    };
    let ctx = Context::new(path.clone(), &options);
    let mut sink = Counting::default();
    if std::env::args().nth(2).as_deref() == Some("--digest") {
        sink.digest = Some(DefaultHasher::new());
    }
    let start = Instant::now();
    zeeschuimer::parse(File::open(&path)?, &ctx, &mut sink)?;
    let secs = start.elapsed().as_secs_f64();
    let mb = size as f64 / 1e6;
    println!(
        "{mb:.1} MB in {secs:.2} s = {:.0} MB/s; {} items, {} records, {:.1} MB raw kept, {} warnings",
        mb / secs,
        sink.items,
        sink.records,
        sink.raw_bytes as f64 / 1e6,
        sink.warnings.len()
    );
    if let Some(mut h) = sink.digest {
        h.write(format!("{:?}", sink.warnings).as_bytes());
        println!("digest {:016x}", h.finish());
    }
    Ok(())
}
