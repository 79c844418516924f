//! Named per-video fields for `uptake stats`: dissemination metrics, video
//! attributes, campaigns and content-analysis codes, one value per video.
//!
//! A statistic asks for fields by name (`views`, `campaign`,
//! `discern.total`); this module resolves each name to a column over the
//! project's videos, numeric or categorical, with missing values kept as
//! missing (never zero). `uptake stats fields` prints the catalogue.

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use uptake_analysis::metrics::video::video_metrics;
use uptake_model::Count;

/// One column over the videos.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (counts, rates, scores).
    Numeric(Vec<Option<f64>>),
    /// Labels (campaign, creator type, a nominal code).
    Categorical(Vec<Option<String>>),
}

impl Column {
    /// Values as numbers, or an error saying the field is categorical.
    pub fn numeric(&self, name: &str) -> Result<&[Option<f64>]> {
        match self {
            Column::Numeric(v) => Ok(v),
            Column::Categorical(_) => bail!(
                "field `{name}` is categorical; this statistic needs a numeric field (see `uptake stats fields`)"
            ),
        }
    }

    /// Values as group labels: categorical values as they are, numbers
    /// written as numbers (a binary code `1`/`0`, a GQS score `4`).
    pub fn labels(&self) -> Vec<Option<String>> {
        match self {
            Column::Categorical(v) => v.clone(),
            Column::Numeric(v) => v.iter().map(|x| x.map(number_label)).collect(),
        }
    }
}

/// A number as a group label: `4` rather than `4.0`, other values as Rust
/// prints them (shortest form that reads back the same).
fn number_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Levenshtein distance, for "did you mean" (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// What a field is, for the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// The name used on the command line.
    pub name: String,
    /// `numeric` or `categorical`.
    pub kind: &'static str,
    /// Where it comes from, in words.
    pub about: String,
}

/// The project's videos as a table of named fields.
#[derive(Debug, Clone, Default)]
pub struct UnitTable {
    /// TikTok ids of the videos, one per row.
    pub unit_ids: Vec<String>,
    columns: BTreeMap<String, Column>,
    infos: Vec<FieldInfo>,
}

/// The metric fields: name, what it is, and how to read it from a video's
/// metrics. Names and formulas are those of docs/metrics.md.
type MetricGetter = fn(&uptake_analysis::metrics::video::VideoMetrics) -> Option<f64>;

fn count(c: Option<Count>) -> Option<f64> {
    c.map(|c| c.value as f64)
}

const METRICS: &[(&str, &str, MetricGetter)] = &[
    ("views", "views (latest observation)", |m| count(m.views)),
    ("reach", "unique viewers reached", |m| count(m.reach)),
    ("likes", "likes", |m| count(m.likes)),
    ("comments", "comments (platform count)", |m| {
        count(m.comments)
    }),
    ("shares", "shares", |m| count(m.shares)),
    ("saves", "saves", |m| count(m.saves)),
    (
        "new_followers",
        "new followers attributed to the video",
        |m| count(m.new_followers),
    ),
    (
        "engagement_rate_views",
        "(likes + comments + shares) / views",
        |m| m.engagement_rate_views,
    ),
    (
        "engagement_rate_reach",
        "(likes + comments + shares) / reach",
        |m| m.engagement_rate_reach,
    ),
    ("like_rate", "likes / views", |m| m.like_rate),
    ("comment_rate", "comments / views", |m| m.comment_rate),
    ("share_rate", "shares / views", |m| m.share_rate),
    ("save_rate", "saves / views", |m| m.save_rate),
    ("avg_watch_s", "average watch time per view, seconds", |m| {
        m.avg_watch_s
    }),
    ("avg_watch_ratio", "avg_watch_s / duration_s", |m| {
        m.avg_watch_ratio
    }),
    (
        "full_watch_rate",
        "fraction of views watched to the end",
        |m| m.full_watch_rate,
    ),
    (
        "for_you_share",
        "fraction of views from the For You feed",
        |m| m.for_you_share,
    ),
];

