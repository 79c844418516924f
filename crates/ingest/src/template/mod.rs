//! Reader for uptake's manual per-video analytics template: a CSV a
//! researcher fills in by reading TikTok's per-video analytics screen in the
//! app, one row per video per date the numbers were read. [`TEMPLATE`] is
//! the blank form `uptake template analytics` prints; it documents every
//! column.
//!
//! The values are what the app shows, so they arrive in the forms listed in
//! `formats.md` §8 "Numbers" (`1.2K`, `18,400`, `1,2 K`, `0:12`, `38%`) and
//! are read with [`crate::number`]. Comment (`#`) and blank lines may appear
//! anywhere; errors give the physical line number in the file, counting
//! those lines, so the user can find the cell in an editor.
//!
//! Lines are read one at a time (a quoted cell may span lines), so memory
//! does not grow with the file.

mod columns;
mod lines;
mod row;

use crate::error::IngestError;
use crate::sink::{Sink, Warning};
use crate::Context;
use columns::{map_columns, normalise_header};
use lines::{separator, split_fields, Lines};
use row::read_row;
use std::io::{BufReader, Read};
use uptake_model::SourceFormat;

/// The blank template `uptake template analytics` prints: comment lines
/// explaining each column, then the header row. It parses as a valid,
/// empty template.
pub const TEMPLATE: &str = "\
# uptake manual analytics template v1
# One row = one video as seen on one date: copy the numbers from the video's analytics screen
# in the TikTok app (open the video, tap ... then Analytics) and write down when you read them.
# Reading the same video again later? Add another row with the new date; rows are never merged.
# Lines starting with # are comments and blank lines are ignored, anywhere in the file.
# Separate cells with commas (or semicolons, as some spreadsheets do) and save as CSV UTF-8.
# Leave a cell empty when the app does not show a number: empty means unknown, never 0.
#
# Columns (in any order; only `video` is required; header case does not matter):
# video              TikTok link (https://www.tiktok.com/@handle/video/7412345678901234567) or the
#                    numeric id. Keep ids as text: a spreadsheet showing 7.41E+18 has lost the id.
# title              Free text to recognise the video.
# posted             When the video was posted: YYYY-MM-DD, or YYYY-MM-DD HH:MM in UTC (the time
#                    gives views at 24 hours, 7 and 30 days; a date alone does not).
# observed           When you read the numbers: YYYY-MM-DD or YYYY-MM-DD HH:MM, in UTC. If empty,
#                    give the time on the command line with `--observed-at`.
# views, likes, comments, shares, saves, new_followers
#                    Counts as the app shows them: 18400, 18,400, 1.2K, 1,2 K or 3.4M. Abbreviated
#                    values such as 1.2K are kept and marked approximate.
# avg_watch_time     Average watch time: 0:12 (minutes:seconds) or 12.5 (seconds).
# watched_full_video Share of views watched to the end: 38% or 0.38.
# for_you, following, personal_profile, search, sound, other_sources
#                    Traffic sources, the share of views from For You, Following, Personal profile,
#                    Search, Sound and Other: 81% or 0.81. Together about 100%.
# top_territories    Top viewer locations as 2-letter country codes with their share, separated by
#                    ; or , (CA:41%; US:33%; Others:26%). `CA 41%` works too.
#
# Example row (remove the leading # to keep it):
# https://www.tiktok.com/@kmb_lab/video/7412345678901234567,Sleep tips,2024-08-30,2024-09-01 12:00,1.2K,310,12,9,4,0:12,38%,3,81%,5%,7%,4%,1%,2%,CA:41%; US:33%
video,title,posted,observed,views,likes,comments,shares,saves,avg_watch_time,watched_full_video,new_followers,for_you,following,personal_profile,search,sound,other_sources,top_territories
";

/// The first line of [`TEMPLATE`], which [`detect`] looks for.
const MARKER: &str = "# uptake manual analytics template";

/// True when `head` (the first bytes of an input) looks like the template:
/// its first non-blank line is the template's marker comment, or its first
/// non-comment line is a header with both a `video` and an `observed`
/// column.
pub fn detect(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if first
        .get(..MARKER.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(MARKER))
    {
        return true;
    }
    let Some(header) = std::iter::once(first)
        .chain(lines)
        .find(|l| !l.starts_with('#'))
    else {
        return false;
    };
    let cells: Vec<String> = header
        .split([',', ';', '\t'])
        .map(|c| normalise_header(c.trim().trim_matches('"')))
        .collect();
    cells.iter().any(|c| c == "video") && cells.iter().any(|c| c == "observed")
}

