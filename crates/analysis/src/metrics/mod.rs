//! Dissemination metrics, one family per file (see `docs/metrics.md`).

pub mod account;
pub mod growth;
pub mod kmb;
pub mod summary;
pub mod video;

/// `numerator / denominator`, or `None` when either is missing or the
/// denominator is not positive (a rate over zero views is undefined, not 0).
pub fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}
