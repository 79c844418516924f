//! Codebooks: the items coders answer, the values each accepts, N/A rules
//! and scoring rules, read from TOML (format in docs/coding.md).
//!
//! This module holds the types; `parse` reads and checks the TOML, `value`
//! validates cell texts against items and `score` computes scoring rules.

mod parse;
mod score;
mod value;

use crate::unit::UnitKind;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Cell texts that mean "not applicable" (compared case-insensitively).
pub const NA_TOKENS: &[&str] = &["na", "n/a", "not applicable"];

/// A codebook: an instrument or a team's own coding scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Codebook {
    /// Short name used on the command line (`discern`, `pemat-av`, ...).
    pub name: String,
    /// Version; a changed codebook needs a new version.
    pub version: String,
    /// Full title.
    pub title: String,
    /// Sources, as full references.
    pub citations: Vec<String>,
    /// How the codebook was written and what to watch for.
    pub notes: Option<String>,
    /// Kinds of unit it can code.
    pub applies_to: Vec<UnitKind>,
    /// Items, in order.
    pub items: Vec<Item>,
    /// Scoring rules, in order.
    pub scores: Vec<Score>,
    source: String,
}

/// One question of a codebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Id (lowercase letters, digits, `_`); the column name in coding sheets.
    pub id: String,
    /// The question, as coders read it.
    pub prompt: String,
    /// The values it accepts.
    pub kind: ItemKind,
    /// Whether `NA` (not applicable) is an accepted answer.
    pub na_allowed: bool,
    /// When `NA` applies.
    pub na_rule: Option<String>,
    /// Guidance for coders.
    pub help: Option<String>,
}

/// The values an item accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Yes or no.
    Binary,
    /// A whole number from `min` to `max`, with labelled anchor points.
    Ordinal {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
        /// Labels of some or all points.
        anchors: BTreeMap<i64, String>,
    },
    /// One of a fixed list of unordered levels.
    Nominal {
        /// The levels, in the codebook's order.
        levels: Vec<String>,
    },
    /// A number, optionally bounded.
    Numeric {
        /// Lowest accepted value.
        min: Option<f64>,
        /// Highest accepted value.
        max: Option<f64>,
    },
    /// Free text (notes, quotes); never scored, no reliability.
    Text,
}

impl Item {
    /// Whether coders' values of this item are compared, adjudicated and
    /// finalised: every kind but text, whose values are notes.
    pub fn is_compared(&self) -> bool {
        !matches!(self.kind, ItemKind::Text)
    }
}

impl ItemKind {
    /// The type's name in TOML.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Binary => "binary",
            ItemKind::Ordinal { .. } => "ordinal",
            ItemKind::Nominal { .. } => "nominal",
            ItemKind::Numeric { .. } => "numeric",
            ItemKind::Text => "text",
        }
    }
}

/// A coded value of one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not applicable.
    Na,
    /// Yes (`true`) or no.
    Binary(bool),
    /// A point of an ordinal scale.
    Ordinal(i64),
    /// A nominal level, spelled as in the codebook.
    Nominal(String),
    /// A number.
    Numeric(f64),
    /// Free text.
    Text(String),
}

impl Value {
    /// The canonical text stored and compared for agreement: `NA`, `yes`,
    /// `no`, the scale point, the level as the codebook spells it, the
    /// number, or the text.
    pub fn as_text(&self) -> String {
        match self {
            Value::Na => "NA".into(),
            Value::Binary(true) => "yes".into(),
            Value::Binary(false) => "no".into(),
            Value::Ordinal(v) => v.to_string(),
            Value::Nominal(level) => level.clone(),
            Value::Numeric(v) => v.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// The level of measurement of an item, which decides the reliability
/// coefficient's distance function (Krippendorff's alpha) and which
/// agreement statistics make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measurement {
    /// Unordered categories (binary and nominal items).
    Nominal,
    /// Ordered categories (ordinal items).
    Ordinal,
    /// Numbers with meaningful differences (numeric items).
    Interval,
}

impl Measurement {
    /// `nominal`, `ordinal` or `interval`.
    pub fn name(self) -> &'static str {
        match self {
            Measurement::Nominal => "nominal",
            Measurement::Ordinal => "ordinal",
            Measurement::Interval => "interval",
        }
    }
}

/// A named scoring rule over some items.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Id (`total`, `understandability`, ...).
    pub id: String,
    /// Label for tables.
    pub label: String,
    /// How it is computed.
    pub rule: ScoreRule,
    /// The items it uses.
    pub items: Vec<String>,
    /// Lowest and highest possible value, when the items are bounded.
    pub range: Option<(f64, f64)>,
    /// Notes on interpretation.
    pub note: Option<String>,
}

/// How a score combines its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreRule {
    /// Sum of the items' codes; every item must be coded and none `NA`.
    Sum,
    /// Mean of the codes of the items that are not `NA`; every item must be coded.
    Mean,
    /// Binary items only: 100 × yes ÷ (items not `NA`), `NA` excluded from
    /// numerator and denominator (PEMAT); every item must be coded.
    Percent,
}

impl ScoreRule {
    /// The rule's name in TOML.
    pub fn name(self) -> &'static str {
        match self {
            ScoreRule::Sum => "sum",
            ScoreRule::Mean => "mean",
            ScoreRule::Percent => "percent",
        }
    }
}

/// A score's value for one unit, or why it cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreOutcome {
    /// The value.
    Value(f64),
    /// Why not (an item not coded, `NA` in a sum, every item `NA`).
    NotComputable(String),
}

/// One score of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreResult {
    /// The score's id.
    pub id: String,
    /// The value or the reason it is missing.
    pub outcome: ScoreOutcome,
}

impl Codebook {
    /// The TOML text it was parsed from (stored with results so that they
    /// stay reproducible).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// SHA-256 of the TOML text, lowercase hex.
    pub fn sha256(&self) -> String {
        Sha256::digest(self.source.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The item called `id`.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items compared between coders, adjudicated and finalised: all
    /// but text items, which are notes.
    pub fn compared_items(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.is_compared())
            .map(|i| i.id.clone())
            .collect()
    }
}
