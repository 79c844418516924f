//! Evaluating a scheme against a hand-labelled set: precision, recall and F1
//! per label, micro-averaged totals, and a per-label confusion table.
//!
//! Comments can carry several labels (a question that also thanks), so each
//! label is evaluated as its own yes/no decision over every comment.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Counts and scores for one label.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabelScore {
    /// Label.
    pub label: String,
    /// Flagged and labelled.
    pub tp: u64,
    /// Flagged, not labelled.
    pub fp: u64,
    /// Labelled, not flagged.
    pub fn_: u64,
    /// Neither.
    pub tn: u64,
    /// tp / (tp + fp); `None` when nothing was flagged.
    pub precision: Option<f64>,
    /// tp / (tp + fn); `None` when nothing is labelled.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

/// The evaluation of a scheme.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Comments evaluated.
    pub comments: usize,
    /// Per label, sorted by label.
    pub labels: Vec<LabelScore>,
    /// Micro-averaged over labels.
    pub micro: LabelScore,
    /// Comments with no gold label that got at least one flag.
    pub false_alarm_comments: u64,
}

fn finish(mut s: LabelScore) -> LabelScore {
    let p = (s.tp + s.fp > 0).then(|| s.tp as f64 / (s.tp + s.fp) as f64);
    let r = (s.tp + s.fn_ > 0).then(|| s.tp as f64 / (s.tp + s.fn_) as f64);
    s.f1 = match (p, r) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    s.precision = p;
    s.recall = r;
    s
}

/// Scores predicted label sets against gold label sets (same order).
pub fn evaluate(gold: &[BTreeSet<String>], predicted: &[BTreeSet<String>]) -> Evaluation {
    let labels: BTreeSet<&String> = gold.iter().chain(predicted).flatten().collect();
    let mut per: BTreeMap<&String, LabelScore> = labels
        .iter()
        .map(|l| {
            (
                *l,
                LabelScore {
                    label: (*l).clone(),
                    ..LabelScore::default()
                },
            )
        })
        .collect();
    let mut false_alarm_comments = 0;
    for (g, p) in gold.iter().zip(predicted) {
        if g.is_empty() && !p.is_empty() {
            false_alarm_comments += 1;
        }
        for (label, s) in per.iter_mut() {
            match (g.contains(*label), p.contains(*label)) {
                (true, true) => s.tp += 1,
                (false, true) => s.fp += 1,
                (true, false) => s.fn_ += 1,
                (false, false) => s.tn += 1,
            }
        }
    }
    let mut micro = LabelScore {
        label: "micro".into(),
        ..LabelScore::default()
    };
    for s in per.values() {
        micro.tp += s.tp;
        micro.fp += s.fp;
        micro.fn_ += s.fn_;
        micro.tn += s.tn;
    }
    Evaluation {
        comments: gold.len().min(predicted.len()),
        labels: per.into_values().map(finish).collect(),
        micro: finish(micro),
        false_alarm_comments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(labels: &[&str]) -> BTreeSet<String> {
        labels.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn per_label_and_micro_scores() {
        let gold = vec![
            set(&["question"]),
            set(&["question", "gratitude"]),
            set(&[]),
            set(&["gratitude"]),
        ];
        let pred = vec![
            set(&["question"]),
            set(&["question"]),
            set(&["question"]),
            set(&["gratitude"]),
        ];
        let e = evaluate(&gold, &pred);
        let q = e.labels.iter().find(|l| l.label == "question").unwrap();
        assert_eq!((q.tp, q.fp, q.fn_, q.tn), (2, 1, 0, 1));
        assert!((q.precision.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(q.recall, Some(1.0));
        let g = e.labels.iter().find(|l| l.label == "gratitude").unwrap();
        assert_eq!((g.tp, g.fp, g.fn_), (1, 0, 1));
        assert_eq!(g.f1, Some(2.0 * 1.0 * 0.5 / 1.5));
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (3, 1, 1));
        assert_eq!(e.false_alarm_comments, 1);
    }

    #[test]
    fn undefined_scores_are_none_not_zero() {
        let e = evaluate(&[set(&[])], &[set(&[])]);
        assert!(e.labels.is_empty());
        assert_eq!(e.micro.precision, None);
    }
}
