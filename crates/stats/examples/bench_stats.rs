//! Times every statistic of `uptake-stats` on 100 000 synthetic videos.
//!
//! ```text
//! cargo run --release -p uptake-stats --example bench_stats [-- --csv PATH] [--n N]
//! ```
//!
//! The videos are seeded (SplitMix64), so every run sees the same data:
//! heavy-tailed views (log-normal, σ = 2), followers, duration, a 3-level
//! `topic` and a binary `code` (e.g. "contains misinformation"). With
//! `--csv PATH` the data are also written out so `bench/stats.sh` can time
//! scipy/statsmodels on exactly the same values. Each statistic runs 5 times;
//! the best and median wall times are printed with the statistic itself, so
//! the peer's numbers can be compared too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::{Duration, Instant};

use uptake_stats::compare::{
    dunn, groups_by_label, kruskal_wallis, mann_whitney_u_with, MwuMethod, MwuOptions,
};
use uptake_stats::correlate::spearman;
use uptake_stats::crosstab::chi_square;
use uptake_stats::describe::describe;
use uptake_stats::regress::{design, ols, CategoricalColumn, NumericColumn};

struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

struct Videos {
    views: Vec<f64>,
    likes: Vec<f64>,
    followers: Vec<f64>,
    duration: Vec<f64>,
    topic: Vec<&'static str>,
    code: Vec<u8>,
}

fn generate(n: usize) -> Videos {
    let mut rng = SplitMix64(20240611);
    let topics = ["mental health", "nutrition", "vaccines"];
    let mut v = Videos {
        views: Vec::with_capacity(n),
        likes: Vec::with_capacity(n),
        followers: Vec::with_capacity(n),
        duration: Vec::with_capacity(n),
        topic: Vec::with_capacity(n),
        code: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let t = (rng.uniform() * 3.0) as usize;
        let followers = (8.0 + 2.5 * rng.normal()).exp().floor();
        let duration = (5.0 + 175.0 * rng.uniform()).round();
        let effect = [0.4, 0.0, -0.3][t.min(2)];
        let views =
            (2.0 + 0.6 * followers.ln_1p() + 0.004 * duration + effect + 2.0 * rng.normal())
                .exp_m1()
                .max(0.0)
                .floor();
        let likes = (views * 0.06 * rng.uniform()).floor();
        let code = u8::from(rng.uniform() < [0.15, 0.1, 0.3][t.min(2)]);
        v.views.push(views);
        v.likes.push(likes);
        v.followers.push(followers);
        v.duration.push(duration);
        v.topic.push(topics[t.min(2)]);
        v.code.push(code);
    }
    v
}

fn time<T>(name: &str, mut f: impl FnMut() -> T, show: impl Fn(&T) -> String) {
    let mut times: Vec<Duration> = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    let result = last.map(|r| show(&r)).unwrap_or_default();
    println!(
        "{name:<22} best {:>9.2} ms  median {:>9.2} ms  {result}",
        times[0].as_secs_f64() * 1e3,
        times[2].as_secs_f64() * 1e3
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut csv = None;
    let mut n = 100_000;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--csv" => csv = args.next(),
            "--n" => {
                n = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--n takes a count")
            }
            other => {
                eprintln!("usage: bench_stats [--csv PATH] [--n N]; unknown argument `{other}`");
                std::process::exit(2);
            }
        }
    }
    let v = generate(n);
    if let Some(path) = &csv {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create CSV"));
        writeln!(w, "views,likes,followers,duration,topic,code").unwrap();
        for i in 0..n {
            // `{}` prints the shortest string that round-trips, so Python
            // reads the same doubles.
            writeln!(
                w,
                "{},{},{},{},{},{}",
                v.views[i], v.likes[i], v.followers[i], v.duration[i], v.topic[i], v.code[i]
            )
            .unwrap();
        }
        w.flush().unwrap();
        println!("wrote {n} videos to {path}");
    }
    println!("uptake-stats on {n} videos (5 runs each)");

    time(
        "describe(views)",
        || describe(&v.views).unwrap(),
        |d| {
            format!(
                "median {} [{}–{}], mean {:.4}",
                d.median, d.q1, d.q3, d.mean
            )
        },
    );

    time(
        "mann-whitney (code)",
        || {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (x, &c) in v.views.iter().zip(&v.code) {
                if c == 1 {
                    a.push(*x)
                } else {
                    b.push(*x)
                }
            }
            let opts = MwuOptions {
                method: MwuMethod::Asymptotic,
                ..MwuOptions::default()
            };
            mann_whitney_u_with(&a, &b, opts).unwrap()
        },
        |r| format!("U1 {} p {:.6e} RBC {:.6}", r.u1, r.p, r.rank_biserial),
    );

    time(
        "kruskal+dunn (topic)",
        || {
            let groups = groups_by_label(&v.topic, &v.views).unwrap();
            let g: Vec<&[f64]> = groups.iter().map(|(_, x)| x.as_slice()).collect();
            (kruskal_wallis(&g).unwrap(), dunn(&g).unwrap())
        },
        |(k, d)| {
            let holm: Vec<String> = d
                .pairs
                .iter()
                .map(|p| format!("{:.4e}", p.p_holm))
                .collect();
            format!("H {:.6} p {:.6e} Dunn Holm [{}]", k.h, k.p, holm.join(", "))
        },
    );

    time(
        "spearman(views,likes)",
        || spearman(&v.views, &v.likes).unwrap(),
        |s| format!("rho {:.8} p {:.6e}", s.rho, s.p),
    );

    time(
        "chi-square topic×code",
        || {
            let mut table = [[0u64; 2]; 3];
            for (t, &c) in v.topic.iter().zip(&v.code) {
                let row = match *t {
                    "mental health" => 0,
                    "nutrition" => 1,
                    _ => 2,
                };
                table[row][usize::from(c)] += 1;
            }
            chi_square(&table, true).unwrap()
        },
        |c| {
            format!(
                "chi2 {:.6} p {:.6e} V {:.6}",
                c.chi2,
                c.p,
                c.cramers_v.unwrap_or(f64::NAN)
            )
        },
    );

    time(
        "ols (3 predictors)",
        || {
            let topic: Vec<Option<&str>> = v.topic.iter().map(|t| Some(*t)).collect();
            let d = design(
                NumericColumn {
                    name: "views",
                    values: &v.views,
                    log1p: true,
                },
                &[
                    NumericColumn {
                        name: "followers",
                        values: &v.followers,
                        log1p: true,
                    },
                    NumericColumn {
                        name: "duration",
                        values: &v.duration,
                        log1p: false,
                    },
                ],
                &[CategoricalColumn {
                    name: "topic",
                    values: &topic,
                }],
            )
            .unwrap();
            ols(&d).unwrap()
        },
        |f| {
            let b: Vec<String> = f
                .coefficients
                .iter()
                .map(|c| format!("{} {:.6}", c.name, c.estimate))
                .collect();
            format!("R² {:.6} [{}]", f.r_squared, b.join(", "))
        },
    );
}
