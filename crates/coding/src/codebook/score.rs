//! Scoring: computing a codebook's scores for one unit from its values.

use super::{Codebook, Score, ScoreOutcome, ScoreResult, ScoreRule, Value};
use std::collections::BTreeMap;

impl Codebook {
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
}
