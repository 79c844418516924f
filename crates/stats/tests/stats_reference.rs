//! Agreement with scipy, statsmodels, pingouin and scikit-posthocs.
//!
//! `reference/stats_reference.py` built the fixtures and recorded the
//! reference outputs (and package versions) in `reference/stats_reference.json`;
//! these tests recompute every statistic from the recorded inputs and require
//! agreement to 1e-6 relative (or 1e-12 absolute, for values near zero).
//! p-values below 1e-300 would be compared as logs; none of the fixtures
//! produce one (the smallest is ~1e-170, compared relatively like the rest).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;

use serde_json::Value;
use uptake_stats::compare::{
    dunn, kruskal_wallis, mann_whitney_u_with, Alternative, MwuMethod, MwuOptions,
};
use uptake_stats::correlate::spearman;
use uptake_stats::crosstab::{chi_square, fisher_exact};
use uptake_stats::describe::describe;
use uptake_stats::regress::{design, ols, CategoricalColumn, NumericColumn};

const REL: f64 = 1e-6;
const ABS: f64 = 1e-12;

fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reference/stats_reference.json"
    );
    let text = std::fs::read_to_string(path).expect("reference JSON is committed");
    serde_json::from_str(&text).expect("reference JSON parses")
}

/// A number from the JSON: `null` is NaN (missing), "inf"/"-inf" infinities.
fn num(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("not a number: {other}"),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap()
}

/// Collects disagreements so one run shows all of them.
struct Checker {
    failures: RefCell<Vec<String>>,
    compared: RefCell<usize>,
}

impl Checker {
    fn new() -> Self {
        Checker {
            failures: RefCell::new(Vec::new()),
            compared: RefCell::new(0),
        }
    }

    fn close(&self, what: &str, actual: f64, expected: f64) {
        *self.compared.borrow_mut() += 1;
        let ok = if expected.is_infinite() || actual.is_infinite() {
            actual == expected
        } else if expected.is_nan() {
            actual.is_nan()
        } else if expected.abs() < 1e-300 {
            // Below 1e-300 the reference's own digits are not meaningful; see
            // the module comment.
            actual.abs() < 1e-290
        } else {
            let d = (actual - expected).abs();
            d <= REL * expected.abs() || d <= ABS
        };
        if !ok {
            let rel = (actual - expected).abs() / expected.abs();
            self.failures.borrow_mut().push(format!(
                "{what}: got {actual:e}, reference {expected:e} (rel {rel:.1e})"
            ));
        }
    }

    fn equal<T: PartialEq + std::fmt::Debug>(&self, what: &str, actual: T, expected: T) {
        *self.compared.borrow_mut() += 1;
        if actual != expected {
            self.failures
                .borrow_mut()
                .push(format!("{what}: got {actual:?}, reference {expected:?}"));
        }
    }

