//! Intraclass correlation coefficients: the one-way and two-way forms of
//! Shrout & Fleiss (1979) and McGraw & Wong (1996), with the F test and 95%
//! interval exactly as `pingouin.intraclass_corr` computes them.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::Ratings;
use crate::error::StatsError;

const NAME: &str = "ICC";

/// Which ANOVA model the coefficient assumes about coders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IccModel {
    /// Each unit rated by a different random set of coders.
    OneWayRandom,
    /// Coders are a random sample of possible coders.
    TwoWayRandom,
    /// These coders are the only coders of interest.
    TwoWayMixed,
}

/// Whether coders' systematic differences count as disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IccDefinition {
    /// Absolute agreement: a coder who scores everything 1 point higher disagrees.
    AbsoluteAgreement,
    /// Consistency: only the ordering and spacing of units matter.
    Consistency,
}

/// Reliability of one coder's score or of the mean of all coders' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IccUnit {
    /// Single measures (one coder).
    Single,
    /// Average measures (the mean of the k coders).
    Average,
}

/// One ICC form with its test and interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IccRow {
    /// The model.
    pub model: IccModel,
    /// The definition.
    pub definition: IccDefinition,
    /// Single or average measures.
    pub unit: IccUnit,
    /// McGraw & Wong (1996) name, e.g. `ICC(A,1)`.
    pub mcgraw_wong: &'static str,
    /// Shrout & Fleiss (1979) name, e.g. `ICC(2,1)`, when they define the form.
    pub shrout_fleiss: Option<&'static str>,
    /// The `Type` of the `pingouin.intraclass_corr` row with the same numbers.
    pub pingouin: &'static str,
    /// The coefficient.
    pub icc: f64,
    /// F statistic of the test of ICC = 0.
    pub f: f64,
    /// Numerator degrees of freedom.
    pub df1: f64,
    /// Denominator degrees of freedom.
    pub df2: f64,
    /// p-value of the F test (upper tail).
    pub p_value: f64,
    /// Lower end of the 95% interval.
    pub ci_low: f64,
    /// Upper end of the 95% interval.
    pub ci_high: f64,
}

/// All ICC forms for one ratings matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Icc {
    /// The ten forms: pingouin's six (ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k,
    /// in that order), then two-way random consistency (single, average; same
    /// numbers as ICC3/ICC3k) and two-way mixed absolute agreement (single,
    /// average; same numbers as ICC2/ICC2k), so a user finds the name their
    /// journal asks for.
    pub forms: Vec<IccRow>,
    /// Mean square between units (MSR / MSB).
    pub ms_units: f64,
    /// Mean square within units, one-way (MSW).
    pub ms_within: f64,
    /// Mean square between coders (MSC / MSJ).
    pub ms_coders: f64,
    /// Residual mean square, two-way (MSE).
    pub ms_error: f64,
    /// Coders (k).
    pub coders: usize,
    /// Units every coder rated (n, the ones that count).
    pub units_used: usize,
    /// Units with at least one missing rating, left out (listwise deletion,
    /// pingouin's `nan_policy="omit"`).
    pub units_dropped: usize,
}

impl Icc {
    /// The form for a model, definition and unit. One-way random has only
    /// the absolute-agreement definition.
    pub fn get(
        &self,
        model: IccModel,
        definition: IccDefinition,
        unit: IccUnit,
    ) -> Option<&IccRow> {
        self.forms
            .iter()
            .find(|r| r.model == model && r.definition == definition && r.unit == unit)
    }
}

