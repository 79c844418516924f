//! The bridge between a reader (`uptake-ingest`) and the store: a [`Sink`]
//! that writes every record into the import's transaction. Handles in file
//! names (pyktok names files after people) are removed from what is stored.

use std::cell::Cell;
use std::rc::Rc;
use uptake_ingest::privacy::scrub_handles_in_text;
use uptake_ingest::{Item, Record, Sink, SinkError, Warning};
use uptake_store::{ImportTx, StoreError};

/// Writes records into one import transaction and remembers its warnings.
pub struct StoreSink<'a, 'b> {
    tx: &'a mut ImportTx<'b>,
    /// Warnings received, for printing after the import.
    pub warnings: Vec<Warning>,
    /// A store error met while recording a warning (reported at the next push).
    deferred: Option<StoreError>,
    /// Format of the part being read, for comments' provenance.
    format: &'static str,
    /// The project's own handle, the one handle kept in stored locations.
    own: Option<String>,
    /// Items received so far, shared with the progress report (which runs
    /// while the reader holds the sink).
    records: Rc<Cell<u64>>,
}

impl<'a, 'b> StoreSink<'a, 'b> {
    /// A sink writing into `tx`.
    pub fn new(tx: &'a mut ImportTx<'b>, own: Option<String>) -> Self {
        StoreSink {
            tx,
            warnings: Vec::new(),
            deferred: None,
            format: "unknown",
            own,
            records: Rc::new(Cell::new(0)),
        }
    }

    /// The number of items received so far, readable while a reader holds
    /// the sink (for progress reports).
    pub fn record_counter(&self) -> Rc<Cell<u64>> {
        self.records.clone()
    }

    /// Fails if recording a warning failed.
    pub fn finish(self) -> Result<Vec<Warning>, StoreError> {
        match self.deferred {
            Some(e) => Err(e),
            None => Ok(self.warnings),
        }
    }
}

/// An item's raw record, stored the first time it is asked for.
#[derive(Default)]
struct RawOnce {
    stored: Option<Option<i64>>,
}

impl RawOnce {
    /// The raw record's row id (`None` for an item without one), storing
    /// it at the first call.
    fn id(&mut self, sink: &mut StoreSink<'_, '_>, item: &Item) -> Result<Option<i64>, StoreError> {
        if let Some(id) = self.stored {
            return Ok(id);
        }
        let id = match &item.raw {
            Some(raw) => {
                let location =
                    scrub_handles_in_text(&item.location.to_string(), sink.own.as_deref());
                Some(sink.tx.raw(&location, raw)?)
            }
            None => None,
        };
        self.stored = Some(id);
        Ok(id)
    }
}

impl Sink for StoreSink<'_, '_> {
    fn begin_part(&mut self, _name: &str, format: uptake_model::SourceFormat) {
        self.format = format.name();
    }

    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        if let Some(e) = self.deferred.take() {
            return Err(Box::new(e));
        }
        self.tx.count_item();
        self.records.set(self.records.get() + 1);
        // Records are stored in order, so that a video is merged before its
        // observation is checked. A capture already stored is left out (see
        // `uptake_store`'s `repeats`), and the raw record is stored with the
        // first record that needs it; an item that added only repeats (and
        // the merge of its video, which a repeat leaves as it is) leaves its
        // raw record out too.
        let mut raw = RawOnce::default();
        let mut repeats = 0;
        for record in &item.records {
            let repeat = match record {
                Record::Video(v) => {
                    // When this capture describes it: its observation's time.
                    let seen = item.records.iter().find_map(|r| match r {
                        Record::Observation(o) if o.video_id == v.platform_id => {
                            Some(o.observed_at)
                        }
                        _ => None,
                    });
                    self.tx.video_seen(v, seen)?;
                    continue;
                }
                Record::Observation(o) => self.tx.is_repeat_observation(o)?,
                Record::Comment(c) => self.tx.is_repeat_capture(c, self.format)?,
                Record::Profile(p) => self.tx.is_repeat_profile(p)?,
                _ => false,
            };
            if repeat {
                self.tx.count_repeat();
                repeats += 1;
                continue;
            }
            let raw_id = raw.id(self, &item)?;
            match record {
                Record::Observation(o) => self.tx.observation(o, raw_id)?,
                Record::AccountDay(d) => self.tx.account_day(d)?,
                Record::Audience(a) => self.tx.audience(a)?,
                Record::FollowerActivity(f) => self.tx.follower_activity(f)?,
                Record::Comment(c) => self.tx.comment(c, self.format, raw_id)?,
                Record::Profile(p) => self.tx.profile(p)?,
                Record::Video(_) => {}
            }
        }
        if repeats == 0 {
            raw.id(self, &item)?;
        }
        Ok(())
    }

    fn warn(&mut self, warning: Warning) {
        let own = self.own.as_deref();
        let location = scrub_handles_in_text(&warning.location.to_string(), own);
        let message = scrub_handles_in_text(&warning.message, own);
        if let Err(e) = self.tx.warning(&location, &message) {
            self.deferred.get_or_insert(e);
        }
        self.warnings.push(warning);
    }
}
