//! Tests for `read_path_pipelined`: the same parts, items and warnings in
//! the same order as `read_path`, every byte of the file shown once and in
//! order, errors at the same place, and a refusing sink stopping the reader.

use std::io::Write;
use uptake_ingest::{
    read_path, read_path_pipelined, IngestError, Item, Options, Sink, SinkError, VecSink, Warning,
};
use uptake_model::PseudonymSecret;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([5; 32])),
        ..Options::default()
    }
}

/// Many captures (more than the queue between the threads holds), with the
/// fixture's warnings repeated among them.
fn many_captures(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let one = std::fs::read_to_string(super::fixture("zeeschuimer/captures.ndjson")).unwrap();
    let path = dir.path().join("many.ndjson");
    let mut out = std::fs::File::create(&path).unwrap();
    for _ in 0..300 {
        out.write_all(one.as_bytes()).unwrap();
    }
    path
}

#[test]
fn the_sink_receives_what_read_path_gives_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_captures(&dir);
    let mut plain = VecSink::default();
    let plain_summary = read_path(&path, &options(), &mut plain, &mut |_| {}).unwrap();
    let mut piped = VecSink::default();
    let mut positions = Vec::new();
    let mut seen = Vec::new();
    let piped_summary = read_path_pipelined(
        &path,
        &options(),
        &mut piped,
        &mut |p| positions.push(p),
        &mut |offset, bytes| {
            // A plain file is shown once, in order, block after block.
            assert_eq!(offset, seen.len() as u64);
            seen.extend_from_slice(bytes);
        },
    )
    .unwrap();
    assert_eq!(seen, std::fs::read(&path).unwrap());
    assert!(plain.items.len() > 1500, "{} items", plain.items.len());
    assert_eq!(piped.items, plain.items);
    assert_eq!(piped.warnings, plain.warnings);
    assert_eq!(piped_summary, plain_summary);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert_eq!(positions.last(), Some(&size));
}

#[test]
fn a_reading_error_comes_after_the_items_read_before_it() {
    let path = super::fixture("zeeschuimer/invalid_line.ndjson");
    let mut plain = VecSink::default();
    let plain_err = read_path(&path, &options(), &mut plain, &mut |_| {}).unwrap_err();
    let mut piped = VecSink::default();
    let piped_err = read_path_pipelined(&path, &options(), &mut piped, &mut |_| {}, &mut |_, _| {})
        .unwrap_err();
    assert_eq!(piped_err.to_string(), plain_err.to_string());
    assert!(!plain.items.is_empty());
    assert_eq!(piped.items, plain.items);
}

/// Accepts `accept` items, then refuses.
struct Refusing {
    accept: usize,
    seen: Vec<Item>,
}

impl Sink for Refusing {
    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        if self.seen.len() == self.accept {
            return Err("disk full (test)".into());
        }
        self.seen.push(item);
        Ok(())
    }

    fn warn(&mut self, _warning: Warning) {}
}

#[test]
fn a_refusing_sink_stops_the_reader_and_its_error_names_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_captures(&dir);
    let mut all = VecSink::default();
    read_path(&path, &options(), &mut all, &mut |_| {}).unwrap();
    let mut sink = Refusing {
        accept: 700,
        seen: Vec::new(),
    };
    let err =
        read_path_pipelined(&path, &options(), &mut sink, &mut |_| {}, &mut |_, _| {}).unwrap_err();
    match &err {
        IngestError::Sink { location, source } => {
            assert_eq!(location, &all.items[700].location);
            assert_eq!(source.to_string(), "disk full (test)");
        }
        other => panic!("expected the sink's error, got {other}"),
    }
    assert_eq!(sink.seen.len(), 700);
    assert_eq!(sink.seen[..], all.items[..700]);
}
