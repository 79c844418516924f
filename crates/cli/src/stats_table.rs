//! Tables of statistics shown two ways: APA-formatted for people (text and
//! Markdown: `p < .001`, `.82`, `12.0 [4.5, 30.0]`) and at full precision for
//! machines (CSV and JSON carry the numbers, never rounded strings).

use uptake_report::apa;
use uptake_report::table::Column;
use uptake_report::{Cell, OutputFormat, Table};

/// One value of a statistics table.
#[derive(Debug, Clone)]
pub enum Val {
    /// Text (a field name, a group label). Untrusted: renderers escape it.
    Text(String),
    /// A count.
    Int(i64),
    /// An unbounded statistic (U, H, z, a mean) with its decimals for people.
    Stat(f64, usize),
    /// A statistic bounded by ±1 (rho, kappa, alpha, r): no leading zero for people.
    Bounded(f64),
    /// A p value.
    P(f64),
    /// Missing or not applicable.
    None,
}

impl Val {
    /// `Some(x)` as a statistic, `None` as missing.
    pub fn stat(x: Option<f64>, decimals: usize) -> Val {
        x.map_or(Val::None, |x| Val::Stat(x, decimals))
    }

    fn human(&self) -> Cell {
        match self {
            Val::Text(t) => Cell::Text(t.clone()),
            Val::Int(n) => Cell::Count(*n),
            Val::Stat(x, d) => Cell::Text(apa::number(*x, *d)),
            Val::Bounded(x) => Cell::Text(apa::bounded(*x, 3)),
            Val::P(p) => Cell::Text(apa::p_value(*p).replace("p = ", "").replace("p ", "")),
            Val::None => Cell::Missing,
        }
    }

    fn machine(&self) -> Cell {
        match self {
            Val::Text(t) => Cell::Text(t.clone()),
            Val::Int(n) => Cell::Count(*n),
            Val::Stat(x, _) | Val::Bounded(x) | Val::P(x) if x.is_finite() => Cell::Number(*x, 6),
            Val::Stat(..) | Val::Bounded(_) | Val::P(_) | Val::None => Cell::Missing,
        }
    }
}

/// A statistics table under construction.
#[derive(Debug, Clone, Default)]
pub struct StatsTable {
    columns: Vec<(String, String, bool)>,
    rows: Vec<Vec<Val>>,
    /// Notes printed under the table (test results, caveats, sources).
    pub notes: Vec<String>,
}

impl StatsTable {
    /// A table with these columns: (header for people, key for machines).
    /// The first column is left-aligned, the others right-aligned.
    pub fn new(columns: &[(&str, &str)]) -> StatsTable {
        StatsTable {
            columns: columns
                .iter()
                .enumerate()
                .map(|(i, (h, k))| (h.to_string(), k.to_string(), i == 0))
                .collect(),
            ..StatsTable::default()
        }
    }

    /// Makes column `i` left-aligned text as well.
    pub fn text_column(mut self, i: usize) -> StatsTable {
        if let Some(c) = self.columns.get_mut(i) {
            c.2 = true;
        }
        self
    }

    /// Adds a row (one value per column).
    pub fn push(&mut self, row: Vec<Val>) {
        self.rows.push(row);
    }

    /// The table for a format: APA strings for text and Markdown, full
    /// precision numbers for CSV and JSON.
    pub fn table(&self, format: OutputFormat) -> Table {
        let human = matches!(format, OutputFormat::Table | OutputFormat::Markdown);
        Table {
            columns: self
                .columns
                .iter()
                .map(|(h, k, left)| {
                    if *left {
                        Column::text(h, k, 40)
                    } else {
                        Column::number(h, k)
                    }
                })
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| if human { v.human() } else { v.machine() })
                        .collect()
                })
                .collect(),
            summary: Vec::new(),
            notes: self.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_get_apa_and_machines_get_numbers() {
        let mut t = StatsTable::new(&[("Test", "test"), ("p", "p"), ("rho", "rho")]);
        t.push(vec![
            Val::Text("spearman".into()),
            Val::P(0.0004),
            Val::Bounded(0.4567),
        ]);
        let human = t.table(OutputFormat::Markdown);
        assert_eq!(human.rows[0][1], Cell::Text("< .001".into()));
        assert_eq!(human.rows[0][2], Cell::Text(".457".into()));
        let machine = t.table(OutputFormat::Csv);
        assert_eq!(machine.rows[0][1], Cell::Number(0.0004, 6));
    }
}
