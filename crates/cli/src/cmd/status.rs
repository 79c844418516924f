//! `uptake status`: what the project holds.

use super::Ctx;
use anyhow::Result;
use uptake_report::{Cell, Column, Table};

/// List imports, counts, date coverage and warnings.
///
/// Examples:
///   uptake status
///   uptake status --warnings     (every warning, not just the first ten)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Show every warning.
    #[arg(long)]
    pub warnings: bool,
}

/// Runs `uptake status`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let summary = store.summary()?;
    // Fails loudly if the pseudonymisation key is missing or damaged.
    project.secret()?;
    let mut out = String::new();
    if project.config.project.synthetic_data {
        out.push_str(&format!("{}\n\n", super::SYNTHETIC_NOTICE));
    }
    out.push_str(&format!(
        "project `{}` in {}\ndatabase {} (schema {})\n\n",
        project.config.project.name,
        project.root.display(),
        store.path().display(),
        store.schema_version()?
    ));
    let imports = store.imports()?;
    let table = Table {
        columns: vec![
            Column::number("#", "id"),
            Column::text("Imported", "imported_at", 20),
            Column::text("File", "file", 48),
            Column::text("Formats", "formats", 40),
            Column::number("Records", "items"),
            Column::number("New videos", "videos"),
            Column::number("Observations", "observations"),
            Column::number("Account days", "account_days"),
            Column::number("Warnings", "warnings"),
        ],
        rows: imports
            .iter()
            .map(|i| {
                vec![
                    Cell::Count(i.id),
                    Cell::Text(super::format_time(i.imported_at)),
                    Cell::Text(
                        i.file_name
                            .rsplit('/')
                            .next()
                            .unwrap_or(&i.file_name)
                            .to_string(),
                    ),
                    Cell::Text(i.formats.replace(',', ", ")),
                    Cell::Count(i.items),
                    Cell::Count(i.videos),
                    Cell::Count(i.observations),
                    Cell::Count(i.account_days),
                    Cell::Count(i.warnings),
                ]
            })
            .collect(),
        summary: Vec::new(),
        notes: Vec::new(),
    };
    if imports.is_empty() {
        out.push_str("no imports yet: `uptake import PATH...`\n");
    } else {
        out.push_str(&uptake_report::render::render_text(&table));
    }
    out.push_str(&format!(
        "\n{} videos, {} observations",
        summary.videos, summary.observations
    ));
    if let Some((a, b)) = summary.observed {
        out.push_str(&format!(
            " (observed {} to {})",
            super::format_time(a),
            super::format_time(b)
        ));
    }
    out.push('\n');
    for (account, first, last, n) in &summary.account_series {
        out.push_str(&format!(
            "account `{account}`: daily series {first} to {last}, {n} days (gaps: `uptake account`)\n"
        ));
    }
    if summary.comments > 0 {
        out.push_str(&format!(
            "{} comments from {} pseudonymous commenters (`uptake comments`, `uptake coverage`)\n",
            summary.comments, summary.commenters
        ));
    }
    out.push_str(&format!(
        "{} audience snapshots, {} raw records kept\n",
        summary.audience_snapshots, summary.raw_records
    ));
    let warnings = store.warnings()?;
    if !warnings.is_empty() {
        let noun = if warnings.len() == 1 {
            "warning"
        } else {
            "warnings"
        };
        out.push_str(&format!("\n{} {noun}:\n", warnings.len()));
        let shown = if args.warnings { warnings.len() } else { 10 };
        for w in warnings.iter().take(shown) {
            let text = crate::terminal::safe(&format!("{}: {}", w.location, w.message));
            out.push_str(&format!("  import #{}: {text}\n", w.import_id));
        }
        if warnings.len() > shown {
            out.push_str(&format!(
                "  … {} more: `uptake status --warnings`\n",
                warnings.len() - shown
            ));
        }
    }
    super::print(&out)
}
