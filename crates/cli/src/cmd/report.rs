//! `uptake report`: the offline HTML report (or its Markdown text).

use super::Ctx;
use crate::project::Project;
use anyhow::{Context as _, Result};
use std::io::Write as _;
use std::path::PathBuf;
use uptake_analysis::metrics::account::summarise_account;
use uptake_analysis::metrics::kmb::{kmb_indicators, KmbInputs};
use uptake_model::{AccountDay, Metrics, Video};
use uptake_report::html::{render_html, render_html_to, CampaignInfo, ReportData};
use uptake_report::kmb_report::{build_report, render_markdown_report, ReportInputs};
use uptake_store::query::VideoOwner;
use uptake_store::Store;

/// Write the report: one self-contained HTML file, or Markdown text.
///
/// The HTML file opens anywhere, offline: inline CSS and SVG charts, no
/// scripts, no fonts, no requests. Sections: a plain-language summary, the
/// video table, account growth, per-video growth, traffic sources and
/// territories, the KMb indicator panel with definitions, data coverage and
/// caveats, and a methods paragraph to paste into a paper. `--format md`
/// writes the same content as Markdown for e-mail or chat.
///
/// Examples:
///   uptake report                       (writes uptake-report.html in the project)
///   uptake report -o ~/report.html --campaign waiting-times
///   uptake report --format md > report.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Where to write (default: uptake-report.html in the project for HTML,
    /// standard output for Markdown).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Scope everything to one campaign.
    #[arg(long, value_name = "NAME")]
    pub campaign: Option<String>,
    /// html or md.
    #[arg(long, default_value = "html", value_parser = ["html", "md"])]
    pub format: String,
}

/// Gathers everything the report shows from the project.
pub fn report_data(project: &Project, store: &Store, campaign: Option<&str>) -> Result<ReportData> {
    // The own account's videos only: other creators' public videos are
    // never pooled into the report's totals and indicators (a note says how
    // many were left out).
    let scoped = super::scoped_videos_of(project, store, VideoOwner::Own, campaign, None)?;
    let (rows, scope_notes) = (scoped.rows, scoped.notes);
    let data_as_of = rows
        .iter()
        .filter_map(|r| r.latest_observed_at)
        .max()
        .map(|t| super::format_minute(t).chars().take(10).collect::<String>());
    let videos: Vec<(Video, Metrics)> = rows.into_iter().map(|r| (r.video, r.metrics)).collect();
    let views_series = store.views_series()?;
    let approximate_views = store.approximate_view_observations()?;
    let accounts = store.accounts()?;
    let account = project
        .account_handle()
        .filter(|h| accounts.contains(h))
        .or_else(|| accounts.first().cloned());
    let account_days: Vec<AccountDay> = match &account {
        Some(a) => store.account_days(a)?,
        None => Vec::new(),
    };
    // One pass over comments, runs, flags and decisions for every count
    // (bench/web.sh: a per-table join per scheme took 8 s of the 12 s).
    // Only the comments on the videos in scope: a campaign's, and never
    // those on other creators' public videos.
    let ids: Option<Vec<String>> = (campaign.is_some() || scoped.left_out > 0)
        .then(|| videos.iter().map(|(v, _)| v.platform_id.clone()).collect());
    let counts = store.comment_signal_counts(ids.as_deref(), &["kmb", "safety"])?;
    drop(ids);
    let comments_held = counts.held;
    let indicators = kmb_indicators(
        &videos,
        &KmbInputs {
            intended_territories: project.config.audience.territories.clone(),
            comments_held: Some(comments_held.max(0) as u64),
            signals: signal_counts(counts),
        },
    );

    let mut caveats = scope_notes;
    caveats.push("TikTok counts a view after a very short play; views measure exposure, not attention or understanding.".into());
    let approx = videos
        .iter()
        .filter(|(_, m)| {
            [m.views, m.likes, m.comments, m.shares, m.saves]
                .iter()
                .any(|c| c.is_some_and(|c| c.approximate))
        })
        .count();
    if approx > 0 {
        caveats.push(format!("{approx} of {} videos have at least one approximate value (read from an abbreviated display such as 1.2K, or from rounded web counts).", videos.len()));
    }
    let no_watch = videos
        .iter()
        .filter(|(_, m)| m.avg_watch_s.is_none())
        .count();
    if no_watch > 0 {
        caveats.push(format!("{no_watch} of {} videos have no watch-time data (the Business API omits it for inactive videos; other sources do not report it).", videos.len()));
    }
    let imports = store.imports()?;
    let formats: Vec<&str> = imports
        .iter()
        .flat_map(|i| i.formats.split(','))
        .filter(|f| !f.is_empty())
        .collect();
    if formats.iter().any(|f| f.starts_with("studio-")) {
        caveats.push("TikTok Studio data lag about two days, the last day of an export may be partial, and the day boundary's time zone is not documented.".into());
    }
    if formats.contains(&"studio-content") {
        caveats.push("Studio's Content.csv lists only some videos (about 15), so it is not a count of posts.".into());
    }
    if formats.iter().any(|f| f.starts_with("research-")) {
        caveats.push(
            "Research API counts come from an archive and can lag the app by up to 10 days.".into(),
        );
    }
    if let Some(a) = &account {
        let s = summarise_account(a, &account_days, None, None);
        for gap in &s.missing_days {
            caveats.push(format!(
                "Account series gap: no data from {} to {}.",
                gap.from, gap.to
            ));
        }
        for (metric, ranges) in &s.missing_values {
            let list: Vec<String> = ranges
                .iter()
                .map(|r| {
                    if r.from == r.to {
                        r.from.to_string()
                    } else {
                        format!("{} to {}", r.from, r.to)
                    }
                })
                .collect();
            caveats.push(format!("`{metric}` not reported on {}.", list.join(", ")));
        }
    }
    if comments_held > 0 {
        // The platform's latest comment count of each video in scope.
        let platform: i64 = videos
            .iter()
            .filter_map(|(_, m)| m.comments.map(|p| p.value))
            .sum();
        caveats.push(format!(
            "Comments: {comments_held} held against {platform} reported by the platform; captures hold what was loaded, so the comment sample is partial (`uptake coverage`)."
        ));
    }
    if !store.has_observations()? {
        caveats.push("No per-video metrics were imported.".into());
    }

    let mut by_format: std::collections::BTreeMap<&str, (usize, i64, i64)> = Default::default();
    for i in &imports {
        for f in i.formats.split(',').filter(|f| !f.is_empty()) {
            let e = by_format.entry(f).or_insert((0, i64::MAX, i64::MIN));
            e.0 += 1;
            e.1 = e.1.min(i.imported_at);
            e.2 = e.2.max(i.imported_at);
        }
    }
    let sources: Vec<String> = by_format
        .into_iter()
        .map(|(f, (n, a, b))| {
            let (a, b) = (
                super::format_minute(a)[..10].to_string(),
                super::format_minute(b)[..10].to_string(),
            );
            format!(
                "{f} ({n} file{}, imported {})",
                if n == 1 { "" } else { "s" },
                if a == b { a } else { format!("{a} to {b}") }
            )
        })
        .collect();

    let campaign_info = match campaign {
        Some(name) => {
            let c = project.campaign(name)?;
            Some(CampaignInfo {
                name: c.name.clone(),
                output_title: c.output_title.clone(),
                doi: c.doi.clone(),
                link: c.link.clone(),
            })
        }
        None => None,
    };
    let synthetic = project.config.project.synthetic_data
        || project
            .account_handle()
            .is_some_and(|h| h.contains("synthetic"));
    Ok(build_report(&ReportInputs {
        project: project.config.project.name.clone(),
        synthetic,
        generated_at: super::format_time(chrono::Utc::now().timestamp()),
        software: format!("uptake {}", env!("CARGO_PKG_VERSION")),
        campaign: campaign_info,
        videos: &videos,
        views_series: Some(&views_series),
        approximate_views: Some(&approximate_views),
        account_days: &account_days,
        indicators: &indicators,
        caveats,
        sources,
        data_as_of,
        comments_held,
    }))
}

