//! Inter-rater reliability for coded content: percent agreement, Cohen's
//! kappa (unweighted, linear, quadratic), Fleiss' kappa, Krippendorff's alpha
//! (nominal, ordinal, interval, ratio; missing data allowed; seeded
//! bootstrap interval) and the intraclass correlations of Shrout & Fleiss
//! (1979) / McGraw & Wong (1996), with interpretation bands that name their
//! source.
//!
//! Every statistic takes a [`Ratings`] matrix (units × coders, `None` =
//! missing) and says which units it used and which it dropped. Per-item
//! reliability is one `Ratings` per item; per-instrument reliability uses
//! [`Ratings::instrument_scores`] to sum the items first.
//!
//! Reference implementations matched (to 1e-6, `tests/reliability_reference.rs`
//! reads the outputs of `reference/reliability_reference.py`):
//! `sklearn.metrics.cohen_kappa_score` and `statsmodels` `cohens_kappa`
//! (kappa, SE, interval), `statsmodels` `fleiss_kappa`, `krippendorff.alpha`,
//! `pingouin.intraclass_corr`.

mod agreement;
mod alpha;
pub mod bands;
mod bootstrap;
mod icc;
mod kappa;
mod ratings;

pub use agreement::{percent_agreement, PercentAgreement};
pub use alpha::{krippendorff_alpha, KrippendorffAlpha, Level};
pub use bootstrap::{krippendorff_alpha_bootstrap, AlphaBootstrap, BootstrapOptions};
pub use icc::{icc, Icc, IccDefinition, IccModel, IccRow, IccUnit};
pub use kappa::{cohen_kappa, fleiss_kappa, CohenKappa, FleissKappa, KappaWeights};
pub use ratings::Ratings;