impl UnitTable {
    /// Builds the table from the videos' latest metrics and the project's
    /// campaigns (`campaign` is the campaign's name, `several` when a video
    /// belongs to more than one, missing when to none).
    pub fn from_videos(
        latest: &[uptake_store::LatestMetrics],
        campaigns: &[crate::project::Campaign],
    ) -> UnitTable {
        let mut table = UnitTable {
            unit_ids: latest.iter().map(|l| l.video.platform_id.clone()).collect(),
            ..UnitTable::default()
        };
        let metrics: Vec<_> = latest
            .iter()
            .map(|l| video_metrics(&l.video, &l.metrics))
            .collect();
        for (name, about, get) in METRICS {
            table.insert(
                name,
                about,
                Column::Numeric(metrics.iter().map(get).collect()),
            );
        }
        table.insert(
            "duration_s",
            "video length, seconds",
            Column::Numeric(latest.iter().map(|l| l.video.duration_s).collect()),
        );
        let posted: Vec<Option<chrono::NaiveDate>> = latest
            .iter()
            .map(|l| {
                l.video.posted_on.or_else(|| {
                    l.video
                        .created_at
                        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                        .map(|d| d.date_naive())
                })
            })
            .collect();
        table.insert(
            "posted_year",
            "year posted",
            Column::Categorical(
                posted
                    .iter()
                    .map(|d| d.map(|d| d.format("%Y").to_string()))
                    .collect(),
            ),
        );
        table.insert(
            "posted_month",
            "month posted (YYYY-MM)",
            Column::Categorical(
                posted
                    .iter()
                    .map(|d| d.map(|d| d.format("%Y-%m").to_string()))
                    .collect(),
            ),
        );
        let campaign_of = latest
            .iter()
            .map(|l| {
                let names: Vec<&str> = campaigns
                    .iter()
                    .filter(|c| c.videos.contains(&l.video.platform_id))
                    .map(|c| c.name.as_str())
                    .collect();
                match names.as_slice() {
                    [] => None,
                    [one] => Some(one.to_string()),
                    _ => Some("several".to_string()),
                }
            })
            .collect();
        table.insert(
            "campaign",
            "the campaign the video belongs to (`several` if more than one)",
            Column::Categorical(campaign_of),
        );
        table
    }

    /// Adds a column (replacing one of the same name).
    pub fn insert(&mut self, name: &str, about: &str, column: Column) {
        let kind = match column {
            Column::Numeric(_) => "numeric",
            Column::Categorical(_) => "categorical",
        };
        self.infos.retain(|i| i.name != name);
        self.infos.push(FieldInfo {
            name: name.to_string(),
            kind,
            about: about.to_string(),
        });
        self.columns.insert(name.to_string(), column);
    }

