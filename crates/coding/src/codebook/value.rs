//! Checking coded values: what each item accepts, how a raw cell text
//! becomes a [`Value`], and the codes reliability statistics use.

use super::{Codebook, Item, ItemKind, Measurement, Value, NA_TOKENS};
use crate::error::{CodingError, ValueProblem};
use std::collections::BTreeMap;

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
        let mut out = self.accepted();
        if let Some(rule) = &self.na_rule {
            out.push_str(&format!(". NA when: {rule}"));
        }
        out
    }

    /// The accepted values: for ordinal items the range with its anchors
    /// and `or NA` when N/A is allowed, else [`Item::expected_text`].
    pub fn accepted(&self) -> String {
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
}

impl Codebook {
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
