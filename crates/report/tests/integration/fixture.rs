//! A realistic [`ReportData`] built by hand (no store needed): 13 videos,
//! account series with gaps, growth curves from observations (one video with
//! only a posting date), shares, indicators, and hostile strings where the
//! internet puts them.

use uptake_report::html::{
    growth_curves, CampaignInfo, CurveInput, DailyValue, IndicatorRow, ReportData,
};
use uptake_report::{Cell, Column, Table};

/// Marks the page if an injected handler ever runs.
pub const PWN: &str = "document.body.setAttribute('data-pwned','1')";

/// A caption that tries to open a script and an image with an error handler.
pub fn hostile_caption() -> String {
    format!("Vaccines & you <script>{PWN}</script>\"><img src=x onerror=\"{PWN}\">")
}

/// A project name that tries to break out of the `<title>` and a heading.
pub fn hostile_project() -> String {
    format!("Clinic </title><script>{PWN}</script> \"Été\" & co")
}

/// A deterministic pseudo-random sequence (no dependency, same every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn columns() -> Vec<Column> {
    let mut c = vec![
        Column::text("Posted", "posted", 10),
        Column::text("Title", "title", 36),
    ];
    for (h, k) in [
        ("Views", "views"),
        ("Likes", "likes"),
        ("Comments", "comments"),
        ("Shares", "shares"),
        ("Saves", "saves"),
        ("Eng. rate", "engagement_rate_views"),
        ("Share rate", "share_rate"),
        ("Save rate", "save_rate"),
        ("Avg watch", "avg_watch_s"),
        ("Full watch", "full_watch_rate"),
        ("For You", "for_you_share"),
    ] {
        c.push(Column::number(h, k));
    }
    c.push(Column::text("Top territory", "top_territory", 14));
    c
}

