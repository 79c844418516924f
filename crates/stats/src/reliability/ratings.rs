//! The input of every reliability statistic: a units × coders matrix of
//! codes, with missing values allowed.

use crate::error::StatsError;

/// A units × coders matrix of codes (`None` = the coder did not code the unit).
///
/// Rows are units (videos, comments...), columns are coders, in the same order
/// in every row. Nominal categories are numbers too: the caller maps each
/// category to a distinct number (only equality matters for nominal
/// statistics; order matters for ordinal ones and the value for interval and
/// ratio ones). Values are finite; `-0.0` is stored as `0.0` so the two count
/// as the same code.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratings {
    /// Row-major values; `NaN` marks a missing value (inputs are finite, so
    /// the marker is unambiguous).
    values: Vec<f64>,
    n_units: usize,
    n_coders: usize,
}

impl Ratings {
    /// Builds the matrix from one row per unit.
    ///
    /// Errors with [`StatsError::Invalid`] naming the unit row (1-based) when a
    /// row's length differs from the first row's, when a value is NaN or
    /// infinite, or when the rows have no columns. Zero rows is allowed (the
    /// statistics then report [`StatsError::TooFew`]).
    pub fn from_rows<R: AsRef<[Option<f64>]>>(rows: &[R]) -> Result<Self, StatsError> {
        let n_coders = rows.first().map_or(0, |r| r.as_ref().len());
        if !rows.is_empty() && n_coders == 0 {
            return Err(invalid(
                "unit row 1 has no values: expected one column per coder",
            ));
        }
        let mut values = Vec::with_capacity(rows.len() * n_coders);
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != n_coders {
                return Err(invalid(&format!(
                    "unit row {} has {} values, expected {} (one per coder, as in row 1)",
                    i + 1,
                    row.len(),
                    n_coders
                )));
            }
            for (j, v) in row.iter().enumerate() {
                match v {
                    None => values.push(f64::NAN),
                    Some(x) if x.is_finite() => values.push(*x + 0.0),
                    Some(x) => {
                        return Err(invalid(&format!(
                            "unit row {}, coder column {}: expected a finite number, found `{x}`",
                            i + 1,
                            j + 1
                        )))
                    }
                }
            }
        }
        Ok(Self {
            values,
            n_units: rows.len(),
            n_coders,
        })
    }

    /// Sums several items' ratings into instrument scores: cell (unit, coder)
    /// of the result is the sum of that cell over `items`, missing if it is
    /// missing in any item (a partial total is not the instrument's score).
    ///
    /// All items must have the same shape, with units and coders in the same
    /// order; errors with [`StatsError::Invalid`] otherwise or when `items` is
    /// empty.
    pub fn instrument_scores(items: &[Ratings]) -> Result<Self, StatsError> {
        let Some(first) = items.first() else {
            return Err(invalid("instrument scores need at least one item"));
        };
        let mut values = first.values.clone();
        for (i, item) in items.iter().enumerate().skip(1) {
            if item.n_units != first.n_units || item.n_coders != first.n_coders {
                return Err(invalid(&format!(
                    "item {} has {} units × {} coders, expected {} × {} as item 1",
                    i + 1,
                    item.n_units,
                    item.n_coders,
                    first.n_units,
                    first.n_coders
                )));
            }
            for (acc, v) in values.iter_mut().zip(&item.values) {
                *acc += *v;
            }
        }
        Ok(Self {
            values,
            n_units: first.n_units,
            n_coders: first.n_coders,
        })
    }

    /// Number of units (rows).
    pub fn n_units(&self) -> usize {
        self.n_units
    }

    /// Number of coders (columns).
    pub fn n_coders(&self) -> usize {
        self.n_coders
    }

    /// The code `coder` gave `unit`, if any (also `None` out of range).
    pub fn get(&self, unit: usize, coder: usize) -> Option<f64> {
        if unit >= self.n_units || coder >= self.n_coders {
            return None;
        }
        self.values
            .get(unit * self.n_coders + coder)
            .copied()
            .filter(|v| !v.is_nan())
    }

    /// The codes of one unit, one per coder (empty out of range).
    pub fn row(&self, unit: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        self.raw_row(unit)
            .iter()
            .map(|v| if v.is_nan() { None } else { Some(*v) })
    }

    /// Number of units every coder coded.
    pub fn complete_units(&self) -> usize {
        (0..self.n_units)
            .filter(|&u| self.raw_row(u).iter().all(|v| !v.is_nan()))
            .count()
    }

    /// Number of missing cells.
    pub fn missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }

    /// Row `unit` with `NaN` for missing values.
    pub(crate) fn raw_row(&self, unit: usize) -> &[f64] {
        let start = unit.saturating_mul(self.n_coders);
        self.values
            .get(start..start.saturating_add(self.n_coders))
            .unwrap_or(&[])
    }

    /// Iterator over the rows with `NaN` for missing values.
    pub(crate) fn raw_rows(&self) -> impl Iterator<Item = &[f64]> + '_ {
        (0..self.n_units).map(|u| self.raw_row(u))
    }
}

fn invalid(reason: &str) -> StatsError {
    StatsError::Invalid {
        statistic: "ratings",
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_row_is_named() {
        let err = Ratings::from_rows(&[vec![Some(1.0), Some(2.0)], vec![Some(1.0)]]).unwrap_err();
        assert!(
            err.to_string()
                .contains("unit row 2 has 1 values, expected 2"),
            "{err}"
        );
    }

    #[test]
    fn non_finite_is_named() {
        let err = Ratings::from_rows(&[vec![Some(1.0), Some(2.0)], vec![Some(f64::NAN), None]])
            .unwrap_err();
        assert!(
            err.to_string().contains("unit row 2, coder column 1"),
            "{err}"
        );
        let err = Ratings::from_rows(&[vec![Some(f64::INFINITY)]]).unwrap_err();
        assert!(err.to_string().contains("unit row 1"), "{err}");
    }

    #[test]
    fn accessors_and_instrument_scores() {
        let a = Ratings::from_rows(&[vec![Some(1.0), None], vec![Some(2.0), Some(3.0)]]).unwrap();
        let b =
            Ratings::from_rows(&[vec![Some(1.0), Some(1.0)], vec![Some(-0.0), Some(1.0)]]).unwrap();
        assert_eq!(a.get(0, 1), None);
        assert_eq!(a.get(1, 1), Some(3.0));
        assert_eq!(a.get(5, 0), None);
        assert_eq!(a.complete_units(), 1);
        assert_eq!(a.missing(), 1);
        let s = Ratings::instrument_scores(&[a, b]).unwrap();
        assert_eq!(s.row(0).collect::<Vec<_>>(), vec![Some(2.0), None]);
        assert_eq!(s.row(1).collect::<Vec<_>>(), vec![Some(2.0), Some(4.0)]);
        assert!(Ratings::instrument_scores(&[]).is_err());
    }
}
