//! Everything the HTML report shows, computed before rendering.

use crate::Table;

/// A research output a campaign disseminates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignInfo {
    /// Campaign name.
    pub name: String,
    /// Title of the research output (paper, report).
    pub output_title: Option<String>,
    /// Its DOI (`10.2196/30315`).
    pub doi: Option<String>,
    /// A link to it.
    pub link: Option<String>,
}

/// One point of a series over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// x: days (or hours) as the series defines.
    pub x: f64,
    /// y value.
    pub y: f64,
    /// True when the point is interpolated between real observations.
    pub interpolated: bool,
}

/// A named series for a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label (untrusted text: escape).
    pub label: String,
    /// Points in x order.
    pub points: Vec<Point>,
}

/// The median of the videos' views at one age after posting (the growth
/// chart's median line).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianPoint {
    /// The age, in days since posting.
    pub day: f64,
    /// The median of the videos' views at that age.
    pub views: f64,
    /// How many videos have a value at that age (the median's n).
    pub videos: usize,
    /// True when the previous age of the grid has a median of the same
    /// videos: the line joins the two; otherwise it breaks before this
    /// point (a change of videos moves the median without any video
    /// growing).
    pub joined: bool,
}

/// The numbers of the growth chart ("views since posting"), computed by
/// [`crate::html::growth_curves`] from real observations only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GrowthCurves {
    /// The most-viewed videos' observations (at most
    /// [`crate::html::MAX_CURVES`], most-viewed first): x = days since the
    /// exact posting time, y = views observed then. The posting time is not
    /// an observation, so a curve starts at its first real observation.
    pub curves: Vec<Series>,
    /// Videos with at least one view count observed at or after an exact
    /// posting time: those drawn and those left out to keep the chart
    /// readable.
    pub with_curve: usize,
    /// Videos whose posting time is known only as a date, or not at all:
    /// no age can be computed for them (as in the table of views at fixed
    /// ages).
    pub no_posting_time: usize,
    /// Videos with an exact posting time but no view count observed since.
    pub no_views: usize,
    /// The median at each age of the grid where at least
    /// [`crate::html::MIN_FOR_MEDIAN`] videos have a value by
    /// `views_at_age`, the rule of the table of views at fixed ages.
    pub median: Vec<MedianPoint>,
}

/// One dated value of the account series (`None` = not reported: a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyValue {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The value.
    pub value: Option<f64>,
}

/// One KMb indicator row of the indicator panel.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// Stage: Reach, Engagement, Exchange, Usefulness, Intention, Action, Harms.
    pub stage: String,
    /// Indicator name as in docs/kmb-framework.md (`share_rate`).
    pub name: String,
    /// The value as shown (`2.4%`), or `None` = not measured.
    pub value: Option<String>,
    /// The same value, typed (a count, a fraction, seconds, or missing when
    /// not measured), for CSV and JSON exports, which carry numbers.
    pub cell: crate::Cell,
    /// Formula.
    pub formula: String,
    /// What it means for knowledge mobilisation, in a sentence.
    pub meaning: String,
    /// When not measured: what data would measure it.
    pub needs: Option<String>,
}

/// Everything the report renders. All strings are untrusted and escaped by
/// the renderer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportData {
    /// Project name.
    pub project: String,
    /// True when the data are synthetic: the report says so prominently.
    pub synthetic: bool,
    /// When the report was made (`YYYY-MM-DD HH:MM UTC`).
    pub generated_at: String,
    /// `uptake x.y.z`.
    pub software: String,
    /// The campaign the report is scoped to, if any.
    pub campaign: Option<CampaignInfo>,
    /// Plain-language summary sentences for partners and funders.
    pub summary: Vec<String>,
    /// The paper-style video table.
    pub video_table: Table,
    /// Daily account views (for the growth chart).
    pub account_views: Vec<DailyValue>,
    /// Daily follower totals.
    pub account_followers: Vec<DailyValue>,
    /// The growth chart: views by days since posting, from real
    /// observations only.
    pub growth_curves: GrowthCurves,
    /// Views at 24 h, 7 d and 30 d after posting, per video (interpolated
    /// values marked).
    pub growth_table: Table,
    /// Traffic sources pooled over videos (label, fraction of views).
    pub traffic_sources: Vec<(String, f64)>,
    /// Audience territories pooled over videos (label, fraction).
    pub territories: Vec<(String, f64)>,
    /// The KMb indicator panel.
    pub indicators: Vec<IndicatorRow>,
    /// Data coverage and caveats, one sentence each.
    pub caveats: Vec<String>,
    /// A methods paragraph ready to paste into a paper.
    pub methods: String,
}