/// Comment-analysis counts for the videos in scope, when analysis has run.
fn signal_counts(
    counts: uptake_store::pages::CommentSignalCounts,
) -> Option<uptake_analysis::metrics::kmb::SignalCounts> {
    let mut schemes = counts.schemes.into_iter();
    let kmb = schemes.next().unwrap_or_default();
    let safety = schemes.next().unwrap_or_default();
    if kmb.analysed == 0 && safety.analysed == 0 {
        return None;
    }
    Some(uptake_analysis::metrics::kmb::SignalCounts {
        kmb_analysed: kmb.analysed.max(0) as u64,
        safety_analysed: safety.analysed.max(0) as u64,
        kmb: kmb
            .labels
            .into_iter()
            .map(|(l, n)| (l, n.max(0) as u64))
            .collect(),
        safety_flagged: safety
            .flagged_label_sets
            .into_iter()
            .map(|(labels, n)| (labels, n.max(0) as u64))
            .collect(),
        versions: Vec::new(),
    })
}

/// Runs `uptake report`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    if let Some(c) = &args.campaign {
        project.campaign(c)?;
    }
    let store = project.open_store()?;
    let data = report_data(&project, &store, args.campaign.as_deref())?;
    let markdown = match args.format.as_str() {
        "md" => Some(render_markdown_report(&data)?),
        _ => None,
    };
    let default = markdown
        .is_none()
        .then(|| project.root.join("uptake-report.html"));
    match (args.output.or(default), markdown) {
        (Some(path), markdown) => {
            let path = if path.is_absolute() {
                path
            } else {
                ctx.cwd.join(path)
            };
            let cannot = || format!("cannot write `{}`", path.display());
            let bytes = match markdown {
                Some(text) => {
                    std::fs::write(&path, &text).with_context(cannot)?;
                    text.len() as u64
                }
                None => {
                    // Rendered straight into the file: the whole report
                    // (116 MB for 100,000 videos) is never held in memory.
                    let file = std::fs::File::create(&path).with_context(cannot)?;
                    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
                    render_html_to(&data, &mut out)
                        .and_then(|()| out.flush())
                        .with_context(cannot)?;
                    out.get_ref().metadata().with_context(cannot)?.len()
                }
            };
            super::print(&format!(
                "wrote {} ({} KB){}\n",
                path.display(),
                bytes.div_ceil(1024),
                if data.synthetic {
                    "; SYNTHETIC example data"
                } else {
                    ""
                }
            ))
        }
        (None, Some(text)) => super::print(&text),
        // HTML always has a default path.
        (None, None) => super::print(&render_html(&data)),
    }
}
