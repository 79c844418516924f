//! One typed table cell.

/// A value in a table. Renderers decide how each kind looks; the value stays
/// typed so that JSON and CSV carry numbers, not formatted strings.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: "-" in text and Markdown, empty in CSV, `null` in JSON.
    Missing,
    /// Free text (titles, labels). Untrusted: renderers neutralise it.
    Text(String),
    /// An exact count.
    Count(i64),
    /// A count known only approximately (parsed from `1.2K`, rounded stats):
    /// shown with a `~` in text.
    ApproxCount(i64),
    /// A non-integer number (medians, quartiles), shown with `decimals` places.
    Number(f64, usize),
    /// A fraction, shown as a percentage with `decimals` places.
    Percent(f64, usize),
    /// A duration in seconds, shown with one decimal and `s`.
    Seconds(f64),
}

impl Cell {
    /// A count cell, approximate or exact, or missing.
    pub fn count(value: Option<i64>, approximate: bool) -> Cell {
        match value {
            None => Cell::Missing,
            Some(v) if approximate => Cell::ApproxCount(v),
            Some(v) => Cell::Count(v),
        }
    }

    /// A percentage cell (from a fraction) with one decimal, or missing.
    pub fn percent(fraction: Option<f64>) -> Cell {
        fraction.map_or(Cell::Missing, |f| Cell::Percent(f, 1))
    }

    /// A seconds cell, or missing.
    pub fn seconds(value: Option<f64>) -> Cell {
        value.map_or(Cell::Missing, Cell::Seconds)
    }

    /// A text cell, or missing.
    pub fn text(value: Option<impl Into<String>>) -> Cell {
        value.map_or(Cell::Missing, |v| Cell::Text(v.into()))
    }

    /// True for [`Cell::Missing`].
    pub fn is_missing(&self) -> bool {
        matches!(self, Cell::Missing)
    }
}

/// Groups thousands with commas: `1234567` → `1,234,567`.
pub fn group_thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats `v` with `decimals` places and the integer part grouped:
/// `21206.5` → `21,206.5`.
pub fn group_decimal(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let grouped = int
        .parse::<i64>()
        .map(group_thousands)
        .unwrap_or_else(|_| int.to_string());
    let sign = if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(-1234567), "-1,234,567");
        assert_eq!(group_decimal(21206.5, 1), "21,206.5");
        assert_eq!(group_decimal(-0.04, 1), "0.0");
        assert_eq!(group_decimal(-1234.25, 2), "-1,234.25");
    }
}
