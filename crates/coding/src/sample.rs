//! Seeded random samples of units and their assignment to coders.
//!
//! The algorithm, so that a methods section can describe it and anyone can
//! reproduce a sample from its seed:
//!
//! 1. Units are sorted by id, so the input order does not matter.
//! 2. A SplitMix64 generator (Steele, Lea & Flood 2014; the constants of
//!    Vigna's reference `splitmix64.c`) is seeded with the seed.
//! 3. Simple sample: the sorted units are shuffled with Fisher–Yates
//!    (drawing `j` uniformly in `0..=i` by rejection, without modulo bias)
//!    and the first `n` are kept.
//!    Stratified sample: strata are sorted by value (no value is the stratum
//!    `(none)`, sorted first); each stratum gets `n × size ÷ total` units
//!    rounded by largest remainder (Hamilton's method; ties go to the larger
//!    stratum, then the earlier one), capped at its size; each stratum is
//!    shuffled in stratum order with the same generator and its first
//!    units kept.
//! 4. Assignment: the sample is shuffled again with a generator seeded with
//!    `seed ^ 0x5DEE_CE66_D1CE_5EED`; the first `overlap` units go to every
//!    coder; the rest are dealt in turn to the coders in the order given,
//!    so each codes the same number of them, give or take one.

use crate::error::CodingError;
use crate::unit::Unit;
use std::collections::BTreeMap;

