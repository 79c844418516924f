//! Interpretation bands for reliability coefficients, each named with its
//! source so a report can cite it: Landis & Koch (1977) for kappa,
//! Krippendorff (2004) for alpha, Koo & Li (2016) for the ICC.
//!
//! Bands are conventions, not tests; a paper should report the coefficient
//! (and its interval) and name the convention it uses.

use serde::Serialize;

use crate::error::StatsError;

/// Landis & Koch's (1977) benchmarks for kappa.
pub const LANDIS_KOCH_1977: &str = "Landis JR, Koch GG. The measurement of observer agreement for \
     categorical data. Biometrics. 1977;33(1):159-174. doi:10.2307/2529310";

/// Krippendorff's (2004) standards for alpha.
pub const KRIPPENDORFF_2004: &str = "Krippendorff K. Content Analysis: An Introduction to Its \
     Methodology. 2nd ed. Thousand Oaks, CA: Sage; 2004. p. 241";

/// Koo & Li's (2016) guideline for the ICC.
pub const KOO_LI_2016: &str = "Koo TK, Li MY. A guideline of selecting and reporting intraclass \
     correlation coefficients for reliability research. J Chiropr Med. 2016;15(2):155-163. \
     doi:10.1016/j.jcm.2016.02.012";

/// A coefficient's band under a named convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Band {
    /// The band's label as the source words it, e.g. `substantial`.
    pub label: &'static str,
    /// Short source, e.g. `Landis & Koch (1977)`.
    pub source: &'static str,
    /// Full citation (one of this module's consts).
    pub citation: &'static str,
}

/// Landis & Koch (1977) band for a kappa: below 0 poor, 0-.20 slight,
/// .21-.40 fair, .41-.60 moderate, .61-.80 substantial, .81-1 almost perfect.
/// Their table lists two-decimal ranges; here each upper bound is inclusive
/// (.20 is slight, .2001 fair).
pub fn landis_koch(kappa: f64) -> Result<Band, StatsError> {
    finite("Landis & Koch band", kappa)?;
    let label = match kappa {
        k if k < 0.0 => "poor",
        k if k <= 0.20 => "slight",
        k if k <= 0.40 => "fair",
        k if k <= 0.60 => "moderate",
        k if k <= 0.80 => "substantial",
        _ => "almost perfect",
    };
    Ok(Band {
        label,
        source: "Landis & Koch (1977)",
        citation: LANDIS_KOCH_1977,
    })
}

/// Krippendorff (2004) band for an alpha: at least .800 `reliable`;
/// .667 up to .800 `tentative conclusions only`; below .667 `unreliable`
/// (he advises relying on variables with alpha ≥ .800 and drawing only
/// tentative conclusions from .667 ≤ alpha < .800).
pub fn krippendorff(alpha: f64) -> Result<Band, StatsError> {
    finite("Krippendorff band", alpha)?;
    let label = if alpha >= 0.800 {
        "reliable"
    } else if alpha >= 0.667 {
        "tentative conclusions only"
    } else {
        "unreliable"
    };
    Ok(Band {
        label,
        source: "Krippendorff (2004)",
        citation: KRIPPENDORFF_2004,
    })
}

/// Koo & Li (2016) band for an ICC: below .50 poor, .50-.75 moderate,
/// .75-.90 good, above .90 excellent (here .50 and .75 open the higher band
/// and .90 is still good). Koo & Li recommend judging the 95% interval rather
/// than the point estimate: see [`koo_li_interval`].
pub fn koo_li(icc: f64) -> Result<Band, StatsError> {
    finite("Koo & Li band", icc)?;
    let label = match icc {
        r if r < 0.50 => "poor",
        r if r < 0.75 => "moderate",
        r if r <= 0.90 => "good",
        _ => "excellent",
    };
    Ok(Band {
        label,
        source: "Koo & Li (2016)",
        citation: KOO_LI_2016,
    })
}

/// The Koo & Li (2016) bands of both ends of an ICC's 95% interval, as they
/// recommend (their example: an interval of .83-.94 reads "good to
/// excellent").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IntervalBand {
    /// Band of the lower end.
    pub low: Band,
    /// Band of the upper end.
    pub high: Band,
}

impl IntervalBand {
    /// `good to excellent`, or just `good` when both ends share a band.
    pub fn text(&self) -> String {
        if self.low.label == self.high.label {
            self.low.label.to_owned()
        } else {
            format!("{} to {}", self.low.label, self.high.label)
        }
    }
}

/// Koo & Li (2016) bands of an ICC interval's ends.
pub fn koo_li_interval(ci_low: f64, ci_high: f64) -> Result<IntervalBand, StatsError> {
    Ok(IntervalBand {
        low: koo_li(ci_low)?,
        high: koo_li(ci_high)?,
    })
}

fn finite(statistic: &'static str, x: f64) -> Result<(), StatsError> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(StatsError::Invalid {
            statistic,
            reason: format!("expected a finite coefficient, found `{x}`"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        let lk = |k| landis_koch(k).unwrap().label;
        assert_eq!(
            [
                lk(-0.1),
                lk(0.0),
                lk(0.2),
                lk(0.21),
                lk(0.4),
                lk(0.6),
                lk(0.8),
                lk(0.81)
            ],
            [
                "poor",
                "slight",
                "slight",
                "fair",
                "fair",
                "moderate",
                "substantial",
                "almost perfect"
            ]
        );
        let kr = |a| krippendorff(a).unwrap().label;
        assert_eq!(
            [kr(0.8), kr(0.7999), kr(0.667), kr(0.6669)],
            [
                "reliable",
                "tentative conclusions only",
                "tentative conclusions only",
                "unreliable"
            ]
        );
        let kl = |r| koo_li(r).unwrap().label;
        assert_eq!(
            [kl(0.49), kl(0.5), kl(0.75), kl(0.9), kl(0.91)],
            ["poor", "moderate", "good", "good", "excellent"]
        );
        assert_eq!(
            koo_li_interval(0.83, 0.94).unwrap().text(),
            "good to excellent"
        );
        assert_eq!(koo_li(0.95).unwrap().citation, KOO_LI_2016);
        assert!(landis_koch(f64::NAN).is_err());
    }
}