    /// The column called `name`, or an error listing close names.
    pub fn get(&self, name: &str) -> Result<&Column> {
        if let Some(c) = self.columns.get(name) {
            return Ok(c);
        }
        let close: Vec<&str> = self
            .infos
            .iter()
            .map(|i| i.name.as_str())
            .filter(|n| n.contains(name) || name.contains(*n) || edit_distance(n, name) <= 2)
            .take(8)
            .collect();
        if close.is_empty() {
            bail!("no field `{name}`; `uptake stats fields` lists the fields of this project")
        }
        bail!(
            "no field `{name}`; did you mean {}? (`uptake stats fields` lists them all)",
            close
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// Every field, in the order added.
    pub fn fields(&self) -> &[FieldInfo] {
        &self.infos
    }

    /// Rows (videos).
    pub fn len(&self) -> usize {
        self.unit_ids.len()
    }
}

/// Adds the final codes of every stored codebook that has final codes for
/// videos: `CODEBOOK.ITEM` for each item (ordinal and numeric items as
/// numbers; binary items as `yes`/`no` and nominal items as their level, both
/// categorical; text items are left out) and `CODEBOOK.SCORE` for each
/// instrument score, computed from the final codes with the codebook's
/// scoring rules (missing when a score cannot be computed for a video).
pub fn add_codes(
    table: &mut UnitTable,
    store: &uptake_store::Store,
    latest: &[uptake_store::LatestMetrics],
) -> Result<()> {
    use uptake_coding::codebook::{Codebook, ItemKind, ScoreOutcome};
    let row_of: std::collections::HashMap<&str, usize> = latest
        .iter()
        .enumerate()
        .map(|(i, l)| (l.video.platform_id.as_str(), i))
        .collect();
    let mut newest: BTreeMap<String, uptake_store::StoredCodebook> = BTreeMap::new();
    for c in store.stored_codebooks()? {
        // Listed oldest first, so the last of a name is its newest version.
        newest.insert(c.name.clone(), c);
    }
    // Bare names (`creator_type`) for codes whose item or score id is
    // unique across codebooks and clashes with no other field.
    let mut bare: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for stored in newest.values() {
        let by_unit = store.final_codes_by_unit(stored.id)?;
        if !by_unit.iter().any(|((kind, _), _)| kind == "video") {
            continue;
        }
        let codebook =
            Codebook::parse(&stored.toml, &format!("stored codebook `{}`", stored.name))?;
        for item in &codebook.items {
            let numeric = matches!(
                item.kind,
                ItemKind::Ordinal { .. } | ItemKind::Numeric { .. }
            );
            if matches!(item.kind, ItemKind::Text) {
                continue;
            }
            let mut nums = vec![None; latest.len()];
            let mut labels = vec![None; latest.len()];
            for ((kind, id), codes) in &by_unit {
                let (Some(&row), Some(code)) = (row_of.get(id.as_str()), codes.get(&item.id))
                else {
                    continue;
                };
                if kind != "video" || code.text == "NA" {
                    continue;
                }
                nums[row] = code.number;
                labels[row] = Some(code.text.clone());
            }
            let name = format!("{}.{}", codebook.name, item.id);
            bare.entry(item.id.clone()).or_default().push(name.clone());
            let about = format!("code: {}", item.prompt);
            table.insert(
                &name,
                &about,
                if numeric {
                    Column::Numeric(nums)
                } else {
                    Column::Categorical(labels)
                },
            );
        }
        let mut scores: BTreeMap<String, Vec<Option<f64>>> = codebook
            .scores
            .iter()
            .map(|s| (s.id.clone(), vec![None; latest.len()]))
            .collect();
        for ((kind, id), codes) in &by_unit {
            let Some(&row) = row_of.get(id.as_str()) else {
                continue;
            };
            if kind != "video" {
                continue;
            }
            let values = codebook.values_from_texts(
                codes
                    .iter()
                    .map(|(item, code)| (item.as_str(), code.text.as_str())),
            )?;
            for result in codebook.score(&values) {
                if let (ScoreOutcome::Value(v), Some(column)) =
                    (result.outcome, scores.get_mut(&result.id))
                {
                    column[row] = Some(v);
                }
            }
        }
        for score in &codebook.scores {
            if let Some(values) = scores.remove(&score.id) {
                bare.entry(score.id.clone())
                    .or_default()
                    .push(format!("{}.{}", codebook.name, score.id));
                table.insert(
                    &format!("{}.{}", codebook.name, score.id),
                    &format!("score: {}", score.label),
                    Column::Numeric(values),
                );
            }
        }
    }
    for (short, full) in bare {
        if let ([full], false) = (full.as_slice(), table.columns.contains_key(&short)) {
            if let Some(column) = table.columns.get(full).cloned() {
                table.insert(&short, &format!("same as `{full}`"), column);
            }
        }
    }
    Ok(())
}