/// The SplitMix64 pseudo-random generator: tiny, fast, good enough for
/// sampling, and reproducible everywhere (no dependency on a crate's
/// algorithm choices).
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound` (`bound` > 0), by rejection so that
    /// no value is favoured.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % bound;
            }
        }
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// How many units every coder codes (for reliability).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Overlap {
    /// This many units.
    Count(usize),
    /// This fraction (0 to 1) of the sample, rounded to the nearest unit.
    Fraction(f64),
}

/// One unit given to one coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The unit.
    pub unit: Unit,
    /// The coder's name.
    pub coder: String,
    /// True when every coder codes this unit (the reliability set).
    pub overlap: bool,
}

/// The name of the stratum of units without a value.
pub const NO_STRATUM: &str = "(none)";

/// Proportional allocation of `n` over strata of the given sizes, rounded by
/// largest remainder and capped at each stratum's size. The result sums to
/// `min(n, total)`.
pub fn allocate(sizes: &[usize], n: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let n = n.min(total);
    if total == 0 {
        return vec![0; sizes.len()];
    }
    // Exact quotas n·size/total as integer part + remainder over `total`.
    let mut alloc: Vec<usize> = sizes.iter().map(|s| n * s / total).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = n * sizes[a] % total;
        let rb = n * sizes[b] % total;
        rb.cmp(&ra).then(sizes[b].cmp(&sizes[a])).then(a.cmp(&b))
    });
    let mut left = n - alloc.iter().sum::<usize>();
    for &i in order.iter().cycle().take(order.len() * 2) {
        if left == 0 {
            break;
        }
        if alloc[i] < sizes[i] {
            alloc[i] += 1;
            left -= 1;
        }
    }
    alloc
}

/// A seeded random sample of `n` units (all of them when `n` is at least
/// their number), stratified by [`Unit::stratum`] when `stratified`.
/// Deterministic for a seed and independent of the input order.
pub fn sample(
    units: &[Unit],
    n: usize,
    stratified: bool,
    seed: u64,
) -> Result<Vec<Unit>, CodingError> {
    let mut sorted: Vec<Unit> = units.to_vec();
    sorted.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.id.cmp(&b.id)));
    if let Some(w) = sorted
        .windows(2)
        .find(|w| w[0].kind == w[1].kind && w[0].id == w[1].id)
    {
        return Err(CodingError::Sample(format!(
            "{} `{}` is listed twice; this is a bug in uptake",
            w[0].kind, w[0].id
        )));
    }
    let mut rng = SplitMix64::new(seed);
    if !stratified {
        rng.shuffle(&mut sorted);
        sorted.truncate(n);
        return Ok(sorted);
    }
    let mut strata: BTreeMap<Option<String>, Vec<Unit>> = BTreeMap::new();
    for u in sorted {
        strata.entry(u.stratum.clone()).or_default().push(u);
    }
    let sizes: Vec<usize> = strata.values().map(Vec::len).collect();
    let alloc = allocate(&sizes, n);
    let mut out = Vec::new();
    for (mut members, take) in strata.into_values().zip(alloc) {
        rng.shuffle(&mut members);
        members.truncate(take);
        out.extend(members);
    }
    Ok(out)
}

/// Resolves an overlap request against a sample of `n` units.
pub fn overlap_count(overlap: Overlap, n: usize) -> Result<usize, CodingError> {
    match overlap {
        Overlap::Count(k) if k <= n => Ok(k),
        Overlap::Count(k) => Err(CodingError::Sample(format!(
            "overlap: expected at most the sample size ({n} units), found {k}"
        ))),
        Overlap::Fraction(f) if (0.0..=1.0).contains(&f) => Ok((f * n as f64).round() as usize),
        Overlap::Fraction(f) => Err(CodingError::Sample(format!(
            "overlap: expected a fraction from 0 to 1, found {f}"
        ))),
    }
}

/// Assigns a sample to coders: an overlap set coded by every coder, the
/// rest split evenly (see the module documentation for the algorithm).
/// Rows are ordered by coder (in the order given), then as assigned.
pub fn assign(
    sample: &[Unit],
    coders: &[String],
    overlap: Overlap,
    seed: u64,
) -> Result<Vec<Assignment>, CodingError> {
    if coders.is_empty() {
        return Err(CodingError::Sample(
            "coders: expected at least one coder, found none".into(),
        ));
    }
    for (i, c) in coders.iter().enumerate() {
        if c.trim().is_empty() || c.contains(',') {
            return Err(CodingError::Sample(format!(
                "coders: expected names without commas, found `{c}`"
            )));
        }
        if coders[..i].contains(c) {
            return Err(CodingError::Sample(format!(
                "coders: `{c}` is listed twice"
            )));
        }
    }
    let k = overlap_count(overlap, sample.len())?;
    let mut units = sample.to_vec();
    SplitMix64::new(seed ^ 0x5DEE_CE66_D1CE_5EED).shuffle(&mut units);
    let mut per_coder: Vec<Vec<Assignment>> = vec![Vec::new(); coders.len()];
    for (i, unit) in units.into_iter().enumerate() {
        if i < k {
            for (c, name) in coders.iter().enumerate() {
                per_coder[c].push(Assignment {
                    unit: unit.clone(),
                    coder: name.clone(),
                    overlap: true,
                });
            }
        } else {
            let c = (i - k) % coders.len();
            per_coder[c].push(Assignment {
                unit,
                coder: coders[c].clone(),
                overlap: false,
            });
        }
    }
    Ok(per_coder.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::unit::UnitKind;

    fn units(n: usize, stratum: impl Fn(usize) -> Option<String>) -> Vec<Unit> {
        (0..n)
            .map(|i| Unit {
                kind: UnitKind::Video,
                id: format!("v{i:04}"),
                stratum: stratum(i),
            })
            .collect()
    }

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs of Vigna's splitmix64.c seeded with 1234567.
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }

    #[test]
    fn sampling_is_deterministic_and_order_independent() {
        let all = units(100, |_| None);
        let a = sample(&all, 10, false, 42).unwrap();
        let mut reversed = all.clone();
        reversed.reverse();
        let b = sample(&reversed, 10, false, 42).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 10);
        let c = sample(&all, 10, false, 43).unwrap();
        assert_ne!(a, c, "another seed gives another sample");
        assert_eq!(sample(&all, 500, false, 1).unwrap().len(), 100);
    }

    #[test]
    fn largest_remainder_allocation() {
        // 10 over 50/30/20 → 5/3/2 exactly.
        assert_eq!(allocate(&[50, 30, 20], 10), vec![5, 3, 2]);
        // 10 over 7/7/7: quotas 3.33 each → 4/3/3, the tie to the first.
        assert_eq!(allocate(&[7, 7, 7], 10), vec![4, 3, 3]);
        // 5 over 1/99: 0.05 and 4.95 → 0/5.
        assert_eq!(allocate(&[1, 99], 5), vec![0, 5]);
        // Capped at the stratum size and never more than the total.
        assert_eq!(allocate(&[2, 3], 10), vec![2, 3]);
        assert_eq!(allocate(&[], 3), Vec::<usize>::new());
    }

    #[test]
    fn stratified_sample_is_proportional() {
        let all = units(100, |i| match i % 10 {
            0..=5 => Some("a".to_string()),
            6..=8 => Some("b".to_string()),
            _ => None,
        });
        let s = sample(&all, 20, true, 7).unwrap();
        let count = |v: Option<&str>| s.iter().filter(|u| u.stratum.as_deref() == v).count();
        assert_eq!(
            (count(Some("a")), count(Some("b")), count(None)),
            (12, 6, 2)
        );
        assert_eq!(s, sample(&all, 20, true, 7).unwrap());
    }

    #[test]
    fn overlap_units_go_to_every_coder_and_the_rest_is_split_evenly() {
        let s = sample(&units(23, |_| None), 23, false, 9).unwrap();
        let coders: Vec<String> = ["ana", "ben", "chi"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let a = assign(&s, &coders, Overlap::Count(5), 9).unwrap();
        let overlap: Vec<&Assignment> = a.iter().filter(|x| x.overlap).collect();
        assert_eq!(overlap.len(), 15);
        for c in &coders {
            let mine: Vec<&Assignment> = a.iter().filter(|x| &x.coder == c).collect();
            let single = mine.iter().filter(|x| !x.overlap).count();
            assert!(single == 6, "{c}: {single}");
            assert_eq!(mine.iter().filter(|x| x.overlap).count(), 5);
        }
        // Every unit is assigned; non-overlap units to exactly one coder.
        for u in &s {
            let n = a.iter().filter(|x| x.unit.id == u.id).count();
            assert!(n == 1 || n == 3, "{}: {n}", u.id);
        }
        assert_eq!(a, assign(&s, &coders, Overlap::Count(5), 9).unwrap());
        assert_eq!(
            assign(&s, &coders, Overlap::Fraction(0.2), 9)
                .unwrap()
                .iter()
                .filter(|x| x.overlap)
                .count(),
            15
        );
        assert!(assign(&s, &coders, Overlap::Count(24), 9).is_err());
        assert!(assign(&s, &[], Overlap::Count(1), 9).is_err());
        assert!(assign(&s, &["a".into(), "a".into()], Overlap::Count(1), 9).is_err());
    }
}
