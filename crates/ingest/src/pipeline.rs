//! Reading on a second thread while the caller stores.
//!
//! An import has two halves of similar weight: reading (decompressing,
//! parsing, pseudonymising, scrubbing the raw record) and storing (SQLite).
//! [`read_path_pipelined`] runs the first on a thread of its own and hands
//! what it reads, in order and in batches, to a [`Sink`] on the calling
//! thread, so that a machine with two cores does both at once. On one core
//! it costs a few context switches per thousand records (measured by
//! `bench/zeeschuimer.sh`). The sink stays on the calling thread because a
//! database connection belongs to one thread.
//!
//! Memory stays bounded: at most [`QUEUED_BATCHES`] batches of
//! [`BATCH_ITEMS`] messages (items, warnings, parts) wait between the threads.

use crate::container::{read_path_with_bytes, ReadSummary};
use crate::error::IngestError;
use crate::sink::{Item, Sink, SinkError, Warning};
use crate::Options;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use uptake_model::SourceFormat;

/// Items handed over at once: enough to make the hand-over cost vanish
/// next to storing them, few enough to keep the two threads busy together.
pub const BATCH_ITEMS: usize = 128;

/// Batches that may wait for the storing thread before the reader blocks.
pub const QUEUED_BATCHES: usize = 4;

/// What the reading thread reports, in reading order.
enum Message {
    Part(String, SourceFormat),
    Item(Item),
    Warning(Warning),
}

/// The storing side stopped (it failed, and its own error is the one
/// reported); the reader gets this from its sink and stops too.
#[derive(Debug)]
struct StoringStopped;

impl std::fmt::Display for StoringStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the storing thread stopped")
    }
}

impl std::error::Error for StoringStopped {}

/// A batch of messages with the reader's position in the file when it was
/// sent: the storing side reports that position once it has stored the
/// batch, so progress follows what is stored, not how far the reader ran
/// ahead (which depends on the speed of the two threads).
type Batch = (Vec<Message>, u64);

/// The reading thread's sink: collects messages and sends them in batches.
struct ChannelSink<'p> {
    batch: Vec<Message>,
    sender: SyncSender<Batch>,
    /// The reader's position, kept by the reading thread itself.
    position: &'p AtomicU64,
    /// Set when a hand-over made by `warn` (which cannot fail) found the
    /// storing side gone; the next `push` reports it.
    stopped: bool,
}

impl ChannelSink<'_> {
    fn flush(&mut self) -> Result<(), SinkError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ITEMS));
        let at = self.position.load(Ordering::Relaxed);
        self.sender
            .send((batch, at))
            .map_err(|_| Box::new(StoringStopped) as SinkError)
    }
}

impl ChannelSink<'_> {
    fn flush_if_full(&mut self) {
        if self.batch.len() >= BATCH_ITEMS && self.flush().is_err() {
            self.stopped = true;
            self.batch.clear();
        }
    }
}

impl Sink for ChannelSink<'_> {
    fn begin_part(&mut self, name: &str, format: SourceFormat) {
        self.batch.push(Message::Part(name.to_string(), format));
        self.flush_if_full();
    }

    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        if self.stopped {
            return Err(Box::new(StoringStopped));
        }
        self.batch.push(Message::Item(item));
        if self.batch.len() >= BATCH_ITEMS {
            self.flush()?;
        }
        Ok(())
    }

    fn warn(&mut self, warning: Warning) {
        // Warnings count towards a batch too, so that a long run of them
        // (a file of skipped lines) stays within the memory bound.
        self.batch.push(Message::Warning(warning));
        self.flush_if_full();
    }
}

/// Does what [`read_path`](crate::read_path) does, with the reading on a
/// second thread: `sink` receives the same parts, items and warnings in the
/// same order, on the calling thread, and `progress` gets the reader's
/// position (never going back) as batches are stored: the position the
/// reader had reached when it sent the batch, so the reports for a file do
/// not depend on how fast either thread runs. `bytes` is called on the
/// reading thread, as in [`read_path_with_bytes`].
///
/// A sink error stops the reader and is returned as [`IngestError::Sink`]
/// at the item it refused; a reading error is returned once every item read
/// before it has reached the sink, exactly as `read_path` would leave it.
pub fn read_path_pipelined(
    path: &Path,
    options: &Options,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
    bytes: &mut (dyn FnMut(u64, &[u8]) + Send),
) -> Result<ReadSummary, IngestError> {
    let position = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Batch>(QUEUED_BATCHES);
        let position = &position;
        let reader = std::thread::Builder::new()
            .name("uptake-read".into())
            .spawn_scoped(scope, move || {
                let mut channel = ChannelSink {
                    batch: Vec::with_capacity(BATCH_ITEMS),
                    sender,
                    position,
                    stopped: false,
                };
                let read = read_path_with_bytes(
                    path,
                    options,
                    &mut channel,
                    &mut |p| {
                        position.fetch_max(p, Ordering::Relaxed);
                    },
                    bytes,
                );
                // Whatever was read before an error still reaches the sink,
                // as it would without the thread.
                let flushed = channel.flush();
                match (read, flushed) {
                    (Err(e), _) => Err(e),
                    (Ok(summary), Ok(())) => Ok(summary),
                    (Ok(_), Err(source)) => Err(IngestError::Sink {
                        location: crate::Location::file(&path.display().to_string()),
                        source,
                    }),
                }
            })
            .map_err(|source| IngestError::Io {
                location: crate::Location::file(&path.display().to_string()),
                source,
            })?;
        let mut refused: Option<IngestError> = None;
        let mut shown = 0u64;
        'batches: for (batch, at) in receiver.iter() {
            for message in batch {
                match message {
                    Message::Part(name, format) => sink.begin_part(&name, format),
                    Message::Warning(w) => sink.warn(w),
                    Message::Item(item) => {
                        let location = item.location.clone();
                        if let Err(source) = sink.push(item) {
                            refused = Some(IngestError::Sink { location, source });
                            break 'batches;
                        }
                    }
                }
            }
            if at > shown {
                shown = at;
                progress(at);
            }
        }
        // Stops the reader at its next hand-over if storing failed.
        drop(receiver);
        let read = match reader.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        if let Some(e) = refused {
            return Err(e);
        }
        let summary = read?;
        let at = position.load(Ordering::Relaxed);
        if at > shown {
            progress(at);
        }
        Ok(summary)
    })
}
