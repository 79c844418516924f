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
        // Captures already stored are left out first (see
        // `uptake_store`'s `repeats`); the raw record is left out too when
        // all the item had to add was repeats (and the merge of its video,
        // which a repeat leaves as it is).
        let mut stored = Vec::with_capacity(item.records.len());
        for record in &item.records {
            let repeat = match record {
                Record::Observation(o) => self.tx.is_repeat_observation(o)?,
                Record::Comment(c) => self.tx.is_repeat_capture(c, self.format)?,
                Record::Profile(p) => self.tx.is_repeat_profile(p)?,
                _ => false,
            };
            if repeat {
                self.tx.count_repeat();
            } else {
                stored.push(record);
            }
        }
        let only_repeats = stored.len() < item.records.len()
            && stored.iter().all(|r| matches!(r, Record::Video(_)));
        let raw_id = match &item.raw {
            Some(raw) if !only_repeats => {
                let location =
                    scrub_handles_in_text(&item.location.to_string(), self.own.as_deref());
                Some(self.tx.raw(&location, raw)?)
            }
            _ => None,
        };
        for record in stored {
            match record {
                Record::Video(v) => {
                    self.tx.video(v)?;
                }
                Record::Observation(o) => self.tx.observation(o, raw_id)?,
                Record::AccountDay(d) => self.tx.account_day(d)?,
                Record::Audience(a) => self.tx.audience(a)?,
                Record::FollowerActivity(f) => self.tx.follower_activity(f)?,
                Record::Comment(c) => self.tx.comment(c, self.format, raw_id)?,
                Record::Profile(p) => self.tx.profile(p)?,
            }
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
