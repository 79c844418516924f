//! Top-level arguments and the list of subcommands.

use crate::cmd;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// uptake: how research knowledge travels on short-video platforms.
///
/// Import TikTok Studio exports, API responses and the manual template into a
/// local project (one folder, an embedded SQLite database), then print the
/// per-video dissemination table a knowledge-mobilisation paper reports.
#[derive(Debug, Parser)]
#[command(
    name = "uptake",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Use the project in DIR instead of searching upwards from the current folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one file each under `src/cmd/`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project folder with its configuration, database and secret.
    Init(cmd::init::Args),
    /// Import files, folders or ZIPs (format detected from content).
    Import(cmd::import::Args),
    /// Print the per-video dissemination table.
    Videos(cmd::videos::Args),
    /// Summarise the account's daily series (views, followers, gaps).
    Account(cmd::account::Args),
    /// List imports, counts, date coverage and warnings.
    Status(cmd::status::Args),
    /// Print a template to fill in by hand.
    Template(cmd::template::Args),
    /// Analyse comments: knowledge exchange, safety, misinformation claims.
    Analyze(cmd::analyze::Args),
    /// Show the moderation queue and record decisions.
    Review(cmd::review::Args),
    /// Prevalence of misinformation claims (or any label) over time or per video.
    Claims(cmd::claims::Args),
    /// Measure a scheme against a hand-labelled CSV.
    Eval(cmd::eval::Args),
    /// Write the offline HTML report (or Markdown text).
    Report(cmd::report::Args),
    /// Export a table as CSV, JSON or XLSX.
    Export(cmd::export::Args),
    /// Declare and list campaigns (videos grouped by research output).
    Campaign(cmd::campaign::Args),
    /// List comments as threads, pseudonymised.
    Comments(cmd::comments::Args),
    /// Report how complete the comment sample is, per video.
    Coverage(cmd::coverage::Args),
    /// Erase a person's or a video's data (right to erasure).
    Forget(cmd::forget::Args),
    /// Build a project from the bundled synthetic example and show its table.
    Demo(cmd::demo::Args),
    /// List, show, check and add codebooks (DISCERN, PEMAT-A/V, GQS, JAMA, your own).
    Codebook(cmd::codebook::Args),
    /// Content-analysis coding: sample, assign, export sheets, import, adjudicate.
    Code(cmd::code::Args),
    /// Inter-rater reliability per item and per instrument score.
    Reliability(cmd::reliability::Args),
    /// Descriptives, group comparisons, correlation, contingency tables, regression.
    Stats(cmd::stats::Args),
    /// Serve the project as a web app for the team.
    Serve(cmd::serve::Args),
    /// Manage the web app's user accounts and roles.
    User(cmd::user::Args),
}