/// `videos` videos with `points` observations each.
pub fn report(videos: usize, points: usize) -> ReportData {
    let mut rng = Lcg(42);
    let mut rows = Vec::with_capacity(videos);
    let mut growth_rows = Vec::with_capacity(videos);
    let mut curves = Vec::with_capacity(videos);
    for i in 0..videos {
        let views = (500.0 + rng.next() * 50_000.0).round();
        let likes = (views * (0.02 + rng.next() * 0.08)).round();
        let comments = (views * rng.next() * 0.01).round();
        let shares = (views * rng.next() * 0.02).round();
        let saves = (views * rng.next() * 0.02).round();
        let title = if i == 3 {
            hostile_caption()
        } else {
            format!(
                "Video {}: what the study found about sleep and screens",
                i + 1
            )
        };
        rows.push(vec![
            Cell::Text(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
            Cell::Text(title.clone()),
            if i == 5 {
                Cell::ApproxCount(1200)
            } else {
                Cell::Count(views as i64)
            },
            Cell::Count(likes as i64),
            if i == 7 {
                Cell::Missing
            } else {
                Cell::Count(comments as i64)
            },
            Cell::Count(shares as i64),
            Cell::Count(saves as i64),
            Cell::Percent((likes + comments + shares) / views, 1),
            Cell::Percent(shares / views, 1),
            Cell::Percent(saves / views, 1),
            if i % 4 == 0 {
                Cell::Missing
            } else {
                Cell::Seconds(5.0 + rng.next() * 20.0)
            },
            Cell::Percent(rng.next() * 0.3, 1),
            Cell::Percent(0.6 + rng.next() * 0.35, 1),
            Cell::Text(format!("CA {:.0}%", 40.0 + rng.next() * 50.0)),
        ]);
        growth_rows.push(vec![
            Cell::Text(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
            Cell::Text(title.clone()),
            Cell::Count((views * 0.3) as i64),
            Cell::Text(format!("{}*", (views * 0.8) as i64)),
            if i % 3 == 0 {
                Cell::Missing
            } else {
                Cell::Count(views as i64)
            },
        ]);
        let mut y = 0.0;
        let posted = 1_704_067_200 + i as i64 * 86_400;
        let obs: Vec<(i64, i64)> = (0..points as i64)
            .map(|d| {
                y += views / points as f64 * (0.5 + rng.next());
                (posted + (1 + 2 * d) * 86_400, y.round() as i64)
            })
            .collect();
        // The 12th video's posting time is known only as a date: no curve.
        curves.push((title, (i != 11).then_some(posted), obs));
    }
    let inputs: Vec<CurveInput<'_>> = curves
        .iter()
        .map(|(label, posted_at, obs)| CurveInput {
            label,
            posted_at: *posted_at,
            observations: obs,
        })
        .collect();
    let growth = growth_curves(&inputs);
    let summary = vec![
        {
            let mut r = vec![
                Cell::Text("Total".into()),
                Cell::Text(format!("n = {videos}")),
            ];
            r.extend((0..12).map(|_| Cell::Missing));
            r
        },
        {
            let mut r = vec![
                Cell::Text("Median".into()),
                Cell::Text(format!("n = {videos}")),
            ];
            r.extend((0..12).map(|_| Cell::Number(1.5, 1)));
            r
        },
    ];
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let days = 120;
    let account_views = (0..days)
        .filter(|d| !(40..44).contains(d)) // rows missing from the export
        .map(|d| DailyValue {
            date: (start + chrono::TimeDelta::days(d)).to_string(),
            value: if d == 70 || d == days - 1 {
                None
            } else {
                Some((200.0 + 800.0 * rng.next()).round())
            },
        })
        .collect();
    let mut followers = 1000.0;
    let account_followers = (0..days)
        .map(|d| {
            followers += (rng.next() * 12.0).round();
            DailyValue {
                date: (start + chrono::TimeDelta::days(d)).to_string(),
                value: if (50..53).contains(&d) {
                    None
                } else {
                    Some(followers)
                },
            }
        })
        .collect();
    ReportData {
        project: hostile_project(),
        synthetic: true,
        generated_at: "2025-01-15 10:00 UTC".into(),
        software: "uptake 0.1.0".into(),
        campaign: Some(CampaignInfo {
            name: "Sleep & screens <2024>".into(),
            output_title: Some("Screen time and sleep in adolescents: a cohort study".into()),
            doi: Some("10.2196/30315".into()),
            link: Some("javascript:alert(1)".into()),
        }),
        summary: vec![
            format!("{videos} videos were viewed 312,400 times in total."),
            "The median video kept viewers for 11.2 s; 18% watched to the end.".into(),
            "Most views (81%) came from the For You feed, i.e. from people who did not follow the account.".into(),
        ],
        video_table: Table {
            columns: columns(),
            rows,
            summary,
            notes: vec![
                "- = not reported (never 0); `uptake videos --as-of DATE` for an earlier state.".into(),
                "~ = approximate.".into(),
            ],
        },
        account_views,
        account_followers,
        growth_curves: growth,
        growth_table: Table {
            columns: vec![
                Column::text("Posted", "posted", 10),
                Column::text("Title", "title", 36),
                Column::number("Views at 24 h", "views_24h"),
                Column::number("Views at 7 d", "views_7d"),
                Column::number("Views at 30 d", "views_30d"),
            ],
            rows: growth_rows,
            summary: Vec::new(),
            notes: vec![uptake_report::kmb_report::INTERPOLATED_NOTE.into()],
        },
        traffic_sources: vec![
            ("For You".into(), 0.81),
            ("Personal profile".into(), 0.08),
            ("Search".into(), 0.05),
            ("Following".into(), 0.04),
            ("Sound".into(), 0.02),
        ],
        territories: (0..14)
            .map(|i| (format!("Territory {i}"), 0.5 / (i + 1) as f64))
            .chain([("<img src=x onerror=alert(1)>".to_string(), 0.001)])
            .collect(),
        indicators: vec![
            IndicatorRow {
                stage: "Reach".into(),
                name: "views".into(),
                value: Some("312,400".into()),
                cell: Cell::Count(312_400),
                formula: "Σ views".into(),
                meaning: "How often the research was put in front of someone.".into(),
                needs: None,
            },
            IndicatorRow {
                stage: "Engagement".into(),
                name: "share_rate".into(),
                value: Some("1.2%".into()),
                cell: Cell::Percent(0.012, 1),
                formula: "shares / views".into(),
                meaning: "Viewers passing the research on.".into(),
                needs: None,
            },
            IndicatorRow {
                stage: "Usefulness".into(),
                name: "self_reported_usefulness".into(),
                value: None,
                cell: Cell::Missing,
                formula: "useful responses / responses".into(),
                meaning: "Whether the audience found it useful.".into(),
                needs: Some("a partner survey (`uptake import survey.csv`)".into()),
            },
        ],
        caveats: vec![
            "Views are counted after a very short play.".into(),
            format!("One caption contained markup: {}", hostile_caption()),
        ],
        methods: "We posted 13 videos.\n\nMetrics were exported from TikTok Studio (see https://doi.org/10.2196/30315).".into(),
    }
}
