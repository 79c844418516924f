//! `uptake template`: print templates to fill in by hand.

use super::Ctx;
use anyhow::Result;

/// Print a template to fill in by hand.
///
/// `analytics` is a CSV for what TikTok's app shows per video and no export
/// carries (average watch time, watched full video, traffic sources, top
/// territories). Fill one row per video per day you read the numbers, then
/// `uptake import` it. Comment lines (#) explain every column.
///
/// Examples:
///   uptake template analytics > videos.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Which template.
    #[arg(value_enum)]
    pub kind: Kind,
}

/// The templates.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// Per-video analytics read off the app.
    Analytics,
}

/// Runs `uptake template`.
pub fn run(args: Args, _ctx: &Ctx) -> Result<()> {
    match args.kind {
        Kind::Analytics => super::print(uptake_ingest::template::TEMPLATE),
    }
}
