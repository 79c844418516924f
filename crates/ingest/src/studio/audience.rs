//! FollowerGender and FollowerTopTerritories: one audience snapshot per file
//! (`formats.md` §3.3). Studio keeps no history of these, so the snapshot is
//! dated by the export date.
//!
//! Every row becomes an item with its raw text; the snapshot, built from all
//! rows, rides on the last item (one row is held back until the next arrives).

use super::headers::Field;
use super::{Reading, Row, Rows, YearSource};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::sink::{Item, Record, Sink};
use chrono::NaiveDate;
use uptake_model::{AudienceKind, AudienceSnapshot, Share, SourceFormat};

/// Reads a FollowerGender or FollowerTopTerritories file into `sink`.
pub fn read(r: &Reading, rows: Rows<'_>, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let (kind, label_field) = match r.columns.format {
        SourceFormat::StudioFollowerGender => (AudienceKind::Gender, Field::Gender),
        _ => (AudienceKind::Territory, Field::Territory),
    };
    let mut shares: Vec<Share> = Vec::new();
    let mut held: Option<Item> = None;
    let mut as_of: Option<NaiveDate> = None;
    for row in rows {
        let row = row?;
        if as_of.is_none() {
            as_of = Some(snapshot_date(r, sink)?);
        }
        let label = label(r, &row, label_field)?;
        if let Some(fraction) = r.fraction(&row, Field::Distribution)? {
            shares.push(Share { label, fraction });
        }
        let item = Item {
            location: r.at(row.number),
            raw: Some(r.raw(&row)),
            records: Vec::new(),
        };
        if let Some(previous) = held.replace(item) {
            r.push(sink, previous)?;
        }
    }
    if let (Some(mut last), Some(as_of)) = (held, as_of) {
        if !shares.is_empty() {
            last.records.push(Record::Audience(AudienceSnapshot {
                account: r.account.clone(),
                as_of,
                kind,
                shares,
            }));
        }
        r.push(sink, last)?;
    }
    Ok(())
}

fn label(r: &Reading, row: &Row, field: Field) -> Result<String, IngestError> {
    let text = r.cell(row, field).unwrap_or("").trim();
    if text.is_empty() {
        return Err(IngestError::value(
            r.at(row.number),
            r.columns.name(field),
            ValueError {
                expected: "a label (`Female`, `CA`, `Others`)",
                found: "(empty)".into(),
                hint: None,
            },
        ));
    }
    Ok(text.to_string())
}

/// The day a snapshot describes: the export date, else the file's
/// modification date (with a warning), else an error.
pub fn snapshot_date(r: &Reading, sink: &mut dyn Sink) -> Result<NaiveDate, IngestError> {
    let source = YearSource::of(r.ctx, false);
    if let Some(w) = source.warning(r.ctx, true) {
        sink.warn(w);
    }
    match source {
        YearSource::ExportDate(d) | YearSource::Modified(d) | YearSource::ZipStart(d) => Ok(d),
        YearSource::Unknown => Err(IngestError::invalid(
            r.ctx.whole(),
            "the file has no date and nothing says when it was exported; pass \
             `--export-date YYYY-MM-DD` (the day the file was downloaded)",
        )),
    }
}