/// Every ICC form on the units all coders rated.
///
/// Mean squares come from the two-way ANOVA without interaction (units ×
/// coders); formulas, F tests, degrees of freedom and the 95% intervals are
/// pingouin's (`intraclass_corr`, version 0.7), including the
/// Satterthwaite-type degrees of freedom of the absolute-agreement interval.
///
/// Errors: [`StatsError::TooFew`] with fewer than 2 coders or 2 complete
/// units; [`StatsError::Undefined`] when the residual or within-unit mean
/// square is zero (coders agree perfectly: pingouin reports ICC 1 with an
/// infinite F and a NaN interval) or the between-unit mean square is zero
/// (every unit has the same mean).
pub fn icc(ratings: &Ratings) -> Result<Icc, StatsError> {
    let k = ratings.n_coders();
    if k < 2 {
        return Err(StatsError::TooFew {
            statistic: NAME,
            what: "coders",
            needed: 2,
            found: k,
        });
    }
    let rows: Vec<&[f64]> = ratings
        .raw_rows()
        .filter(|r| r.iter().all(|v| !v.is_nan()))
        .collect();
    let n = rows.len();
    if n < 2 {
        return Err(StatsError::TooFew {
            statistic: NAME,
            what: "units rated by every coder",
            needed: 2,
            found: n,
        });
    }
    let (nf, kf) = (n as f64, k as f64);
    let grand = rows.iter().flat_map(|r| r.iter()).sum::<f64>() / (nf * kf);
    let unit_means: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() / kf).collect();
    let coder_means: Vec<f64> = (0..k)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / nf)
        .collect();
    let ss_units = kf * unit_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let ss_coders = nf * coder_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let ss_error: f64 = rows
        .iter()
        .zip(&unit_means)
        .map(|(r, um)| {
            r.iter()
                .zip(&coder_means)
                .map(|(x, cm)| (x - um - cm + grand).powi(2))
                .sum::<f64>()
        })
        .sum();
    let df_units = nf - 1.0;
    let df_coders = kf - 1.0;
    let df_error = df_units * df_coders;
    let df_within = nf * df_coders;
    let msb = ss_units / df_units;
    let msj = ss_coders / df_coders;
    let mse = ss_error / df_error;
    let msw = (ss_coders + ss_error) / df_within;
    // Sums of squares of exactly equal data can come out a hair above zero.
    let tiny = 1e-12 * (msb + msj + mse).max(f64::MIN_POSITIVE);
    if mse <= tiny || msw <= tiny {
        return Err(StatsError::Undefined {
            statistic: NAME,
            reason: format!(
                "the {k} coders gave identical ratings on all {n} complete units: agreement is \
                 perfect, but the F test and interval are undefined (residual variance is zero)"
            ),
        });
    }
    if msb <= tiny {
        return Err(StatsError::Undefined {
            statistic: NAME,
            reason: format!(
                "all {n} complete units have the same mean rating (no variance between units)"
            ),
        });
    }

    let icc1 = (msb - msw) / (msb + (kf - 1.0) * msw);
    let icc2 = (msb - mse) / (msb + (kf - 1.0) * mse + kf * (msj - mse) / nf);
    let icc3 = (msb - mse) / (msb + (kf - 1.0) * mse);
    let icc1k = (msb - msw) / msb;
    let icc2k = (msb - mse) / (msb + (msj - mse) / nf);
    let icc3k = (msb - mse) / msb;

    let f1 = msb / msw;
    let f3 = msb / mse;
    let p1 = f_sf(f1, df_units, df_within)?;
    let p3 = f_sf(f3, df_units, df_error)?;

    const Q: f64 = 0.975;
    let f1l = f1 / f_ppf(Q, df_units, df_within)?;
    let f1u = f1 * f_ppf(Q, df_within, df_units)?;
    let f3l = f3 / f_ppf(Q, df_units, df_error)?;
    let f3u = f3 * f_ppf(Q, df_error, df_units)?;
    let single = |fl: f64| (fl - 1.0) / (fl + (kf - 1.0));
    let (l1, u1) = (single(f1l), single(f1u));
    let (l3, u3) = (single(f3l), single(f3u));
    // Absolute agreement: McGraw & Wong's approximate df v.
    let fj = msj / mse;
    let vn = df_error * (kf * icc2 * fj + nf * (1.0 + (kf - 1.0) * icc2) - kf * icc2).powi(2);
    let vd = df_units * kf * kf * icc2 * icc2 * fj * fj
        + (nf * (1.0 + (kf - 1.0) * icc2) - kf * icc2).powi(2);
    let v = vn / vd;
    let f2u = f_ppf(Q, df_units, v)?;
    let f2l = f_ppf(Q, v, df_units)?;
    let c = kf * msj + (kf * nf - kf - nf) * mse;
    let l2 = nf * (msb - f2u * mse) / (f2u * c + nf * msb);
    let u2 = nf * (f2l * msb - mse) / (c + nf * f2l * msb);
    let brown = |r: f64| r * kf / (1.0 + r * (kf - 1.0));

    use IccDefinition::{AbsoluteAgreement as A, Consistency as C};
    use IccModel::{OneWayRandom as One, TwoWayMixed as Mixed, TwoWayRandom as Random};
    use IccUnit::{Average, Single};
    let row = |model, definition, unit, mw, sf, pg, icc, f, df2, p, (lo, hi): (f64, f64)| IccRow {
        model,
        definition,
        unit,
        mcgraw_wong: mw,
        shrout_fleiss: sf,
        pingouin: pg,
        icc,
        f,
        df1: df_units,
        df2,
        p_value: p,
        ci_low: lo,
        ci_high: hi,
    };
    let ci1k = (1.0 - 1.0 / f1l, 1.0 - 1.0 / f1u);
    let ci2k = (brown(l2), brown(u2));
    let ci3k = (1.0 - 1.0 / f3l, 1.0 - 1.0 / f3u);
    let forms = vec![
        row(
            One,
            A,
            Single,
            "ICC(1)",
            Some("ICC(1,1)"),
            "ICC(1,1)",
            icc1,
            f1,
            df_within,
            p1,
            (l1, u1),
        ),
        row(
            Random,
            A,
            Single,
            "ICC(A,1)",
            Some("ICC(2,1)"),
            "ICC(A,1)",
            icc2,
            f3,
            df_error,
            p3,
            (l2, u2),
        ),
        row(
            Mixed,
            C,
            Single,
            "ICC(C,1)",
            Some("ICC(3,1)"),
            "ICC(C,1)",
            icc3,
            f3,
            df_error,
            p3,
            (l3, u3),
        ),
        row(
            One,
            A,
            Average,
            "ICC(k)",
            Some("ICC(1,k)"),
            "ICC(1,k)",
            icc1k,
            f1,
            df_within,
            p1,
            ci1k,
        ),
        row(
            Random,
            A,
            Average,
            "ICC(A,k)",
            Some("ICC(2,k)"),
            "ICC(A,k)",
            icc2k,
            f3,
            df_error,
            p3,
            ci2k,
        ),
        row(
            Mixed,
            C,
            Average,
            "ICC(C,k)",
            Some("ICC(3,k)"),
            "ICC(C,k)",
            icc3k,
            f3,
            df_error,
            p3,
            ci3k,
        ),
        row(
            Random,
            C,
            Single,
            "ICC(C,1)",
            None,
            "ICC(C,1)",
            icc3,
            f3,
            df_error,
            p3,
            (l3, u3),
        ),
        row(
            Random, C, Average, "ICC(C,k)", None, "ICC(C,k)", icc3k, f3, df_error, p3, ci3k,
        ),
        row(
            Mixed,
            A,
            Single,
            "ICC(A,1)",
            None,
            "ICC(A,1)",
            icc2,
            f3,
            df_error,
            p3,
            (l2, u2),
        ),
        row(
            Mixed, A, Average, "ICC(A,k)", None, "ICC(A,k)", icc2k, f3, df_error, p3, ci2k,
        ),
    ];
    Ok(Icc {
        forms,
        ms_units: msb,
        ms_within: msw,
        ms_coders: msj,
        ms_error: mse,
        coders: k,
        units_used: n,
        units_dropped: ratings.n_units() - n,
    })
}

