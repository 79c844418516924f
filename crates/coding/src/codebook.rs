//! Codebooks: the items coders answer, the values each accepts, N/A rules
//! and scoring rules, read from TOML (format in docs/coding.md).

use crate::error::{CodingError, ValueProblem};
use crate::unit::UnitKind;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

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

impl Item {
    /// Validates one raw cell text against this item.
    ///
    /// Accepted: `NA`, `N/A` or `not applicable` when the item allows N/A;
    /// binary `yes/no`, `y/n`, `true/false`, `1/0`, `agree/disagree`; ordinal
    /// whole numbers in range (`3.0` from a spreadsheet is `3`); nominal
    /// levels case-insensitively; numbers with a `.` decimal point; any
    /// non-empty text. Surrounding spaces are ignored.
    pub fn parse_value(&self, raw: &str) -> Result<Value, ValueProblem> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueProblem::Blank);
        }
        let lower = text.to_lowercase();
        if NA_TOKENS.contains(&lower.as_str()) && !matches!(self.kind, ItemKind::Text) {
            return if self.na_allowed {
                Ok(Value::Na)
            } else {
                Err(ValueProblem::NaNotAllowed)
            };
        }
        let expected = |what: String| ValueProblem::Expected {
            expected: what,
            found: text.to_string(),
        };
        match &self.kind {
            ItemKind::Binary => match lower.as_str() {
                "yes" | "y" | "true" | "1" | "1.0" | "agree" => Ok(Value::Binary(true)),
                "no" | "n" | "false" | "0" | "0.0" | "disagree" => Ok(Value::Binary(false)),
                _ => Err(expected(self.expected_text())),
            },
            ItemKind::Ordinal { min, max, .. } => match text.parse::<f64>() {
                Ok(v) if v.fract() == 0.0 && v >= *min as f64 && v <= *max as f64 => {
                    Ok(Value::Ordinal(v as i64))
                }
                _ => Err(expected(self.expected_text())),
            },
            ItemKind::Nominal { levels } => levels
                .iter()
                .find(|l| l.to_lowercase() == lower)
                .map(|l| Value::Nominal(l.clone()))
                .ok_or_else(|| expected(self.expected_text())),
            ItemKind::Numeric { min, max } => match text.parse::<f64>() {
                Ok(v)
                    if v.is_finite()
                        && min.is_none_or(|m| v >= m)
                        && max.is_none_or(|m| v <= m) =>
                {
                    Ok(Value::Numeric(v))
                }
                _ => Err(expected(self.expected_text())),
            },
            ItemKind::Text => Ok(Value::Text(text.to_string())),
        }
    }

    /// What the item accepts, for error messages: "a whole number from 1 to
    /// 5 or `NA`".
    pub fn expected_text(&self) -> String {
        let base = match &self.kind {
            ItemKind::Binary => "`yes` or `no`".to_string(),
            ItemKind::Ordinal { min, max, .. } => {
                format!("a whole number from {min} to {max}")
            }
            ItemKind::Nominal { levels } => format!(
                "one of {}",
                levels
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ItemKind::Numeric { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("a number from {a} to {b}"),
                (Some(a), None) => format!("a number of at least {a}"),
                (None, Some(b)) => format!("a number of at most {b}"),
                (None, None) => "a number".to_string(),
            },
            ItemKind::Text => "some text".to_string(),
        };
        if self.na_allowed {
            format!("{base} or `NA`")
        } else {
            base
        }
    }

    /// The values a spreadsheet drop-down offers, or `None` for numeric and
    /// text items.
    pub fn allowed_values(&self) -> Option<Vec<String>> {
        let mut values: Vec<String> = match &self.kind {
            ItemKind::Binary => vec!["yes".into(), "no".into()],
            ItemKind::Ordinal { min, max, .. } => (*min..=*max).map(|v| v.to_string()).collect(),
            ItemKind::Nominal { levels } => levels.clone(),
            ItemKind::Numeric { .. } | ItemKind::Text => return None,
        };
        if self.na_allowed {
            values.push("NA".into());
        }
        Some(values)
    }

    /// A one-line guide for coders: accepted values, anchors, N/A rule.
    pub fn guide(&self) -> String {
        let mut out = match &self.kind {
            ItemKind::Ordinal { min, max, anchors } => {
                let labels: Vec<String> =
                    anchors.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                if labels.is_empty() {
                    format!("{min}-{max}")
                } else {
                    format!("{min}-{max} ({})", labels.join("; "))
                }
            }
            _ => self.expected_text(),
        };
        if matches!(self.kind, ItemKind::Ordinal { .. }) && self.na_allowed {
            out.push_str(" or NA");
        }
        if let Some(rule) = &self.na_rule {
            out.push_str(&format!(". NA when: {rule}"));
        }
        out
    }

    /// The level of measurement for reliability, or `None` for text items.
    pub fn measurement(&self) -> Option<Measurement> {
        match self.kind {
            ItemKind::Binary | ItemKind::Nominal { .. } => Some(Measurement::Nominal),
            ItemKind::Ordinal { .. } => Some(Measurement::Ordinal),
            ItemKind::Numeric { .. } => Some(Measurement::Interval),
            ItemKind::Text => None,
        }
    }

    /// The numeric code of a value: binary yes = 1, no = 0; the ordinal
    /// point; a nominal level's 1-based position in the codebook's list; the
    /// number. `None` for `NA`, text, and values that do not belong to this
    /// item.
    pub fn code(&self, value: &Value) -> Option<f64> {
        match (&self.kind, value) {
            (ItemKind::Binary, Value::Binary(b)) => Some(if *b { 1.0 } else { 0.0 }),
            (ItemKind::Ordinal { .. }, Value::Ordinal(v)) => Some(*v as f64),
            (ItemKind::Nominal { levels }, Value::Nominal(l)) => {
                levels.iter().position(|x| x == l).map(|i| (i + 1) as f64)
            }
            (ItemKind::Numeric { .. }, Value::Numeric(v)) => Some(*v),
            _ => None,
        }
    }

    /// The smallest and largest code the item can take, when bounded.
    fn code_range(&self) -> Option<(f64, f64)> {
        match &self.kind {
            ItemKind::Binary => Some((0.0, 1.0)),
            ItemKind::Ordinal { min, max, .. } => Some((*min as f64, *max as f64)),
            ItemKind::Numeric {
                min: Some(a),
                max: Some(b),
            } => Some((*a, *b)),
            _ => None,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    name: toml::Spanned<String>,
    version: String,
    title: String,
    #[serde(default)]
    citations: Vec<String>,
    #[serde(default)]
    notes: Option<String>,
    applies_to: toml::Spanned<Vec<String>>,
    #[serde(default)]
    items: Vec<toml::Spanned<RawItem>>,
    #[serde(default)]
    scores: Vec<toml::Spanned<RawScore>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    prompt: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    anchors: Option<BTreeMap<String, String>>,
    #[serde(default)]
    levels: Option<Vec<String>>,
    #[serde(default)]
    na_allowed: bool,
    #[serde(default)]
    na_rule: Option<String>,
    #[serde(default)]
    help: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScore {
    id: String,
    label: String,
    rule: String,
    items: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// Ids are lowercase ASCII letters, digits and `_`, starting with a letter.
fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Column names that coding sheets use themselves.
const RESERVED_IDS: &[&str] = &["unit_id", "context"];

impl Codebook {
    /// Parses and checks a codebook. `file` names it in errors (a path, or
    /// `built-in NAME`).
    pub fn parse(text: &str, file: &str) -> Result<Codebook, CodingError> {
        let raw: RawCodebook = toml::from_str(text).map_err(|e| CodingError::CodebookSyntax {
            file: file.to_string(),
            message: e.to_string().trim_end().replace('\n', "\n  "),
        })?;
        let line_of =
            |offset: usize| Some(text[..offset.min(text.len())].matches('\n').count() + 1);
        let invalid = |line: Option<usize>, message: String| CodingError::CodebookInvalid {
            file: file.to_string(),
            line,
            message,
        };
        let name_line = line_of(raw.name.span().start);
        let name = raw.name.into_inner();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(invalid(
                name_line,
                format!("`name`: expected lowercase letters, digits, `-` or `_`, found `{name}`"),
            ));
        }
        if raw.version.trim().is_empty() {
            return Err(invalid(
                None,
                "`version`: expected a version such as \"1.0\", found an empty string".into(),
            ));
        }
        let kinds_line = line_of(raw.applies_to.span().start);
        let mut applies_to = Vec::new();
        for k in raw.applies_to.into_inner() {
            match UnitKind::parse(&k) {
                Some(kind) if !applies_to.contains(&kind) => applies_to.push(kind),
                Some(_) => {}
                None => {
                    return Err(invalid(
                        kinds_line,
                        format!("`applies_to`: expected `video` or `comment`, found `{k}`"),
                    ))
                }
            }
        }
        if applies_to.is_empty() {
            return Err(invalid(
                kinds_line,
                "`applies_to`: expected at least one of `video`, `comment`".into(),
            ));
        }
        if raw.items.is_empty() {
            return Err(invalid(
                None,
                "expected at least one `[[items]]` table, found none".into(),
            ));
        }
        let mut items: Vec<Item> = Vec::new();
        for spanned in raw.items {
            let line = line_of(spanned.span().start);
            let r = spanned.into_inner();
            let bad = |message: String| invalid(line, format!("item `{}`: {message}", r.id));
            if !valid_id(&r.id) || RESERVED_IDS.contains(&r.id.as_str()) {
                return Err(bad(
                    "expected an id of lowercase letters, digits and `_` starting with a letter \
                     (not `unit_id` or `context`)"
                        .into(),
                ));
            }
            if items.iter().any(|i| i.id == r.id) {
                return Err(bad("the id is used by an earlier item".into()));
            }
            if r.prompt.trim().is_empty() {
                return Err(bad(
                    "`prompt`: expected the question, found an empty string".into(),
                ));
            }
            let no_field = |field: &str, present: bool| {
                if present {
                    Err(bad(format!(
                        "`{field}` does not apply to a {} item",
                        r.kind
                    )))
                } else {
                    Ok(())
                }
            };
            let kind = match r.kind.as_str() {
                "binary" | "text" => {
                    no_field("min", r.min.is_some())?;
                    no_field("max", r.max.is_some())?;
                    no_field("anchors", r.anchors.is_some())?;
                    no_field("levels", r.levels.is_some())?;
                    if r.kind == "binary" {
                        ItemKind::Binary
                    } else {
                        ItemKind::Text
                    }
                }
                "ordinal" => {
                    no_field("levels", r.levels.is_some())?;
                    let (min, max) = match (r.min, r.max) {
                        (Some(a), Some(b)) if a.fract() == 0.0 && b.fract() == 0.0 && a < b => {
                            (a as i64, b as i64)
                        }
                        (a, b) => {
                            return Err(bad(format!(
                                "expected whole numbers `min` < `max`, found min {} and max {}",
                                a.map_or("missing".into(), |v| v.to_string()),
                                b.map_or("missing".into(), |v| v.to_string())
                            )))
                        }
                    };
                    let mut anchors = BTreeMap::new();
                    for (k, v) in r.anchors.clone().unwrap_or_default() {
                        match k.trim().parse::<i64>() {
                            Ok(p) if (min..=max).contains(&p) => {
                                anchors.insert(p, v);
                            }
                            _ => {
                                return Err(bad(format!(
                                    "`anchors`: expected keys that are points from {min} to {max}, found `{k}`"
                                )))
                            }
                        }
                    }
                    ItemKind::Ordinal { min, max, anchors }
                }
                "nominal" => {
                    no_field("min", r.min.is_some())?;
                    no_field("max", r.max.is_some())?;
                    no_field("anchors", r.anchors.is_some())?;
                    let levels: Vec<String> = r
                        .levels
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|l| l.trim().to_string())
                        .collect();
                    if levels.len() < 2 {
                        return Err(bad(format!(
                            "`levels`: expected at least two levels, found {}",
                            levels.len()
                        )));
                    }
                    let mut seen = BTreeSet::new();
                    for l in &levels {
                        if l.is_empty() || NA_TOKENS.contains(&l.to_lowercase().as_str()) {
                            return Err(bad(format!(
                                "`levels`: `{l}` cannot be a level (use `na_allowed` for not applicable)"
                            )));
                        }
                        if !seen.insert(l.to_lowercase()) {
                            return Err(bad(format!("`levels`: `{l}` is listed twice")));
                        }
                    }
                    ItemKind::Nominal { levels }
                }
                "numeric" => {
                    no_field("anchors", r.anchors.is_some())?;
                    no_field("levels", r.levels.is_some())?;
                    if let (Some(a), Some(b)) = (r.min, r.max) {
                        if a > b {
                            return Err(bad(format!(
                                "expected `min` ≤ `max`, found min {a} and max {b}"
                            )));
                        }
                    }
                    ItemKind::Numeric {
                        min: r.min,
                        max: r.max,
                    }
                }
                other => {
                    return Err(bad(format!(
                    "`type`: expected binary, ordinal, nominal, numeric or text, found `{other}`"
                )))
                }
            };
            if r.na_rule.is_some() && !r.na_allowed {
                return Err(bad("`na_rule` is given but `na_allowed` is false".into()));
            }
            if r.na_allowed && matches!(kind, ItemKind::Text) {
                return Err(bad(
                    "a text item cannot allow N/A (leave it blank instead)".into()
                ));
            }
            items.push(Item {
                id: r.id.clone(),
                prompt: r.prompt.trim().to_string(),
                kind,
                na_allowed: r.na_allowed,
                na_rule: r.na_rule.clone(),
                help: r.help.clone(),
            });
        }
        let mut scores: Vec<Score> = Vec::new();
        for spanned in raw.scores {
            let line = line_of(spanned.span().start);
            let r = spanned.into_inner();
            let bad = |message: String| invalid(line, format!("score `{}`: {message}", r.id));
            if !valid_id(&r.id) {
                return Err(bad(
                    "expected an id of lowercase letters, digits and `_`".into()
                ));
            }
            if scores.iter().any(|s| s.id == r.id) {
                return Err(bad("the id is used by an earlier score".into()));
            }
            let rule = match r.rule.as_str() {
                "sum" => ScoreRule::Sum,
                "mean" => ScoreRule::Mean,
                "percent" => ScoreRule::Percent,
                other => {
                    return Err(bad(format!(
                        "`rule`: expected sum, mean or percent, found `{other}`"
                    )))
                }
            };
            if r.items.is_empty() {
                return Err(bad("`items`: expected at least one item".into()));
            }
            let mut ranges = Vec::new();
            for id in &r.items {
                let Some(item) = items.iter().find(|i| &i.id == id) else {
                    return Err(bad(format!("`items`: no item `{id}` in this codebook")));
                };
                match (&item.kind, rule) {
                    (ItemKind::Binary, _) => {}
                    (
                        ItemKind::Ordinal { .. } | ItemKind::Numeric { .. },
                        ScoreRule::Sum | ScoreRule::Mean,
                    ) => {}
                    (kind, ScoreRule::Percent) => {
                        return Err(bad(format!(
                            "a percent score takes binary items, but item `{id}` is {}",
                            kind.name()
                        )))
                    }
                    (kind, _) => {
                        return Err(bad(format!(
                            "item `{id}` is {} and cannot be added up",
                            kind.name()
                        )))
                    }
                }
                ranges.push(item.code_range());
            }
            let range = match rule {
                ScoreRule::Percent => Some((0.0, 100.0)),
                ScoreRule::Sum => ranges
                    .iter()
                    .try_fold((0.0, 0.0), |acc, r| r.map(|(a, b)| (acc.0 + a, acc.1 + b))),
                ScoreRule::Mean => ranges
                    .iter()
                    .try_fold((f64::INFINITY, f64::NEG_INFINITY), |acc, r| {
                        r.map(|(a, b)| (acc.0.min(a), acc.1.max(b)))
                    }),
            };
            scores.push(Score {
                id: r.id.clone(),
                label: r.label.clone(),
                rule,
                items: r.items.clone(),
                range,
                note: r.note.clone(),
            });
        }
        Ok(Codebook {
            name,
            version: raw.version.trim().to_string(),
            title: raw.title,
            citations: raw.citations,
            notes: raw.notes,
            applies_to,
            items,
            scores,
            source: text.to_string(),
        })
    }

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

    /// Validates one raw cell text for item `item_id`; see
    /// [`Item::parse_value`] for what is accepted.
    pub fn validate(&self, item_id: &str, raw: &str) -> Result<Value, CodingError> {
        let problem = |problem| CodingError::Value {
            item: item_id.to_string(),
            problem,
        };
        let item = self
            .item(item_id)
            .ok_or_else(|| problem(ValueProblem::UnknownItem))?;
        item.parse_value(raw).map_err(problem)
    }

    /// Computes every score of one unit from its values (item id → value).
    /// A score that cannot be computed says why.
    pub fn score(&self, values: &BTreeMap<String, Value>) -> Vec<ScoreResult> {
        self.scores
            .iter()
            .map(|s| ScoreResult {
                id: s.id.clone(),
                outcome: self.score_one(s, values),
            })
            .collect()
    }

    fn score_one(&self, score: &Score, values: &BTreeMap<String, Value>) -> ScoreOutcome {
        let mut codes = Vec::new();
        let mut na = Vec::new();
        for id in &score.items {
            let Some(value) = values.get(id) else {
                return ScoreOutcome::NotComputable(format!("item `{id}` is not coded"));
            };
            if *value == Value::Na {
                na.push(id.as_str());
                continue;
            }
            match self.item(id).and_then(|i| i.code(value)) {
                Some(code) => codes.push(code),
                None => {
                    return ScoreOutcome::NotComputable(format!(
                        "item `{id}` has the value `{}`, which does not fit it",
                        value.as_text()
                    ))
                }
            }
        }
        match score.rule {
            ScoreRule::Sum if !na.is_empty() => ScoreOutcome::NotComputable(format!(
                "item `{}` is NA and a sum needs every item",
                na[0]
            )),
            ScoreRule::Sum => ScoreOutcome::Value(codes.iter().sum()),
            _ if codes.is_empty() => ScoreOutcome::NotComputable("every item is NA".into()),
            ScoreRule::Mean => ScoreOutcome::Value(codes.iter().sum::<f64>() / codes.len() as f64),
            ScoreRule::Percent => {
                ScoreOutcome::Value(100.0 * codes.iter().sum::<f64>() / codes.len() as f64)
            }
        }
    }

    /// Parses stored `(item, value text)` pairs (as the store returns them)
    /// into values for [`Codebook::score`]; a pair whose item is gone or
    /// whose text no longer validates is an error naming it.
    pub fn values_from_texts<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<BTreeMap<String, Value>, CodingError> {
        pairs
            .into_iter()
            .map(|(item, text)| Ok((item.to_string(), self.validate(item, text)?)))
            .collect()
    }
}
