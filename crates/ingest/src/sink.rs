//! Where readers put what they read.

use crate::error::Location;
use uptake_model::{
    AccountDay, AudienceSnapshot, Comment, FollowerActivity, Observation, ProfileSnapshot, Video,
};

/// Error type a sink may return; the reader wraps it with a location.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// One normalised record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// What a source says about a video.
    Video(Video),
    /// A dated snapshot of a video's metrics.
    Observation(Observation),
    /// A day of the account's series.
    AccountDay(AccountDay),
    /// An audience distribution snapshot.
    Audience(AudienceSnapshot),
    /// Active followers in one hour.
    FollowerActivity(FollowerActivity),
    /// A comment or reply (author already pseudonymised).
    Comment(Comment),
    /// A public account's counts at one moment (author already pseudonymised).
    Profile(ProfileSnapshot),
}

/// One source record (a CSV row, a JSON object) and the records it yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Where the source record is.
    pub location: Location,
    /// The source record as it was (a JSON object, or the CSV row as a JSON
    /// object of header → cell), kept because formats drift.
    pub raw: Option<String>,
    /// What it yields; may be empty for rows that only carry missing values.
    pub records: Vec<Record>,
}

/// Something worth telling the user that does not stop the import (a partial
/// last day, a value flagged as possibly rounded, an assumption made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What, in a sentence.
    pub message: String,
}

/// Receives records as a reader produces them. The store implements this
/// inside one transaction per import; tests use [`VecSink`].
pub trait Sink {
    /// Says that the records that follow come from a part (a file, or an
    /// entry of a ZIP) in `format`, when the format is known before reading.
    fn begin_part(&mut self, name: &str, format: uptake_model::SourceFormat) {
        let _ = (name, format);
    }

    /// Takes one source record and what it yields.
    fn push(&mut self, item: Item) -> Result<(), SinkError>;
    /// Takes a warning.
    fn warn(&mut self, warning: Warning);
}

/// A sink that keeps everything in memory, for tests and previews.
#[derive(Debug, Default)]
pub struct VecSink {
    /// Items in the order received.
    pub items: Vec<Item>,
    /// Warnings in the order received.
    pub warnings: Vec<Warning>,
}

impl VecSink {
    /// All records of all items, in order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.items.iter().flat_map(|i| i.records.iter())
    }

    /// The account days received.
    pub fn account_days(&self) -> Vec<&AccountDay> {
        self.records()
            .filter_map(|r| match r {
                Record::AccountDay(d) => Some(d),
                _ => None,
            })
            .collect()
    }

    /// The observations received.
    pub fn observations(&self) -> Vec<&Observation> {
        self.records()
            .filter_map(|r| match r {
                Record::Observation(o) => Some(o),
                _ => None,
            })
            .collect()
    }

    /// The comments received.
    pub fn comments(&self) -> Vec<&Comment> {
        self.records()
            .filter_map(|r| match r {
                Record::Comment(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// The videos received.
    pub fn videos(&self) -> Vec<&Video> {
        self.records()
            .filter_map(|r| match r {
                Record::Video(v) => Some(v),
                _ => None,
            })
            .collect()
    }
}

impl Sink for VecSink {
    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        self.items.push(item);
        Ok(())
    }

    fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}
