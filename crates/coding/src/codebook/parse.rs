//! Reading a codebook from TOML and checking it: names, unit kinds, items
//! and scoring rules, with the line of each problem.

use super::{Codebook, Item, ItemKind, Score, ScoreRule, NA_TOKENS};
use crate::error::CodingError;
use crate::unit::UnitKind;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

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
            let mut optional = Vec::new();
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
                optional.push(item.na_allowed);
            }
            let range = match rule {
                ScoreRule::Percent => Some((0.0, 100.0)),
                ScoreRule::Sum => ranges
                    .iter()
                    .try_fold((0.0, 0.0), |acc, r| r.map(|(a, b)| (acc.0 + a, acc.1 + b))),
                ScoreRule::Mean => ranges
                    .iter()
                    .zip(&optional)
                    .map(|(r, o)| r.map(|r| (r, *o)))
                    .collect::<Option<Vec<_>>>()
                    .and_then(|items| mean_range(&items)),
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
}

impl Item {
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

/// The values a mean score can take: an item that may be N/A is left out of
/// the mean when it is, so the range is not that of the mean of every item
/// (quality 1-5 with evidence 0-2 or N/A: 0.5 to 5, neither 0 to 5 nor 0.5
/// to 3.5). `items` are each item's (min, max) and whether it may be N/A.
fn mean_range(items: &[((f64, f64), bool)]) -> Option<(f64, f64)> {
    let high = extreme_mean(items, |r| r.1, |a, b| a > b)?;
    let low = extreme_mean(items, |r| r.0, |a, b| a < b)?;
    Some((low, high))
}

/// The most extreme mean `beyond` allows: every item that must be coded at
/// its `bound`, with each optional item whose bound pulls the mean further,
/// most extreme first (with no required item, the most extreme alone).
fn extreme_mean(
    items: &[((f64, f64), bool)],
    bound: fn(&(f64, f64)) -> f64,
    beyond: fn(f64, f64) -> bool,
) -> Option<f64> {
    let mut sum = 0.0;
    let mut n = 0usize;
    for (r, optional) in items {
        if !optional {
            sum += bound(r);
            n += 1;
        }
    }
    let mut optional: Vec<f64> = items
        .iter()
        .filter(|(_, o)| *o)
        .map(|(r, _)| bound(r))
        .collect();
    optional.sort_by(|a, b| {
        if beyond(*a, *b) {
            std::cmp::Ordering::Less
        } else if beyond(*b, *a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    for v in optional {
        if n == 0 || beyond(v, sum / n as f64) {
            sum += v;
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f64)
}
