//! PLACEHOLDER being written now; replaced before any commit that calls it done.
use crate::{Context, IngestError, Sink};
use std::io::{Read, Seek};
use uptake_model::SourceFormat;

/// Reads a Studio CSV.
pub fn parse_csv<R: Read>(_input: R, ctx: &Context, _sink: &mut dyn Sink) -> Result<SourceFormat, IngestError> {
    Err(IngestError::invalid(ctx.whole(), "this reader is being written"))
}

/// Reads a Studio XLSX.
pub fn parse_xlsx<R: Read + Seek>(_input: R, ctx: &Context, _sink: &mut dyn Sink) -> Result<SourceFormat, IngestError> {
    Err(IngestError::invalid(ctx.whole(), "this reader is being written"))
}
