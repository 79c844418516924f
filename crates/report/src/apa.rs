//! Numbers as APA style (7th edition, §6.36 and Table 6.5) prints them, for
//! the Markdown tables `uptake stats` and `uptake reliability` write into a
//! manuscript.
//!
//! - p values: exact to three decimals, no leading zero (`p = .034`), and
//!   `p < .001` below that;
//! - statistics that cannot exceed 1 in magnitude (correlations, kappa,
//!   alpha, ICC, proportions): no leading zero (`.82`, `-.07`);
//! - other statistics: a leading zero (`0.53`), two decimals by default.

/// `p = .034`, `p < .001`, `p = 1.000`; NaN gives `p = n/a`.
pub fn p_value(p: f64) -> String {
    if p.is_nan() {
        return "p = n/a".to_string();
    }
    if p < 0.001 {
        "p < .001".to_string()
    } else {
        format!("p = {}", bounded(p, 3))
    }
}

/// A statistic bounded by ±1, without a leading zero: `.82`, `-.07`, `1.00`.
pub fn bounded(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    let s = format!("{x:.decimals$}");
    if let Some(rest) = s.strip_prefix("0.") {
        format!(".{rest}")
    } else if let Some(rest) = s.strip_prefix("-0.") {
        if rest.chars().all(|c| c == '0') {
            // -0.00 reads as zero.
            format!(".{rest}")
        } else {
            format!("-.{rest}")
        }
    } else {
        s
    }
}

/// An unbounded statistic with a leading zero: `0.53`, `12.40`, `-1.96`.
pub fn number(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with("-0.") && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// `Mdn [Q1, Q3]` as `12.0 [4.5, 30.0]`.
pub fn median_iqr(median: f64, q1: f64, q3: f64, decimals: usize) -> String {
    format!(
        "{} [{}, {}]",
        number(median, decimals),
        number(q1, decimals),
        number(q3, decimals)
    )
}

/// `M (SD)` as `12.30 (4.10)`.
pub fn mean_sd(mean: f64, sd: f64, decimals: usize) -> String {
    format!("{} ({})", number(mean, decimals), number(sd, decimals))
}

/// A 95% confidence interval: `[0.12, 0.48]`, or with `bounded` statistics `[.12, .48]`.
pub fn interval(lo: f64, hi: f64, decimals: usize, bounded_stat: bool) -> String {
    let f = |x| {
        if bounded_stat {
            bounded(x, decimals)
        } else {
            number(x, decimals)
        }
    };
    format!("[{}, {}]", f(lo), f(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_follow_apa() {
        assert_eq!(p_value(0.0342), "p = .034");
        assert_eq!(p_value(0.0004), "p < .001");
        assert_eq!(p_value(0.001), "p = .001");
        assert_eq!(p_value(1.0), "p = 1.000");
        assert_eq!(p_value(f64::NAN), "p = n/a");
    }

    #[test]
    fn bounded_statistics_drop_the_leading_zero() {
        assert_eq!(bounded(0.8234, 2), ".82");
        assert_eq!(bounded(-0.071, 2), "-.07");
        assert_eq!(bounded(-0.001, 2), ".00");
        assert_eq!(bounded(1.0, 2), "1.00");
    }

    #[test]
    fn other_statistics_keep_it() {
        assert_eq!(number(0.534, 2), "0.53");
        assert_eq!(number(-1.959, 2), "-1.96");
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(median_iqr(12.0, 4.5, 30.0, 1), "12.0 [4.5, 30.0]");
        assert_eq!(mean_sd(12.3, 4.1, 2), "12.30 (4.10)");
        assert_eq!(interval(0.12, 0.48, 2, true), "[.12, .48]");
    }
}
