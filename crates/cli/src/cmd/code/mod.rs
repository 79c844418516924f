//! `uptake code`: the coding workflow (sample, sheets, import,
//! disagreements, adjudicate, finalize, status, results).
//!
//! This module holds the arguments, the dispatch and the helpers the
//! subcommands share; each subcommand (or group) has its own file.

mod adjudicate;
mod import;
mod results;
mod sample;
mod sheets;

use super::codebook::find_codebook;
// `print` for the subcommand files, which call it as `super::print`.
use super::print;
use super::Ctx;
use anyhow::{bail, Result};
use std::path::PathBuf;
use uptake_coding::Codebook;
use uptake_report::OutputFormat;
use uptake_store::Store;

/// Code videos or comments with a codebook, with several coders.
///
/// The loop: `sample` draws a seeded random sample (optionally stratified)
/// and assigns it to coders, with an overlap set every coder codes for
/// reliability; `sheets` writes one blind sheet per coder (only their
/// units, nobody else's values); coders fill them; `import` validates every
/// value against the codebook and stores it (a re-import replaces that
/// coder's values for those units); `disagreements` lists where coders of
/// the overlap set differ; `adjudicate` records a decision; `finalize`
/// fills the final codes that are single-coder or agreed (never touching an
/// adjudicated one); `results` prints final codes and instrument scores.
/// The algorithm and what is stored are in docs/coding.md.
///
/// Examples:
///   uptake code sample --codebook discern --units videos --n 60 --coders ana,ben --overlap 20 --seed 7
///   uptake code sample --codebook pemat-av --units videos --n 40 --stratify-by campaign --coders ana,ben --overlap 25%
///   uptake code sheets --codebook discern --out sheets/
///   uptake code import sheets/discern-ana.xlsx sheets/discern-ben.xlsx
///   uptake code disagreements --codebook discern
///   uptake code adjudicate --codebook discern --unit 7584968082523016486 --item q4 --value 3 --by chi
///   uptake code finalize --codebook discern
///   uptake code results --codebook discern --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Coding actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Draw a seeded random sample of units and assign it to coders.
    Sample {
        /// Codebook name (see `uptake codebook list`).
        #[arg(long)]
        codebook: String,
        /// What to code: videos or comments.
        #[arg(long, value_parser = ["videos", "comments"])]
        units: String,
        /// Sample size (all remaining units if there are fewer).
        #[arg(long)]
        n: usize,
        /// Stratify proportionally by a field. Videos: campaign, month, or
        /// CODEBOOK:ITEM (a final code of another codebook). Comments: video, month.
        #[arg(long, value_name = "FIELD")]
        stratify_by: Option<String>,
        /// Random seed (printed when not given, so the sample can be redrawn).
        #[arg(long)]
        seed: Option<u64>,
        /// Coders' names, comma-separated (letters, digits, `-`, `_`, `.`).
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        /// Units every coder codes, for reliability: a number (20) or a share (25% or 0.25).
        #[arg(long, default_value = "0")]
        overlap: String,
    },
    /// Write one blind coding sheet per coder.
    Sheets {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// csv, or xlsx (with drop-down lists and an instructions sheet).
        #[arg(long, default_value = "xlsx", value_parser = ["csv", "xlsx"])]
        format: String,
        /// Overwrite existing sheets (a coder may already be filling one).
        #[arg(long)]
        force: bool,
    },
    /// Import filled sheets (CSV or XLSX); every value is checked first and
    /// nothing is stored if any sheet has a problem.
    Import {
        /// The filled sheets.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The coder, when it is not the one the sheet was written for.
        #[arg(long)]
        coder: Option<String>,
    },
    /// List unit-items where coders disagree and no adjudication exists.
    Disagreements {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
    /// Record an adjudicated final code (kept by every later finalize).
    Adjudicate {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// The unit's platform id.
        #[arg(long)]
        unit: String,
        /// The item id.
        #[arg(long)]
        item: String,
        /// The value, as a coder would write it.
        #[arg(long)]
        value: String,
        /// Who decides.
        #[arg(long)]
        by: String,
        /// Why (optional).
        #[arg(long)]
        note: Option<String>,
    },
    /// Fill final codes from single-coder units and from agreements.
    Finalize {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
    },
    /// Show each coder's progress.
    Status {
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
    /// Final codes and instrument scores, one row per unit.
    Results {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
}

/// Runs `uptake code`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    match args.action {
        Action::Sample {
            codebook,
            units,
            n,
            stratify_by,
            seed,
            coders,
            overlap,
        } => sample::run(codebook, units, n, stratify_by, seed, coders, overlap, ctx),
        Action::Sheets {
            codebook,
            out,
            format,
            force,
        } => sheets::run(codebook, out, format, force, ctx),
        Action::Import { files, coder } => import::run(files, coder, ctx),
        Action::Disagreements { codebook, format } => {
            adjudicate::disagreements(codebook, format, ctx)
        }
        Action::Adjudicate {
            codebook,
            unit,
            item,
            value,
            by,
            note,
        } => adjudicate::adjudicate(codebook, unit, item, value, by, note, ctx),
        Action::Finalize { codebook } => adjudicate::finalize(codebook, ctx),
        Action::Status { format } => results::status(format, ctx),
        Action::Results { codebook, format } => results::results(codebook, format, ctx),
    }
}

fn valid_coder(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The stored codebook `name` (it is stored when first sampled).
pub(crate) fn stored(store: &Store, name: &str) -> Result<(Codebook, i64)> {
    match find_codebook(Some(store), name)? {
        (cb, Some(id)) => Ok((cb, id)),
        (cb, None) => bail!(
            "codebook `{}` has not been used in this project yet; start with `uptake code sample --codebook {}`",
            cb.name,
            cb.name
        ),
    }
}
