//! `uptake account` and `uptake status` on the example project.

use super::Sandbox;

#[test]
fn account_summary_names_growth_and_gaps() {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    let out = sb.run_in("p", &["account"]).ok().stdout;
    assert!(out.contains("2025-11-01"), "{out}");
    assert!(out.contains("2026-02-17"), "{out}");
    assert!(out.contains("Net follower growth"), "{out}");
    // The second Overview export's last row is `undefined` (partial day).
    assert!(
        out.contains("`video_views` not reported on: 2026-02-17"),
        "{out}"
    );
    assert!(out.contains("SYNTHETIC"), "{out}");
    // The follower history starts later than the window: the growth says
    // over which days, and the days without totals are listed (review,
    // 2026-11-28: 'Net follower growth 733' read as the whole window's).
    assert!(
        out.contains("Net follower growth (2025-12-20 to 2026-02-17)"),
        "{out}"
    );
    assert!(
        out.contains("`followers` not reported on: 2025-11-01 to 2025-12-19 (49 days)."),
        "{out}"
    );
}

#[test]
fn account_daily_recomputes_follower_change() {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    let csv = sb
        .run_in("p", &["account", "--daily", "--format", "csv"])
        .ok()
        .stdout;
    let header = csv.lines().next().unwrap_or("");
    assert!(header.contains("follower_change"), "{header}");
    assert_eq!(
        csv.lines().count(),
        1 + 109,
        "109 days from 2025-11-01 to 2026-02-17:\n{csv}"
    );
    // Check the recomputation on the file itself: change = followers[d] - followers[d-1].
    let cols: Vec<&str> = header.split(',').collect();
    let fi = cols.iter().position(|c| *c == "followers").unwrap_or(0);
    let ci = cols
        .iter()
        .position(|c| *c == "follower_change")
        .unwrap_or(0);
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut checked = 0;
    for w in rows.windows(2) {
        if let (Ok(a), Ok(b), Ok(c)) = (
            w[0][fi].parse::<i64>(),
            w[1][fi].parse::<i64>(),
            w[1][ci].parse::<i64>(),
        ) {
            assert_eq!(c, b - a);
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn status_lists_imports_coverage_and_warnings() {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    let out = sb.run_in("p", &["status"]).ok().stdout;
    assert!(out.starts_with("SYNTHETIC"), "{out}");
    assert!(out.contains("Overview_2025-11-01"), "{out}");
    assert!(out.contains("13 videos"), "{out}");
    assert!(
        out.contains("account `synthetic_kmb_lab`: daily series 2025-11-01 to 2026-02-17"),
        "{out}"
    );
}

#[test]
fn account_without_data_says_what_to_import() {
    let sb = Sandbox::new();
    sb.project();
    let run = sb.run_in("p", &["account"]).fails_with(1);
    assert!(
        run.stderr.contains("no daily account data yet"),
        "{}",
        run.stderr
    );
}
