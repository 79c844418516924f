//! Text matching for comment analysis: normalisation that sees through
//! obfuscation ([`normalize()`]), rule files compiled into one matcher
//! ([`rules`]), the flags they raise, which explain themselves
//! ([`Flag::explain`]), and the matches spared as counter-speech, which
//! explain themselves too ([`Spared::explain`]). Pile-on detection over
//! flagged comments is in [`crate::pileon`].

pub mod error;
pub mod flag;
pub mod normalize;
pub mod rules;
pub mod spared;

pub use error::RuleError;
pub use flag::Flag;
pub use normalize::{normalize, Normalized, Normalizer};
pub use rules::{Classification, Rule, RuleSet, Scheme, Scratch};
pub use spared::{FrameKind, Spared};
