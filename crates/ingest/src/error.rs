//! The one error type of this crate, with locations.

use crate::number::ValueError;
use crate::sink::SinkError;
use std::fmt;

/// Where in the input something is: a file, and a line or a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name as shown to the user (may include the ZIP it is in).
    pub file: String,
    /// 1-based line number for text tables.
    pub line: Option<u64>,
    /// Record description for JSON and sheets (`record 3`, `row 7`).
    pub record: Option<String>,
}

impl Location {
    /// The whole file.
    pub fn file(file: &str) -> Self {
        Location {
            file: file.to_string(),
            line: None,
            record: None,
        }
    }

    /// A line of a file.
    pub fn line(file: &str, line: u64) -> Self {
        Location {
            file: file.to_string(),
            line: Some(line),
            record: None,
        }
    }

    /// A record of a file.
    pub fn record(file: &str, record: impl Into<String>) -> Self {
        Location {
            file: file.to_string(),
            line: None,
            record: Some(record.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(record) = &self.record {
            write!(f, " {record}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while reading an input.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The input could not be read at all.
    #[error("{location}: cannot read: {source}")]
    Io {
        /// Where.
        location: Location,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A field's value is not what the format requires.
    #[error("{location}, field `{field}`: {error}")]
    Value {
        /// Where.
        location: Location,
        /// The column or JSON key.
        field: String,
        /// What was expected and found.
        error: ValueError,
    },
    /// The input's structure is wrong (bad JSON, a truncated ZIP, a missing
    /// required column, dates out of order, ...).
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong, saying what was expected and what was found.
        message: String,
    },
    /// A table's header row matches no known header set.
    #[error("{location}: unknown header set {found}\n{help}")]
    UnknownHeaders {
        /// Where.
        location: Location,
        /// The headers found, quoted and comma-separated.
        found: String,
        /// What to do: usually the `[studio.headers]` mapping to add.
        help: String,
    },
    /// The format could not be recognised.
    #[error("{location}: cannot tell what this file is: {why}; name the format with `--format` ({formats})")]
    Unrecognised {
        /// Where.
        location: Location,
        /// What was seen.
        why: String,
        /// The accepted format names.
        formats: String,
    },
    /// The sink (the store) refused a record.
    #[error("{location}: cannot store record: {source}")]
    Sink {
        /// Where.
        location: Location,
        /// The store's error.
        #[source]
        source: SinkError,
    },
}

impl IngestError {
    /// A value error at `location` in `field`.
    pub fn value(location: Location, field: impl Into<String>, error: ValueError) -> Self {
        IngestError::Value {
            location,
            field: field.into(),
            error,
        }
    }

    /// A structural error at `location`.
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        IngestError::Invalid {
            location,
            message: message.into(),
        }
    }

    /// The location the error refers to.
    pub fn location(&self) -> &Location {
        match self {
            IngestError::Io { location, .. }
            | IngestError::Value { location, .. }
            | IngestError::Invalid { location, .. }
            | IngestError::UnknownHeaders { location, .. }
            | IngestError::Unrecognised { location, .. }
            | IngestError::Sink { location, .. } => location,
        }
    }
}
