//! The header texts of each UI language, as data: one [`HeaderTable`] per
//! language, and [`TABLES`], the list header matching searches.

use super::Field;

/// One UI language's header texts.
#[derive(Debug)]
pub struct HeaderTable {
    /// BCP-47 language of the UI (also used to read the file's dates).
    pub lang: &'static str,
    /// Header text → meaning. A field may have several texts (old and new
    /// header sets).
    pub headers: &'static [(&'static str, Field)],
}

/// English headers, old and new sets (`formats.md` §3.3 \[real\], Business
/// Suite variant \[code: cgillinger/tiktok_stats\], third-party Content
/// columns \[3rd\]).
pub const ENGLISH: HeaderTable = HeaderTable {
    lang: "en",
    headers: &[
        ("Date", Field::Date),
        ("Video Views", Field::VideoViews),
        ("Total views", Field::VideoViews),
        ("Profile Views", Field::ProfileViews),
        ("Likes", Field::Likes),
        ("Total likes", Field::Likes),
        ("Comments", Field::Comments),
        ("Total comments", Field::Comments),
        ("Shares", Field::Shares),
        ("Total shares", Field::Shares),
        ("New followers", Field::NewFollowers),
        ("Reached audience", Field::Reach),
        ("Product link clicks", Field::BusinessOnly),
        ("Product link complete payment", Field::BusinessOnly),
        ("Product link GMV", Field::BusinessOnly),
        ("Website clicks", Field::BusinessOnly),
        ("Phone number clicks", Field::BusinessOnly),
        ("Leads submission", Field::BusinessOnly),
        ("App download link clicks", Field::BusinessOnly),
        ("Net growth", Field::BusinessOnly),
        ("Lost followers", Field::BusinessOnly),
        ("Followers", Field::Followers),
        (
            "Difference in followers from previous day",
            Field::FollowerDifference,
        ),
        ("Total Viewers", Field::TotalViewers),
        ("New Viewers", Field::NewViewers),
        ("Returning Viewers", Field::ReturningViewers),
        ("Hour", Field::Hour),
        ("Active followers", Field::ActiveFollowers),
        ("Gender", Field::Gender),
        ("Top territories", Field::Territory),
        ("Distribution", Field::Distribution),
        ("Time", Field::Time),
        ("Video title", Field::VideoTitle),
        ("Video link", Field::VideoLink),
        ("Post time", Field::PostTime),
        ("Add to favorites", Field::Saves),
        ("Total bookmarks", Field::Saves),
        ("Average watch time", Field::AvgWatchTime),
        ("Total play time", Field::TotalPlayTime),
        ("Watched full video", Field::FullWatchRate),
    ],
};

/// Swedish Content headers \[code: cgillinger/tiktok_stats f556f3d,
/// `formats.md` §3.3\]. No other Swedish header set has a source yet.
pub const SWEDISH: HeaderTable = HeaderTable {
    lang: "sv",
    headers: &[
        ("Videotitel", Field::VideoTitle),
        ("Videolänk", Field::VideoLink),
        ("Publiceringstid", Field::PostTime),
        ("Videovisningar", Field::VideoViews),
        ("Gilla-markeringar", Field::Likes),
        ("Kommentarer", Field::Comments),
        ("Delningar", Field::Shares),
        ("Lägg till i Favoriter", Field::Saves),
    ],
};

/// Every language table, English first.
pub const TABLES: &[&HeaderTable] = &[&ENGLISH, &SWEDISH];