    fn finish(self, min_compared: usize) {
        let failures = self.failures.into_inner();
        let compared = self.compared.into_inner();
        assert!(
            failures.is_empty(),
            "{} of {compared} values disagree:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(compared >= min_compared, "only {compared} values compared");
    }
}

#[test]
fn records_versions() {
    let doc = load();
    let v = &doc["versions"];
    for pkg in [
        "scipy",
        "statsmodels",
        "pingouin",
        "scikit_posthocs",
        "numpy",
    ] {
        assert!(v[pkg].is_string(), "version of {pkg} recorded");
    }
}

#[test]
fn describe_matches_numpy() {
    let doc = load();
    let c = Checker::new();
    for case in doc["describe"].as_array().unwrap() {
        let n = name(case);
        let d = describe(&nums(&case["x"])).unwrap();
        c.equal(&format!("{n} n"), d.n as u64, case["n"].as_u64().unwrap());
        c.equal(
            &format!("{n} n_missing"),
            d.n_missing as u64,
            case["n_missing"].as_u64().unwrap(),
        );
        c.close(&format!("{n} mean"), d.mean, num(&case["mean"]));
        c.close(
            &format!("{n} sd"),
            d.sd.unwrap_or(f64::NAN),
            num(&case["sd"]),
        );
        for key in ["median", "q1", "q3", "min", "max"] {
            let got = match key {
                "median" => d.median,
                "q1" => d.q1,
                "q3" => d.q3,
                "min" => d.min,
                _ => d.max,
            };
            c.close(&format!("{n} {key}"), got, num(&case[key]));
        }
    }
    c.finish(40);
}

#[test]
fn mann_whitney_matches_scipy_and_pingouin() {
    let doc = load();
    let c = Checker::new();
    for case in doc["mann_whitney"].as_array().unwrap() {
        let n = name(case);
        let x = nums(&case["x"]);
        let y = nums(&case["y"]);
        let method = match case["method_requested"].as_str().unwrap() {
            "auto" => MwuMethod::Auto,
            "exact" => MwuMethod::Exact,
            _ => MwuMethod::Asymptotic,
        };
        let used = match case["method_used"].as_str().unwrap() {
            "exact" => MwuMethod::Exact,
            _ => MwuMethod::Asymptotic,
        };
        for (key, alternative) in [
            ("two-sided", Alternative::TwoSided),
            ("less", Alternative::Less),
            ("greater", Alternative::Greater),
        ] {
            let opts = MwuOptions {
                alternative,
                method,
                continuity: true,
            };
            let r = mann_whitney_u_with(&x, &y, opts).unwrap();
            let want = &case[key];
            let w = |k: &str| format!("{n} {key} {k}");
            c.equal(&w("method"), r.method, used);
            c.equal(&w("n1"), r.n1 as u64, case["n1"].as_u64().unwrap());
            c.equal(&w("n2"), r.n2 as u64, case["n2"].as_u64().unwrap());
            c.close(&w("U1"), r.u1, num(&want["u1"]));
            c.close(&w("p"), r.p, num(&want["p"]));
            c.close(&w("RBC (pingouin)"), r.rank_biserial, num(&want["rbc"]));
            c.close(&w("CLES (pingouin)"), r.cles, num(&want["cles"]));
            // The reference's z is (U1 − n1·n2/2)/σ, uncorrected; with the
            // continuity correction the z the p-value came from is moved
            // 0.5/σ as the p-value's numerator was (see `MannWhitney::z`).
            let (z0, d) = (
                num(&case["z"]),
                num(&want["u1"]) - r.n1 as f64 * r.n2 as f64 / 2.0,
            );
            let z_want = if used == MwuMethod::Asymptotic && d != 0.0 {
                let sigma = d / z0;
                let d = match alternative {
                    Alternative::TwoSided => d.signum() * (d.abs() - 0.5).max(0.0),
                    Alternative::Greater => d - 0.5,
                    Alternative::Less => d + 0.5,
                };
                d / sigma
            } else {
                z0
            };
            c.close(&w("z"), r.z.unwrap_or(f64::NAN), z_want);
            let n_all = (r.n1 + r.n2) as f64;
            c.close(&w("r"), r.r.unwrap_or(f64::NAN), z_want / n_all.sqrt());
            if used == MwuMethod::Asymptotic {
                // And the pair agrees: p from z by the normal distribution.
                let from_z = match alternative {
                    Alternative::TwoSided => 2.0 * normal_cdf(-z_want.abs()),
                    Alternative::Greater => 1.0 - normal_cdf(z_want),
                    Alternative::Less => normal_cdf(z_want),
                };
                c.close(&w("p from z"), from_z.min(1.0), num(&want["p"]));
            }
        }
    }
    c.finish(300);
}

fn groups(case: &Value) -> Vec<Vec<f64>> {
    case["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(nums)
        .collect()
}

#[test]
fn kruskal_matches_scipy() {
    let doc = load();
    let c = Checker::new();
    for case in doc["kruskal"].as_array().unwrap() {
        let n = name(case);
        let k = kruskal_wallis(&groups(case)).unwrap();
        c.equal(&format!("{n} n"), k.n as u64, case["n"].as_u64().unwrap());
        c.close(&format!("{n} H"), k.h, num(&case["h"]));
        c.close(&format!("{n} df"), k.df, num(&case["df"]));
        c.close(&format!("{n} p"), k.p, num(&case["p"]));
        c.close(
            &format!("{n} epsilon²"),
            k.epsilon_squared,
            num(&case["epsilon_squared"]),
        );
        c.close(
            &format!("{n} eta²_H"),
            k.eta_squared_h.unwrap_or(f64::NAN),
            num(&case["eta_squared_h"]),
        );
        for (i, (got, want)) in k
            .mean_ranks
            .iter()
            .zip(nums(&case["mean_ranks"]))
            .enumerate()
        {
            c.close(&format!("{n} mean rank {i}"), *got, want);
        }
    }
    c.finish(25);
}

#[test]
fn dunn_matches_scikit_posthocs() {
    let doc = load();
    let c = Checker::new();
    for case in doc["kruskal"].as_array().unwrap() {
        let n = name(case);
        let d = dunn(&groups(case)).unwrap();
        let want = case["dunn"].as_array().unwrap();
        c.equal(&format!("{n} pairs"), d.pairs.len(), want.len());
        for (got, w) in d.pairs.iter().zip(want) {
            let (a, b) = (w["a"].as_u64().unwrap(), w["b"].as_u64().unwrap());
            let what = |k: &str| format!("{n} ({a},{b}) {k}");
            c.equal(&what("pair"), (got.a as u64, got.b as u64), (a, b));
            c.close(&what("z"), got.z, num(&w["z"]));
            c.close(&what("p"), got.p, num(&w["p"]));
            c.close(&what("p holm"), got.p_holm, num(&w["p_holm"]));
            c.close(
                &what("p bonferroni"),
                got.p_bonferroni,
                num(&w["p_bonferroni"]),
            );
        }
    }
    c.finish(50);
}

#[test]
fn spearman_matches_scipy() {
    let doc = load();
    let c = Checker::new();
    for case in doc["spearman"].as_array().unwrap() {
        let n = name(case);
        let s = spearman(&nums(&case["x"]), &nums(&case["y"])).unwrap();
        c.equal(&format!("{n} n"), s.n as u64, case["n"].as_u64().unwrap());
        c.close(&format!("{n} rho"), s.rho, num(&case["rho"]));
        c.close(&format!("{n} p"), s.p, num(&case["p"]));
    }
    c.finish(12);
}

fn table(case: &Value) -> Vec<Vec<u64>> {
    case["table"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn chi_square_matches_scipy() {
    let doc = load();
    let c = Checker::new();
    for case in doc["chi_square"].as_array().unwrap() {
        let n = name(case);
        let t = table(case);
        let r = chi_square(&t, case["correction"].as_bool().unwrap()).unwrap();
        c.close(&format!("{n} chi2"), r.chi2, num(&case["chi2"]));
        c.close(&format!("{n} p"), r.p, num(&case["p"]));
        c.equal(
            &format!("{n} df"),
            r.df as u64,
            case["df"].as_u64().unwrap(),
        );
        c.close(
            &format!("{n} Cramér's V"),
            r.cramers_v.unwrap_or(f64::NAN),
            num(&case["cramers_v"]),
        );
        c.equal(
            &format!("{n} cells below 5"),
            r.cells_expected_below_5 as u64,
            case["cells_expected_below_5"].as_u64().unwrap(),
        );
        for (i, row) in case["expected"].as_array().unwrap().iter().enumerate() {
            for (j, e) in nums(row).into_iter().enumerate() {
                c.close(&format!("{n} expected[{i}][{j}]"), r.expected[i][j], e);
            }
        }
    }
    c.finish(60);
}

#[test]
fn fisher_matches_scipy() {
    let doc = load();
    let c = Checker::new();
    for case in doc["fisher"].as_array().unwrap() {
        let n = name(case);
        let t = table(case);
        for (key, alternative) in [
            ("two-sided", Alternative::TwoSided),
            ("less", Alternative::Less),
            ("greater", Alternative::Greater),
        ] {
            let r = fisher_exact(&t, alternative).unwrap();
            c.close(
                &format!("{n} {key} odds ratio"),
                r.odds_ratio,
                num(&case[key]["odds_ratio"]),
            );
            c.close(&format!("{n} {key} p"), r.p, num(&case[key]["p"]));
        }
    }
    c.finish(40);
}

#[test]
fn ols_matches_statsmodels() {
    let doc = load();
    let c = Checker::new();
    for case in doc["ols"].as_array().unwrap() {
        let n = name(case);
        let data = &case["data"];
        let col = |k: &str| nums(&data[k]);
        let fit = match n {
            "simple" => {
                let (y, x) = (col("y"), col("x"));
                let d = design(
                    NumericColumn {
                        name: "y",
                        values: &y,
                        log1p: false,
                    },
                    &[NumericColumn {
                        name: "x",
                        values: &x,
                        log1p: false,
                    }],
                    &[],
                )
                .unwrap();
                ols(&d).unwrap()
            }
            "multiple_log1p_categorical_missing" => {
                let (views, followers, duration) =
                    (col("views"), col("followers"), col("duration"));
                let topic: Vec<Option<&str>> = data["topic"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str())
                    .collect();
                let d = design(
                    NumericColumn {
                        name: "views",
                        values: &views,
                        log1p: true,
                    },
                    &[
                        NumericColumn {
                            name: "followers",
                            values: &followers,
                            log1p: true,
                        },
                        NumericColumn {
                            name: "duration",
                            values: &duration,
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
            }
            "multiple_raw_counts" => {
                let (likes, views, duration) = (col("likes"), col("views"), col("duration"));
                let d = design(
                    NumericColumn {
                        name: "likes",
                        values: &likes,
                        log1p: false,
                    },
                    &[
                        NumericColumn {
                            name: "views",
                            values: &views,
                            log1p: false,
                        },
                        NumericColumn {
                            name: "duration",
                            values: &duration,
                            log1p: false,
                        },
                    ],
                    &[],
                )
                .unwrap();
                ols(&d).unwrap()
            }
            other => panic!("no Rust side for OLS fixture {other}"),
        };
        c.equal(&format!("{n} n"), fit.n as u64, case["n"].as_u64().unwrap());
        c.equal(
            &format!("{n} n_dropped"),
            fit.n_dropped as u64,
            case["n_dropped"].as_u64().unwrap(),
        );
        c.close(
            &format!("{n} df_model"),
            fit.df_model as f64,
            num(&case["df_model"]),
        );
        c.close(
            &format!("{n} df_resid"),
            fit.df_resid as f64,
            num(&case["df_resid"]),
        );
        c.close(&format!("{n} R²"), fit.r_squared, num(&case["r_squared"]));
        c.close(
            &format!("{n} adj R²"),
            fit.adj_r_squared,
            num(&case["adj_r_squared"]),
        );
        c.close(&format!("{n} F"), fit.f.unwrap(), num(&case["f"]));
        c.close(&format!("{n} F p"), fit.f_p.unwrap(), num(&case["f_p"]));
        c.close(&format!("{n} SSR"), fit.ssr, num(&case["ssr"]));
        let want = case["coefficients"].as_array().unwrap();
        let got_names: Vec<&str> = fit.coefficients.iter().map(|c| c.name.as_str()).collect();
        let want_names: Vec<&str> = want.iter().map(|w| w["name"].as_str().unwrap()).collect();
        c.equal(&format!("{n} coefficient names"), got_names, want_names);
        for (g, w) in fit.coefficients.iter().zip(want) {
            let what = |k: &str| format!("{n} {} {k}", g.name);
            c.close(&what("estimate"), g.estimate, num(&w["estimate"]));
            c.close(&what("se"), g.se, num(&w["se"]));
            c.close(&what("t"), g.t, num(&w["t"]));
            c.close(&what("p"), g.p, num(&w["p"]));
            c.close(&what("ci low"), g.ci_low, num(&w["ci_low"]));
            c.close(&what("ci high"), g.ci_high, num(&w["ci_high"]));
        }
    }
    c.finish(80);
}

/// The standard normal CDF (statrs, as the crate itself uses).
fn normal_cdf(z: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().cdf(z)
}