fn f_dist(d1: f64, d2: f64) -> Result<FisherSnedecor, StatsError> {
    FisherSnedecor::new(d1, d2).map_err(|e| StatsError::Undefined {
        statistic: NAME,
        reason: format!("F distribution with df ({d1}, {d2}): {e}"),
    })
}

fn f_sf(x: f64, d1: f64, d2: f64) -> Result<f64, StatsError> {
    Ok(f_dist(d1, d2)?.sf(x))
}

fn f_ppf(q: f64, d1: f64, d2: f64) -> Result<f64, StatsError> {
    Ok(f_dist(d1, d2)?.inverse_cdf(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pingouin's bundled `icc` dataset (8 wines × 4 judges); reference
    /// values printed by pingouin 0.7 (ICC column).
    #[test]
    fn pingouin_wine_example() {
        let data = [
            [1., 2., 0., 1.],
            [1., 3., 3., 2.],
            [3., 8., 1., 4.],
            [6., 4., 3., 3.],
            [6., 5., 5., 6.],
            [7., 5., 6., 2.],
            [8., 7., 7., 9.],
            [9., 9., 9., 8.],
        ];
        let rows: Vec<Vec<Option<f64>>> = data
            .iter()
            .map(|r| r.iter().map(|v| Some(*v)).collect())
            .collect();
        let r = Ratings::from_rows(&rows).unwrap();
        let got = icc(&r).unwrap();
        let want = [0.727521, 0.727689, 0.729487, 0.914384, 0.914450, 0.915159];
        for (row, w) in got.forms.iter().zip(want) {
            assert!(
                (row.icc - w).abs() < 5e-7,
                "{} {} vs {w}",
                row.pingouin,
                row.icc
            );
        }
        let mixed_a = got
            .get(
                IccModel::TwoWayMixed,
                IccDefinition::AbsoluteAgreement,
                IccUnit::Single,
            )
            .unwrap();
        assert_eq!(mixed_a.icc, got.forms[1].icc);
    }

    #[test]
    fn perfect_agreement_is_undefined() {
        let rows = vec![
            vec![Some(1.0), Some(1.0)],
            vec![Some(2.0), Some(2.0)],
            vec![Some(4.0), Some(4.0)],
        ];
        let r = Ratings::from_rows(&rows).unwrap();
        assert!(matches!(icc(&r), Err(StatsError::Undefined { .. })));
    }
}
