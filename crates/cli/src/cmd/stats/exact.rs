//! The exact test of a crosstab larger than 2×2, for the note under the
//! table and the table of tests.

use uptake_stats::crosstab;

/// Tables drawn by the Monte Carlo exact test of a table too large to
/// enumerate (R's `fisher.test` draws 2,000 by default; 10,000 give a
/// standard error below 0.005).
const MONTE_CARLO_TABLES: usize = 10_000;

/// Seed of that test, fixed so that a report is reproducible.
const MONTE_CARLO_SEED: u64 = 1;

/// Largest total the Monte Carlo test is run for: each table shuffles every
/// unit (10,000 units × 10,000 tables took 0.66 s in a release build);
/// beyond this the chi-square approximation is good unless cells are
/// sparse, which its note reports.
const MONTE_CARLO_MAX_N: u64 = 30_000;

/// The note on the exact test of a table larger than 2×2 ([`larger_table`]).
#[cfg(test)]
pub(super) fn larger_table_note(counts: &[Vec<u64>], n: u64) -> String {
    larger_table(counts, n).note
}

/// The exact test of a table larger than 2×2, as it was done.
pub(super) struct LargerExact {
    /// Which test: the enumeration, the Monte Carlo estimate, or none.
    pub test: &'static str,
    /// Its p-value, when one was computed.
    pub p: Option<f64>,
    /// The sentence for the notes.
    pub note: String,
}

/// The exact test of a table larger than 2×2: by enumeration where it can
/// be done, else by Monte Carlo (as R's `fisher.test(simulate.p.value =
/// TRUE)`, with a fixed seed so that the result is reproducible), else
/// none, with a pointer to the chi-square test.
pub(super) fn larger_table(counts: &[Vec<u64>], n: u64) -> LargerExact {
    let exact = match crosstab::fisher_freeman_halton(counts) {
        Ok(f) => {
            return LargerExact {
                test: "Fisher-Freeman-Halton exact",
                p: Some(f.p),
                note: format!(
                    "Fisher-Freeman-Halton exact test: {}.",
                    uptake_report::apa::p_value(f.p)
                ),
            }
        }
        Err(exact) => exact,
    };
    let none = |note: String| LargerExact {
        test: "no exact test",
        p: None,
        note,
    };
    if n > MONTE_CARLO_MAX_N {
        return none(format!(
            "No exact test: {exact}; with N = {n} the chi-square test above applies (read its expected-count note)."
        ));
    }
    match crosstab::fisher_freeman_halton_monte_carlo(counts, MONTE_CARLO_TABLES, MONTE_CARLO_SEED)
    {
        Ok(f) => LargerExact {
            test: "Fisher-Freeman-Halton Monte Carlo",
            p: Some(f.p),
            note: format!(
                "Fisher-Freeman-Halton test by Monte Carlo ({} tables with the observed margins, seed {}): {} (Monte Carlo standard error {}); the exact enumeration was not possible: {exact}.",
                MONTE_CARLO_TABLES,
                MONTE_CARLO_SEED,
                uptake_report::apa::p_value(f.p),
                uptake_report::apa::number(f.standard_error, 4)
            ),
        },
        Err(e) => none(format!("No exact test: {exact}; {e}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_tables_are_enumerated() {
        let note = larger_table_note(&[vec![3, 1, 4], vec![1, 5, 9]], 23);
        assert!(
            note.starts_with("Fisher-Freeman-Halton exact test: p = "),
            "{note}"
        );
    }

    /// R's job-satisfaction example (exact p = 0.7827): too large for the
    /// enumeration, so the note gives the Monte Carlo estimate and says why.
    #[test]
    fn tables_too_large_to_enumerate_get_the_monte_carlo_test() {
        let job = [
            vec![1, 2, 1, 0],
            vec![3, 3, 6, 1],
            vec![10, 10, 14, 9],
            vec![6, 7, 12, 11],
        ];
        let note = larger_table_note(&job, 96);
        assert!(
            note.starts_with(
                "Fisher-Freeman-Halton test by Monte Carlo (10000 tables with the observed margins, seed 1): p = .7"
            ),
            "{note}"
        );
        assert!(
            note.contains("the exact enumeration was not possible"),
            "{note}"
        );
        assert_eq!(
            note,
            larger_table_note(&job, 96),
            "the seed makes it reproducible"
        );
    }

    /// The other two ways, with a table the exact test refuses at once (a
    /// column of zeros): above the Monte Carlo limit the note points to the
    /// chi-square test; below it, both refusals are given.
    #[test]
    fn refusals_are_explained() {
        let large = [vec![20_000, 0, 7], vec![3, 0, 15_000]];
        let note = larger_table_note(&large, 35_010);
        assert!(
            note.starts_with("No exact test: ")
                && note.contains("with N = 35010 the chi-square test above applies"),
            "{note}"
        );
        let small = [vec![2, 0, 7], vec![3, 0, 1]];
        let note = larger_table_note(&small, 13);
        assert!(
            note.starts_with("No exact test: ") && note.contains("(Monte Carlo)"),
            "{note}"
        );
    }
}
