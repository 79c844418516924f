//! Unit tests of header recognition: every English header set, the
//! language, the user's mapping, and the errors for unknown, unfitting and
//! duplicate headers.

use super::*;
use crate::error::Location;

fn heads(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn format_of(list: &[&str]) -> Option<SourceFormat> {
    detect(&heads(list), &[], None, Location::file("t.csv"))
        .ok()
        .map(|c| c.format)
}

#[test]
fn every_english_set_is_recognised() {
    let cases: &[(&[&str], SourceFormat)] = &[
        (
            &[
                "Date",
                "Video Views",
                "Profile Views",
                "Likes",
                "Comments",
                "Shares",
            ],
            SourceFormat::StudioOverview,
        ),
        (
            &[
                "\u{feff}Date",
                "Video Views",
                "Profile Views",
                "Likes",
                "Comments",
                "Shares",
                "New followers",
            ],
            SourceFormat::StudioOverview,
        ),
        (
            &[
                "Date",
                "Video views",
                "Reached audience",
                "Profile views",
                "Likes",
                "Shares",
                "Comments",
                "Product link clicks",
                "Product link complete payment",
                "Product link GMV",
                "Website clicks",
                "Phone number clicks",
                "Leads submission",
                "App download link clicks",
                "Net growth",
                "New followers",
                "Lost followers",
            ],
            SourceFormat::StudioOverview,
        ),
        (
            &["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
            SourceFormat::StudioViewers,
        ),
        (
            &[
                "Date",
                "Followers",
                "Difference in followers from previous day",
            ],
            SourceFormat::StudioFollowerHistory,
        ),
        (
            &["Date", "Hour", "Active followers"],
            SourceFormat::StudioFollowerActivity,
        ),
        (
            &["Gender", "Distribution"],
            SourceFormat::StudioFollowerGender,
        ),
        (
            &["Top territories", "Distribution"],
            SourceFormat::StudioFollowerTerritories,
        ),
        (
            &[
                "Time",
                "Video title",
                "Video link",
                "Post time",
                "Total likes",
                "Total comments",
                "Total shares",
                "Total views",
            ],
            SourceFormat::StudioContent,
        ),
        (
            &[
                "Video title",
                "Video link",
                "Post time",
                "Video views",
                "Likes",
                "Comments",
                "Shares",
                "Add to favorites",
            ],
            SourceFormat::StudioContent,
        ),
        (
            &[
                "Video title",
                "Video link",
                "Post time",
                "Total views",
                "Average watch time",
                "Total play time",
                "Watched full video",
                "Total bookmarks",
            ],
            SourceFormat::StudioContent,
        ),
        (
            &[
                "Videotitel",
                "Videolänk",
                "Publiceringstid",
                "Videovisningar",
                "Gilla-markeringar",
                "Kommentarer",
                "Delningar",
                "Lägg till i Favoriter",
            ],
            SourceFormat::StudioContent,
        ),
        (
            &["  DATE ", "video\u{a0} views"],
            SourceFormat::StudioOverview,
        ),
    ];
    for (list, want) in cases {
        assert_eq!(format_of(list), Some(*want), "{list:?}");
    }
}

#[test]
fn language_comes_from_the_headers() {
    let sv = detect(
        &heads(&["Videotitel", "Videolänk"]),
        &[],
        None,
        Location::file("t"),
    );
    assert_eq!(sv.ok().and_then(|c| c.lang), Some("sv"));
    let en = detect(
        &heads(&["Date", "Video Views"]),
        &[],
        None,
        Location::file("t"),
    );
    assert_eq!(en.ok().and_then(|c| c.lang), Some("en"));
}

#[test]
fn user_mapping_applies_first() {
    let map = vec![
        ("Data".to_string(), "Date".to_string()),
        (
            "Visualizações de vídeos".to_string(),
            "Video Views".to_string(),
        ),
    ];
    let got = detect(
        &heads(&["Data", "visualizações  de vídeos"]),
        &map,
        None,
        Location::file("t"),
    );
    let got = got.ok();
    assert_eq!(
        got.as_ref().map(|c| c.format),
        Some(SourceFormat::StudioOverview)
    );
    assert_eq!(got.and_then(|c| c.lang), None);
}

#[test]
fn unknown_headers_suggest_toml() {
    let err = detect(
        &heads(&["Data", "Visualizações de vídeos"]),
        &[],
        None,
        Location::file("t"),
    );
    let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("unknown header set \"Data\", \"Visualizações de vídeos\""),
        "{msg}"
    );
    assert!(
        msg.contains("[studio.headers]\n\"Data\" = \"?\"\n\"Visualizações de vídeos\" = \"?\"\n"),
        "{msg}"
    );
    assert!(
        msg.contains("accepted English headers: Date, Video Views,"),
        "{msg}"
    );
}

#[test]
fn known_headers_that_form_no_file_are_rejected() {
    let err = detect(&heads(&["Date", "Gender"]), &[], None, Location::file("t"));
    let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("not a TikTok Studio file"), "{msg}");
    assert!(
        msg.contains("FollowerGender.csv: Gender, Distribution"),
        "{msg}"
    );
}

#[test]
fn forced_format_must_fit() {
    let err = detect(
        &heads(&["Date", "Video Views"]),
        &[],
        Some(SourceFormat::StudioViewers),
        Location::file("t"),
    );
    assert!(err.is_err());
    let ok = detect(
        &heads(&["Date", "Followers"]),
        &[],
        Some(SourceFormat::StudioFollowerHistory),
        Location::file("t"),
    );
    assert!(ok.is_ok());
}

#[test]
fn duplicate_meanings_are_rejected() {
    let err = detect(
        &heads(&["Date", "Video Views", "Total views"]),
        &[],
        None,
        Location::file("t"),
    );
    assert!(err.is_err());
}

#[test]
fn trailing_empty_header_cells_are_not_columns() {
    let got = detect(
        &heads(&["Date", "Video Views", "", " "]),
        &[],
        None,
        Location::file("t"),
    );
    let got = got.ok();
    assert_eq!(
        got.as_ref().map(|c| c.format),
        Some(SourceFormat::StudioOverview)
    );
    assert_eq!(got.map(|c| c.names.len()), Some(2));
    // An empty name between columns is still unknown.
    assert!(detect(
        &heads(&["Date", "", "Video Views"]),
        &[],
        None,
        Location::file("t")
    )
    .is_err());
}
