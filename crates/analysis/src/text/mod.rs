//! Text matching for comment analysis: normalisation that sees through
//! obfuscation ([`normalize()`]), rule files compiled into one matcher
//! ([`rules`]), and the flags they raise, which explain themselves
//! ([`Flag::explain`]). Pile-on detection over flagged comments is in
//! [`crate::pileon`].

pub mod error;
pub mod flag;
pub mod normalize;
pub mod rules;

pub use error::RuleError;
pub use flag::Flag;
pub use normalize::{normalize, Normalized, Normalizer};
pub use rules::{Rule, RuleSet, Scheme, Scratch};
