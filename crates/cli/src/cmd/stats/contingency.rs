//! `uptake stats crosstab`: a contingency table of two fields with the
//! chi-square test, Cramér's V and Fisher's exact test (Freeman-Halton
//! beyond 2×2), and the table of those tests that `--tests` prints.

use super::exact;
use crate::fields::UnitTable;
use crate::stats_table::{StatsTable, Val};
use anyhow::{bail, Context as _, Result};
use uptake_stats::compare::Alternative;
use uptake_stats::crosstab;

/// A contingency table of two fields with its tests in the notes, or (with
/// `tests`) the tests themselves as the table.
pub(super) fn crosstab_table(
    units: &UnitTable,
    row_field: &str,
    col_field: &str,
    yates: bool,
    tests: bool,
) -> Result<StatsTable> {
    let rows = units.get(row_field)?.labels();
    let cols = units.get(col_field)?.labels();
    // Levels come from the complete pairs only: a level seen only beside a
    // missing value would be an empty row or column, which leaves the test
    // undefined, and missing values are left out of every statistic.
    let complete = || {
        rows.iter()
            .zip(&cols)
            .filter_map(|(r, c)| Some((r.as_ref()?, c.as_ref()?)))
    };
    let mut row_levels: Vec<String> = complete().map(|(r, _)| r.clone()).collect();
    let mut col_levels: Vec<String> = complete().map(|(_, c)| c.clone()).collect();
    row_levels.sort();
    row_levels.dedup();
    col_levels.sort();
    col_levels.dedup();
    let mut counts = vec![vec![0u64; col_levels.len()]; row_levels.len()];
    let mut left_out = 0;
    for (r, c) in rows.iter().zip(&cols) {
        match (r, c) {
            (Some(r), Some(c)) => {
                let (Ok(i), Ok(j)) = (row_levels.binary_search(r), col_levels.binary_search(c))
                else {
                    continue;
                };
                counts[i][j] += 1;
            }
            _ => left_out += 1,
        }
    }
    let mut header: Vec<(String, String)> = vec![(row_field.to_string(), row_field.to_string())];
    for c in &col_levels {
        header.push((c.clone(), format!("{col_field}={c}")));
    }
    header.push(("Total".into(), "total".into()));
    let header_refs: Vec<(&str, &str)> = header
        .iter()
        .map(|(h, k)| (h.as_str(), k.as_str()))
        .collect();
    let mut t = StatsTable::new(&header_refs);
    for (level, row) in row_levels.iter().zip(&counts) {
        let mut cells = vec![Val::Text(level.clone())];
        cells.extend(row.iter().map(|&n| Val::Int(n as i64)));
        cells.push(Val::Int(row.iter().sum::<u64>() as i64));
        t.push(cells);
    }
    if row_levels.is_empty() || col_levels.is_empty() {
        bail!("no video has both `{row_field}` and `{col_field}`; `uptake stats describe` or `uptake stats fields` shows what is filled in");
    }
    let chi = crosstab::chi_square(&counts, yates)
        .with_context(|| format!("chi-square test of `{row_field}` by `{col_field}`"))?;
    let mut tested = tests_table();
    tested.push(vec![
        Val::Text(
            if chi.yates {
                "chi-square (Yates-corrected)"
            } else {
                "chi-square"
            }
            .into(),
        ),
        Val::Stat(chi.chi2, 2),
        Val::Stat(chi.df as f64, 0),
        Val::None,
        Val::Int(chi.n as i64),
        Val::P(chi.p),
        Val::Text("Cramér's V (uncorrected chi-square)".into()),
        chi.cramers_v.map_or(Val::None, Val::Bounded),
        Val::None,
    ]);
    t.notes.push(format!(
        "chi²({}, N = {}) = {}, {}{}; Cramér's V = {}{}.",
        chi.df,
        chi.n,
        uptake_report::apa::number(chi.chi2, 2),
        uptake_report::apa::p_value(chi.p),
        if chi.yates { " (Yates-corrected)" } else { "" },
        chi.cramers_v
            .map_or("n/a".to_string(), |v| uptake_report::apa::bounded(v, 2)),
        // As scipy's `association`: V is never corrected.
        if chi.yates {
            " (from the uncorrected chi²)"
        } else {
            ""
        },
    ));
    if chi.cells_expected_below_5 > 0 {
        t.notes.push(format!(
            "{} cells have an expected count under 5 (smallest {:.2}): the chi-square approximation is doubtful; read the exact test below.",
            chi.cells_expected_below_5,
            chi.min_expected,
        ));
    }
    if chi.shape == (2, 2) {
        let f = crosstab::fisher_exact(&counts, Alternative::TwoSided)
            .with_context(|| "Fisher's exact test")?;
        t.notes.push(format!(
            "Fisher's exact test (two-sided): {}, sample odds ratio = {}.",
            uptake_report::apa::p_value(f.p),
            uptake_report::apa::number(f.odds_ratio, 2)
        ));
        tested.push(vec![
            Val::Text("Fisher's exact (two-sided)".into()),
            Val::None,
            Val::None,
            Val::None,
            Val::Int(chi.n as i64),
            Val::P(f.p),
            Val::Text("sample odds ratio".into()),
            Val::Stat(f.odds_ratio, 2),
            Val::None,
        ]);
    } else if chi.shape.0 > 1 && chi.shape.1 > 1 {
        let larger = exact::larger_table(&counts, chi.n);
        t.notes.push(larger.note.clone());
        tested.push(vec![
            Val::Text(larger.test.into()),
            Val::None,
            Val::None,
            Val::None,
            Val::Int(chi.n as i64),
            larger.p.map_or(Val::None, Val::P),
            Val::None,
            Val::None,
            Val::Text(larger.note),
        ]);
    }
    if left_out > 0 {
        let note =
            format!("{left_out} videos missing `{row_field}` or `{col_field}` are left out.");
        t.notes.push(note.clone());
        tested.notes.push(note);
    }
    if tests {
        tested
            .notes
            .insert(0, format!("`{row_field}` by `{col_field}`."));
        return Ok(tested);
    }
    Ok(t)
}

/// The table `--tests` prints: one row per test, with its effect size.
pub(super) fn tests_table() -> StatsTable {
    StatsTable::new(&[
        ("Test", "test"),
        ("Statistic", "statistic"),
        ("df", "df"),
        ("df2", "df2"),
        ("N", "n"),
        ("p", "p"),
        ("Effect size", "effect"),
        ("Value", "effect_value"),
        ("Note", "note"),
    ])
    .text_column(6)
    .text_column(8)
}