/// Reads a filled-in template into `sink`: one item per data row, holding
/// the row's [`Video`](uptake_model::Video) and, when any metric is filled
/// in, its [`Observation`](uptake_model::Observation).
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut lines = Lines {
        reader: BufReader::new(input),
        buf: Vec::new(),
        line: 0,
        ctx,
    };
    let Some((header_line, header_text)) = lines.next_record()? else {
        return Err(IngestError::invalid(
            ctx.whole(),
            "expected the manual analytics template's header row (`video,observed,...`), found \
             no data lines; print a fresh template with `uptake template analytics`",
        ));
    };
    let sep = separator(&header_text);
    let header = split_fields(&header_text, sep);
    let columns = map_columns(&header, header_line, ctx, sink)?;
    while let Some((line, text)) = lines.next_record()? {
        let cells = split_fields(&text, sep);
        if cells.iter().all(|c| c.trim().is_empty()) {
            // Spreadsheets save rows of empty cells (`,,,,`) after the data.
            continue;
        }
        if cells.len() > header.len() && cells[header.len()..].iter().any(|c| !c.trim().is_empty())
        {
            sink.warn(Warning {
                location: ctx.at_line(line),
                message: format!(
                    "the row has {} cells but the header {}; the extra cells are ignored",
                    cells.len(),
                    header.len()
                ),
            });
        }
        read_row(&header, &columns, &cells, line, ctx, sink)?;
    }
    Ok(SourceFormat::ManualTemplate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};
    use chrono::NaiveDate;

    fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
        let ctx = Context::new("analytics.csv", options);
        let mut sink = VecSink::default();
        let result = parse(text.as_bytes(), &ctx, &mut sink);
        (result, sink)
    }

    #[test]
    fn the_template_is_detected_and_parses_empty() {
        assert!(detect(TEMPLATE.as_bytes()));
        let (result, sink) = read(TEMPLATE, &Options::default());
        assert!(
            matches!(result, Ok(SourceFormat::ManualTemplate)),
            "{result:?}"
        );
        assert!(sink.items.is_empty());
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    }

    #[test]
    fn detection() {
        assert!(detect(b"\xEF\xBB\xBF\n\nVideo ; Observed ; Views\n"));
        assert!(detect(b"# my notes\nvideo,observed\n"));
        assert!(!detect(b"\xEF\xBB\xBF\"Date\",\"Video Views\"\n"));
        assert!(!detect(b"video,views\n"));
        assert!(!detect(b""));
    }

    /// `posted` with a time is the posting instant (growth at 24 h needs
    /// it); a date alone is only the day; a damaged time names the cell.
    #[test]
    fn posted_may_carry_a_time() {
        let text = "video,posted,observed,views\n\
                    1,2024-09-01 14:30,2024-09-03,5\n\
                    2,2024-09-01,2024-09-03,5\n\
                    3,2024-09-01T14:30:00Z,2024-09-03,5\n";
        let (result, sink) = read(text, &Options::default());
        assert!(result.is_ok(), "{result:?}");
        let videos = sink.videos();
        let at_1430 = Some(1_725_201_000);
        assert_eq!(videos[0].created_at, at_1430);
        assert_eq!(videos[1].created_at, None);
        assert_eq!(videos[2].created_at, at_1430);
        let day = NaiveDate::from_ymd_opt(2024, 9, 1);
        assert!(videos.iter().all(|v| v.posted_on == day), "{videos:?}");
        let (result, _) = read(
            "video,posted,observed,views\n1,2024-09-01 25:99,2024-09-03,5\n",
            &Options::default(),
        );
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("line 2") && e.contains("`posted`") && e.contains("25:99"),
            "{e}"
        );
        // Posted after it was seen: a warning, from the exact time.
        let (_, sink) = read(
            "video,posted,observed,views\n1,2024-09-01 14:30,2024-09-01 12:00,5\n",
            &Options::default(),
        );
        assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    }

    #[test]
    fn quoted_cells_may_span_lines_and_lines_are_physical() {
        let text = "video,title,observed,views\n# note\n1,\"two\nlines\",2024-09-01,5\n\n2,x,2024-09-01,lots\n";
        let (result, sink) = read(text, &Options::default());
        assert_eq!(sink.videos()[0].title.as_deref(), Some("two\nlines"));
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("line 6") && e.contains("`views`") && e.contains("`lots`"),
            "{e}"
        );
    }
}
