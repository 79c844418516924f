//! Writing a bulk import's pages to disk while it runs.
//!
//! SQLite writes the pages of a large transaction into the operating
//! system's cache as it goes, and the commit then waits for all of them to
//! reach the disk (`fsync`). Left alone, the system writes back little
//! before that wait: a 1 GB Zeeschuimer import spent about half a second
//! idle in it (bench/zeeschuimer.sh, one core). [`Writeback`] asks for what
//! has been written so far to be synced every [`INTERVAL`] from a thread of
//! its own, so the disk works while the import computes and the commit's
//! own sync has little left to do. It adds no durability promise: the
//! commit's sync is still the one that counts.
//!
//! The thread holds a second descriptor of the database file. POSIX drops
//! every lock a process holds on a file when *any* of its descriptors of
//! that file is closed, so this descriptor must be closed only while the
//! import's connection holds no lock: after its `COMMIT` or `ROLLBACK`, and
//! before the journal is switched back to WAL (a WAL connection keeps a
//! lock). [`Writeback::stop`] closes it and waits until it is closed.

use std::path::Path;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the pages written so far are synced.
pub(super) const INTERVAL: Duration = Duration::from_millis(250);

/// A thread syncing a database file until it is stopped.
pub(super) struct Writeback {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Writeback {
    /// Starts syncing the file at `path`; `None` when it cannot be opened or
    /// no thread can be started (the import then runs without it).
    pub(super) fn start(path: &Path) -> Option<Writeback> {
        let file = std::fs::File::open(path).ok()?;
        let (stop, stopped) = channel::<()>();
        let thread = std::thread::Builder::new()
            .name("uptake-writeback".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    // Best effort: a failure here changes nothing the
                    // commit's own sync does not check.
                    let _ = file.sync_data();
                }
                // `file` is closed here, before `stop` returns.
            })
            .ok()?;
        Some(Writeback { stop, thread })
    }

    /// Stops the thread and closes its descriptor of the file.
    pub(super) fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
