//! Text from imported files shown on a terminal: error messages and
//! warnings quote what a file holds, and a file is hostile. An escape
//! sequence in a CSV header would otherwise reach the terminal live, and a
//! 100 MB header cell would be printed whole.

use std::fmt::Write as _;

/// Longest line shown, in characters; the rest is counted, not shown.
const MAX_LINE: usize = 2_000;
/// Most lines shown of one message.
const MAX_LINES: usize = 200;

/// `text` made safe to print: control characters other than newline and
/// tab, and the bidirectional overrides that reorder what a reader sees,
/// are written as `\u{…}`; each line is cut at [`MAX_LINE`] characters and
/// the message at [`MAX_LINES`] lines, saying how much was left out.
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_LINE * 4));
    let mut lines = text.split('\n');
    for (n, line) in lines.by_ref().take(MAX_LINES).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        // The character read when the line is found too long, not shown.
        let mut over = 0usize;
        let mut chars = line.chars();
        for (shown, c) in chars.by_ref().enumerate() {
            if shown == MAX_LINE {
                over = 1;
                break;
            }
            if (c.is_control() && c != '\t') || is_bidi_control(c) {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            } else {
                out.push(c);
            }
        }
        let rest = chars.count() + over;
        if rest > 0 {
            let _ = write!(out, "… ({rest} more characters)");
        }
    }
    let more = lines.count();
    if more > 0 {
        let _ = write!(out, "\n… ({more} more lines)");
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn control_characters_are_shown_not_run() {
        assert_eq!(
            safe("header `\u{1b}[31mRED` and \0\0"),
            "header `\\u{1b}[31mRED` and \\u{0}\\u{0}"
        );
        assert_eq!(safe("a\tb\nc\r"), "a\tb\nc\\u{d}");
        assert_eq!(safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(safe("plain: é 😀"), "plain: é 😀");
    }

    #[test]
    fn long_lines_and_many_lines_are_cut() {
        let long = "x".repeat(100_000);
        let shown = safe(&format!("found `{long}`"));
        assert!(shown.len() < 2_100, "{}", shown.len());
        assert!(shown.ends_with("(98008 more characters)"), "{shown}");
        let many = "line\n".repeat(1_000);
        let shown = safe(&many);
        assert_eq!(shown.lines().count(), 201);
        assert!(shown.ends_with("… (801 more lines)"), "{shown}");
    }
}
