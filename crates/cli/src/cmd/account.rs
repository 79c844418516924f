//! `uptake account`: the account's daily series.

use super::Ctx;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use uptake_analysis::metrics::account::summarise_account;
use uptake_report::tables::account::{account_daily_table, account_summary_table};
use uptake_report::{render, OutputFormat};

/// Summarise the account's daily series over the imported window.
///
/// Totals of daily views, profile views, likes, comments and shares; followers
/// at the start and end and the net growth (recomputed from daily totals, not
/// from TikTok's difference column); and every gap named: days with no data,
/// and days where a metric was not reported (`undefined`, a partial last day).
///
/// Examples:
///   uptake account
///   uptake account --daily --format csv > account.csv
///   uptake account --from 2025-12-01 --to 2025-12-31
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
    /// Print the day-by-day series instead of the summary.
    #[arg(long)]
    pub daily: bool,
    /// The account, when the project has more than one.
    #[arg(long)]
    pub account: Option<String>,
    /// First day to include (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day to include (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
}

/// Runs `uptake account`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            bail!("--from {f} is after --to {t}");
        }
    }
    let project = ctx.project()?;
    let store = project.open_store()?;
    let accounts = store.accounts()?;
    let account = match (&args.account, accounts.as_slice()) {
        (Some(a), _) if accounts.contains(a) => a.clone(),
        (Some(a), _) => bail!(
            "no daily series for account `{a}`; accounts with data: {}",
            if accounts.is_empty() {
                "none".to_string()
            } else {
                accounts.join(", ")
            }
        ),
        (None, [only]) => only.clone(),
        (None, []) => bail!(
            "no daily account data yet: import TikTok Studio Overview, FollowerHistory or Viewers \
             files, or a Business API account response (`uptake import PATH`)"
        ),
        (None, many) => bail!(
            "the project has several accounts ({}); choose one with --account",
            many.join(", ")
        ),
    };
    let days: Vec<_> = store
        .account_days(&account)?
        .into_iter()
        .filter(|d| args.from.is_none_or(|f| d.date >= f) && args.to.is_none_or(|t| d.date <= t))
        .collect();
    let mut table = if args.daily {
        account_daily_table(&days)
    } else {
        account_summary_table(&summarise_account(&account, &days, None, None))
    };
    super::mark_synthetic(&project, &mut table, std::iter::empty(), args.format);
    super::print(&render(&table, args.format)?)
}
