//! Checks `uptake_stats::reliability` against the reference packages'
//! outputs in `reference/reliability_reference.json` (written by
//! `reference/reliability_reference.py`: krippendorff, scikit-learn,
//! statsmodels, pingouin). Every value must agree to 1e-6; where a reference
//! is undefined (null: an exception or NaN) the Rust function must refuse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use uptake_stats::reliability::{
    cohen_kappa, fleiss_kappa, icc, krippendorff_alpha, krippendorff_alpha_bootstrap,
    percent_agreement, BootstrapOptions, IccDefinition, IccModel, IccUnit, KappaWeights, Level,
    Ratings,
};

const TOL: f64 = 1e-6;

fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reference/reliability_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ratings(fx: &Value) -> Ratings {
    let rows: Vec<Vec<Option<f64>>> = fx["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(Value::as_f64).collect())
        .collect();
    Ratings::from_rows(&rows).unwrap()
}

fn close(what: &str, got: f64, want: &Value) {
    let want = want
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: reference is {want}"));
    assert!(
        (got - want).abs() <= TOL,
        "{what}: got {got}, reference {want} (diff {:e})",
        (got - want).abs()
    );
}

fn fixtures() -> Vec<Value> {
    let doc = load();
    let fx = doc["fixtures"].as_array().unwrap().clone();
    assert!(fx.len() >= 15, "fixtures missing");
    fx
}

#[test]
fn krippendorff_alpha_matches_package() {
    let mut checked = 0;
    for fx in fixtures() {
        let name = fx["name"].as_str().unwrap();
        let r = ratings(&fx);
        for level in Level::ALL {
            let want = &fx["reference"]["alpha"][level.name()]["value"];
            let got = krippendorff_alpha(&r, level);
            if want.is_null() {
                assert!(
                    got.is_err(),
                    "{name} {level:?}: package undefined, got {got:?}"
                );
            } else {
                close(&format!("{name} alpha {level:?}"), got.unwrap().alpha, want);
                checked += 1;
            }
        }
    }
    assert!(checked >= 60);
}

#[test]
fn cohen_kappa_matches_sklearn_and_statsmodels() {
    let mut checked = 0;
    for fx in fixtures() {
        let name = fx["name"].as_str().unwrap();
        let reference = &fx["reference"]["cohen"];
        if reference.is_null() {
            continue;
        }
        let r = ratings(&fx);
        for (key, w) in [
            ("unweighted", KappaWeights::Unweighted),
            ("linear", KappaWeights::Linear),
            ("quadratic", KappaWeights::Quadratic),
        ] {
            let want = &reference[key];
            let got = cohen_kappa(&r, w);
            if want["kappa"].is_null() {
                assert!(got.is_err(), "{name} {key}: sklearn undefined, got {got:?}");
                continue;
            }
            let got = got.unwrap();
            assert_eq!(
                got.units_used as u64,
                reference["units_used"].as_u64().unwrap()
            );
            close(&format!("{name} {key} kappa"), got.kappa, &want["kappa"]);
            close(
                &format!("{name} {key} statsmodels kappa"),
                got.kappa,
                &want["statsmodels_kappa"],
            );
            for (field, value) in [
                ("se", got.se),
                ("ci_low", got.ci_low),
                ("ci_high", got.ci_high),
                ("se_null", got.se_null),
                ("z", got.z),
                ("p_two_sided", got.p_value),
            ] {
                // Perfect agreement gives NaN there (0/0 in statsmodels).
                if !want[field].is_null() {
                    close(&format!("{name} {key} {field}"), value, &want[field]);
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn fleiss_kappa_matches_statsmodels() {
    let mut checked = 0;
    for fx in fixtures() {
        let name = fx["name"].as_str().unwrap();
        let want = &fx["reference"]["fleiss"];
        let got = fleiss_kappa(&ratings(&fx));
        if want["kappa"].is_null() {
            assert!(got.is_err(), "{name}: statsmodels NaN, got {got:?}");
            continue;
        }
        let got = got.unwrap();
        assert_eq!(
            got.units_used as u64,
            want["units_used"].as_u64().unwrap(),
            "{name}"
        );
        close(&format!("{name} fleiss"), got.kappa, &want["kappa"]);
        checked += 1;
    }
    assert!(checked >= 14);
}

#[test]
fn icc_matches_pingouin() {
    let mut checked = 0;
    for fx in fixtures() {
        let name = fx["name"].as_str().unwrap();
        let Some(table) = fx["reference"]["icc"].as_array() else {
            continue;
        };
        let got = icc(&ratings(&fx));
        // Degenerate in pingouin: NaN everywhere when units do not vary;
        // with perfect agreement the residual mean square is rounding noise
        // and pingouin prints ICC 1 with F = -1.7e16 and p = 1. Both are an
        // error here (the F test and interval do not exist).
        let degenerate = |row: &Value| {
            row["icc"].is_null() || row["f"].as_f64().is_none_or(|f| !(0.0..1e12).contains(&f))
        };
        if table.iter().any(degenerate) {
            assert!(got.is_err(), "{name}: pingouin degenerate, got {got:?}");
            continue;
        }
        let got = got.unwrap();
        assert_eq!(table.len(), 6);
        for (row, want) in got.forms.iter().zip(table) {
            assert_eq!(row.pingouin, want["type"].as_str().unwrap());
            let what = format!("{name} {}", row.pingouin);
            close(&format!("{what} icc"), row.icc, &want["icc"]);
            close(&format!("{what} F"), row.f, &want["f"]);
            close(&format!("{what} df1"), row.df1, &want["df1"]);
            close(&format!("{what} df2"), row.df2, &want["df2"]);
            close(&format!("{what} p"), row.p_value, &want["pval"]);
            close(&format!("{what} ci low"), row.ci_low, &want["ci_low"]);
            close(&format!("{what} ci high"), row.ci_high, &want["ci_high"]);
            checked += 1;
        }
        // The alias forms carry the same numbers as pingouin's rows.
        let alias = |m, d, u| got.get(m, d, u).unwrap().clone();
        let random_c = alias(
            IccModel::TwoWayRandom,
            IccDefinition::Consistency,
            IccUnit::Single,
        );
        let mixed_c = alias(
            IccModel::TwoWayMixed,
            IccDefinition::Consistency,
            IccUnit::Single,
        );
        assert_eq!(
            (random_c.icc, random_c.ci_low),
            (mixed_c.icc, mixed_c.ci_low)
        );
        let mixed_a = alias(
            IccModel::TwoWayMixed,
            IccDefinition::AbsoluteAgreement,
            IccUnit::Average,
        );
        let random_a = alias(
            IccModel::TwoWayRandom,
            IccDefinition::AbsoluteAgreement,
            IccUnit::Average,
        );
        assert_eq!(
            (mixed_a.icc, mixed_a.ci_high),
            (random_a.icc, random_a.ci_high)
        );
        assert_eq!(got.forms.len(), 10);
    }
    assert!(checked >= 14 * 6, "{checked}"); // 17 fixtures, 3 degenerate
}

#[test]
fn percent_agreement_matches_definition() {
    for fx in fixtures() {
        let name = fx["name"].as_str().unwrap();
        let want = &fx["reference"]["percent_agreement"];
        let got = percent_agreement(&ratings(&fx)).unwrap();
        assert_eq!(
            got.units_used as u64,
            want["units_used"].as_u64().unwrap(),
            "{name}"
        );
        close(
            &format!("{name} percent agreement"),
            got.agreement,
            &want["value"],
        );
    }
}

#[test]
fn bootstrap_on_reference_fixture_is_reproducible() {
    let fx = fixtures()
        .into_iter()
        .find(|f| f["name"] == "large_n2000_6c_missing")
        .unwrap();
    let r = ratings(&fx);
    let opts = BootstrapOptions::default();
    for level in Level::ALL {
        let a = krippendorff_alpha_bootstrap(&r, level, &opts).unwrap();
        assert_eq!(a, krippendorff_alpha_bootstrap(&r, level, &opts).unwrap());
        close(
            &format!("bootstrap point estimate {level:?}"),
            a.estimate.alpha,
            &fx["reference"]["alpha"][level.name()]["value"],
        );
        assert!(
            a.ci_low < a.estimate.alpha && a.estimate.alpha < a.ci_high,
            "{a:?}"
        );
        assert!(a.ci_high - a.ci_low < 0.1, "{a:?}");
    }
}
