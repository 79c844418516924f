//! Plain data types shared by every uptake crate.
//!
//! This crate holds the nouns of the problem and nothing else: a [`Video`], an
//! [`Observation`] of its metrics at one moment, a day of the account's series
//! ([`AccountDay`]), audience snapshots, and the small value types they are made
//! of ([`Count`], [`Share`]). It does no I/O and knows no file format or SQL:
//! `uptake-ingest` produces these records, `uptake-store` persists them,
//! `uptake-analysis` and `uptake-report` read them.
//!
//! Conventions (see `DESIGN.md`): ids are strings (TikTok ids exceed 2^53);
//! instants are UTC seconds (`i64`); calendar dates are [`chrono::NaiveDate`];
//! rates are fractions in `0..=1`; an absent value is `None`, never 0.

pub mod account_day;
pub mod audience;
pub mod comment;
pub mod count;
pub mod observation;
pub mod pseudonym;
pub mod source_format;
pub mod video;

pub use account_day::AccountDay;
pub use audience::{AudienceKind, AudienceSnapshot, FollowerActivity};
pub use comment::{Comment, ProfileSnapshot};
pub use count::Count;
pub use observation::{Metrics, Observation, Share};
pub use pseudonym::{author_key, mask_mentions, PseudonymSecret};
pub use source_format::SourceFormat;
pub use video::Video;

/// The platform every record in this version comes from. Kept as a string in
/// the store so that other short-video platforms can be added without a
/// migration.
pub const PLATFORM_TIKTOK: &str = "tiktok";
