//! Times Krippendorff's alpha on 10,000 units × 5 coders (5-point scale,
//! 5% missing, seeded) for each level of measurement; run by
//! `bench/reliability.sh`, which times the `krippendorff` Python package on
//! the same data.
//!
//! Usage: `bench_alpha [DATA.csv] [RUNS]`. With a path, the generated matrix
//! is written there (one unit per line, empty field = missing) so the Python
//! peer reads identical data. Prints one line per level:
//! `rust <level> median_ms=<m> min_ms=<m> runs=<n> alpha=<a>`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::Instant;

use uptake_stats::reliability::{krippendorff_alpha, Level, Ratings};

const UNITS: usize = 10_000;
const CODERS: usize = 5;

/// SplitMix64 (Steele, Lea & Flood 2014), seeded.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn code(&mut self) -> f64 {
        (self.next() % 5 + 1) as f64
    }
}

/// Each unit has a true code 1..=5; each coder misses it 5% of the time,
/// otherwise reports it (70%), a neighbour (20%) or a random code (10%).
fn generate(seed: u64) -> Vec<Vec<Option<f64>>> {
    let mut rng = Rng(seed);
    (0..UNITS)
        .map(|_| {
            let truth = rng.code();
            (0..CODERS)
                .map(|_| {
                    if rng.unit() < 0.05 {
                        return None;
                    }
                    let r = rng.unit();
                    Some(if r < 0.7 {
                        truth
                    } else if r < 0.9 {
                        let step = if rng.next().is_multiple_of(2) {
                            -1.0
                        } else {
                            1.0
                        };
                        (truth + step).clamp(1.0, 5.0)
                    } else {
                        rng.code()
                    })
                })
                .collect()
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next();
    let runs: usize = args
        .next()
        .map_or(200, |s| s.parse().expect("RUNS is a number"));
    let rows = generate(42);
    if let Some(path) = &path {
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(path).expect("create data file"));
        for row in &rows {
            let fields: Vec<String> = row
                .iter()
                .map(|v| v.map_or_else(String::new, |x| format!("{x}")))
                .collect();
            writeln!(out, "{}", fields.join(",")).unwrap();
        }
    }
    let ratings = Ratings::from_rows(&rows).unwrap();
    let missing = ratings.missing() as f64 / (UNITS * CODERS) as f64;
    eprintln!(
        "data: {UNITS} units x {CODERS} coders, 5-point, {:.2}% missing",
        missing * 100.0
    );
    for level in Level::ALL {
        for _ in 0..5 {
            std::hint::black_box(krippendorff_alpha(&ratings, level).unwrap());
        }
        let mut times = Vec::with_capacity(runs);
        let mut alpha = 0.0;
        for _ in 0..runs {
            let t = Instant::now();
            let a = krippendorff_alpha(std::hint::black_box(&ratings), level).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            alpha = a.alpha;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "rust {} median_ms={:.4} min_ms={:.4} runs={runs} alpha={alpha:.12}",
            level.name(),
            times[runs / 2],
            times[0]
        );
    }
}
