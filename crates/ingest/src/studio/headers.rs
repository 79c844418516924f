//! Which Studio file a header row belongs to, and what each column means.
//!
//! Header texts are data: one table per UI language maps the texts seen in
//! real exports or in public code to a canonical [`Field`] (`formats.md`
//! §3.3). Adding a language is adding a table to [`TABLES`]; nothing here
//! invents a translation that no source shows. The user's `[studio.headers]`
//! mapping (header as found → English header) is applied first, so a user can
//! read a Portuguese export today. Matching ignores case and runs of
//! whitespace.

use crate::error::{IngestError, Location};
use uptake_model::SourceFormat;

/// What a column means, whatever the file's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The day (daily files).
    Date,
    /// Video views (daily in Overview, total in Content).
    VideoViews,
    /// Profile views.
    ProfileViews,
    /// Likes (daily in Overview, total in Content).
    Likes,
    /// Comments.
    Comments,
    /// Shares.
    Shares,
    /// New followers that day.
    NewFollowers,
    /// Unique accounts reached (Business Suite overview).
    Reach,
    /// A Business Suite column uptake keeps only in the raw row (product
    /// links, leads, net growth, lost followers).
    BusinessOnly,
    /// Follower total.
    Followers,
    /// FollowerHistory's difference column (ignored: see `daily.rs`).
    FollowerDifference,
    /// Unique viewers.
    TotalViewers,
    /// New viewers.
    NewViewers,
    /// Returning viewers.
    ReturningViewers,
    /// Hour of the day (FollowerActivity).
    Hour,
    /// Active followers in that hour.
    ActiveFollowers,
    /// Gender label.
    Gender,
    /// Territory label.
    Territory,
    /// Fraction of the audience.
    Distribution,
    /// Content.csv export snapshot date.
    Time,
    /// Content.csv video title.
    VideoTitle,
    /// Content.csv video link (holds the id and the handle).
    VideoLink,
    /// Content.csv posting date.
    PostTime,
    /// Saves / favourites / bookmarks.
    Saves,
    /// Average watch time per view.
    AvgWatchTime,
    /// Total play time.
    TotalPlayTime,
    /// Share of views that watched to the end.
    FullWatchRate,
}

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

/// A Studio file kind: the columns it must have and may have.
#[derive(Debug)]
pub struct FileKind {
    /// The format it is read as.
    pub format: SourceFormat,
    /// The file's usual name, for messages.
    pub file: &'static str,
    /// Columns that identify it.
    pub required: &'static [Field],
    /// Columns it may also have.
    pub optional: &'static [Field],
}

/// The Studio files (`formats.md` §3.3), in detection order.
pub const KINDS: &[FileKind] = &[
    FileKind {
        format: SourceFormat::StudioOverview,
        file: "Overview.csv",
        required: &[Field::Date, Field::VideoViews],
        optional: &[
            Field::ProfileViews,
            Field::Likes,
            Field::Comments,
            Field::Shares,
            Field::NewFollowers,
            Field::Reach,
            Field::BusinessOnly,
        ],
    },
    FileKind {
        format: SourceFormat::StudioViewers,
        file: "Viewers.csv",
        required: &[
            Field::Date,
            Field::TotalViewers,
            Field::NewViewers,
            Field::ReturningViewers,
        ],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerHistory,
        file: "FollowerHistory.csv",
        required: &[Field::Date, Field::Followers],
        optional: &[Field::FollowerDifference],
    },
    FileKind {
        format: SourceFormat::StudioFollowerActivity,
        file: "FollowerActivity.csv",
        required: &[Field::Date, Field::Hour, Field::ActiveFollowers],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerGender,
        file: "FollowerGender.csv",
        required: &[Field::Gender, Field::Distribution],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerTerritories,
        file: "FollowerTopTerritories.csv",
        required: &[Field::Territory, Field::Distribution],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioContent,
        file: "Content.csv",
        required: &[Field::VideoLink],
        optional: &[
            Field::Time,
            Field::VideoTitle,
            Field::PostTime,
            Field::VideoViews,
            Field::Likes,
            Field::Comments,
            Field::Shares,
            Field::Saves,
            Field::AvgWatchTime,
            Field::TotalPlayTime,
            Field::FullWatchRate,
        ],
    },
];

/// Normalises a header for matching: BOM dropped, lower-case, whitespace runs
/// (including no-break spaces) collapsed, trimmed.
pub fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A recognised header row.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The file kind.
    pub format: SourceFormat,
    /// The headers as written in the file (BOM removed), by column.
    pub names: Vec<String>,
    /// What each column means, by column.
    pub fields: Vec<Field>,
    /// The UI language the headers are in, when every header came from a
    /// built-in table (not from the user's mapping).
    pub lang: Option<&'static str>,
}

impl Columns {
    /// The column index of `field` (the first, for [`Field::BusinessOnly`]).
    pub fn index(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == field)
    }

    /// The header text of `field` as written in the file (for messages).
    pub fn name(&self, field: Field) -> String {
        self.index(field)
            .and_then(|i| self.names.get(i))
            .cloned()
            .unwrap_or_else(|| english_name(field).to_string())
    }
}

/// The first English header text of `field`.
pub fn english_name(field: Field) -> &'static str {
    ENGLISH
        .headers
        .iter()
        .find(|(_, f)| *f == field)
        .map(|(h, _)| *h)
        .unwrap_or("?")
}

/// Looks `header` up in the tables; returns its meaning and language.
fn lookup(header: &str, tables: &[&HeaderTable]) -> Option<(Field, &'static str)> {
    let key = normalise(header);
    tables.iter().find_map(|t| {
        t.headers
            .iter()
            .find(|(h, _)| normalise(h) == key)
            .map(|(_, f)| (*f, t.lang))
    })
}

/// Recognises a header row. `forced` is the user's `--format`, if it names a
/// Studio file; `header_map` the user's `[studio.headers]` mapping.
pub fn detect(
    raw_headers: &[String],
    header_map: &[(String, String)],
    forced: Option<SourceFormat>,
    location: Location,
) -> Result<Columns, IngestError> {
    let names: Vec<String> = raw_headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut fields = Vec::with_capacity(names.len());
    let mut unknown: Vec<String> = Vec::new();
    let mut bad_targets: Vec<(String, String)> = Vec::new();
    let mut user_mapped = false;
    let mut lang: Option<&'static str> = None;
    for name in &names {
        let mapped = header_map
            .iter()
            .find(|(from, _)| normalise(from) == normalise(name));
        match mapped {
            Some((_, to)) => {
                user_mapped = true;
                match lookup(to, &[&ENGLISH]) {
                    Some((f, _)) => fields.push(f),
                    None => bad_targets.push((name.clone(), to.clone())),
                }
            }
            None => match lookup(name, TABLES) {
                Some((f, l)) => {
                    fields.push(f);
                    if lang.is_none() || lang == Some("en") {
                        lang = Some(l);
                    }
                }
                None => unknown.push(name.clone()),
            },
        }
    }
    if !unknown.is_empty() || !bad_targets.is_empty() {
        return Err(unknown_headers(location, &names, &unknown, &bad_targets));
    }
    let candidates: Vec<&FileKind> = match forced {
        Some(f) => KINDS.iter().filter(|k| k.format == f).collect(),
        None => KINDS.iter().collect(),
    };
    let fits = |k: &FileKind| {
        k.required.iter().all(|r| fields.contains(r))
            && fields
                .iter()
                .all(|f| k.required.contains(f) || k.optional.contains(f))
    };
    let Some(kind) = candidates.into_iter().find(|k| fits(k)) else {
        let mut help = match forced {
            Some(f) => format!(
                "these headers are not those of a `{f}` file (`--format {f}`); expected columns: {}",
                kind_columns(f)
            ),
            None => "every header is known, but together they are not a TikTok Studio file; \
                     expected one of:"
                .to_string(),
        };
        if forced.is_none() {
            for k in KINDS {
                help.push_str(&format!("\n  {}: {}", k.file, kind_columns(k.format)));
            }
        }
        return Err(IngestError::UnknownHeaders {
            location,
            found: quoted_list(&names),
            help,
        });
    };
    // Two columns with one meaning would make the value ambiguous.
    for (i, f) in fields.iter().enumerate() {
        if *f != Field::BusinessOnly && fields.iter().skip(i + 1).any(|g| g == f) {
            return Err(IngestError::invalid(
                location,
                format!(
                    "expected each column once, found two columns meaning `{}`",
                    english_name(*f)
                ),
            ));
        }
    }
    Ok(Columns {
        format: kind.format,
        names,
        fields,
        lang: if user_mapped { None } else { lang },
    })
}

/// The columns of a kind, English names, optional ones in brackets.
fn kind_columns(format: SourceFormat) -> String {
    KINDS
        .iter()
        .find(|k| k.format == format)
        .map(|k| {
            let mut parts: Vec<String> = k
                .required
                .iter()
                .map(|f| english_name(*f).to_string())
                .collect();
            let mut seen: Vec<Field> = Vec::new();
            for f in k.optional {
                if !seen.contains(f) {
                    seen.push(*f);
                    parts.push(format!("[{}]", english_name(*f)));
                }
            }
            parts.join(", ")
        })
        .unwrap_or_default()
}

/// `"a", "b"`.
fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The error for a header row uptake does not know, with the exact TOML to
/// add (one line per unrecognised header; the user fills in the English
/// header it means) and the English headers accepted.
fn unknown_headers(
    location: Location,
    names: &[String],
    unknown: &[String],
    bad_targets: &[(String, String)],
) -> IngestError {
    let mut help = String::new();
    for (from, to) in bad_targets {
        help.push_str(&format!(
            "the mapping {} = {} in `[studio.headers]` names no English Studio header\n",
            toml_string(from),
            toml_string(to)
        ));
    }
    help.push_str(
        "add a mapping to uptake.toml, for example (replace each \"?\" with the English header \
         the column means):\n[studio.headers]\n",
    );
    for name in unknown.iter().chain(bad_targets.iter().map(|(f, _)| f)) {
        help.push_str(&format!("{} = \"?\"\n", toml_string(name)));
    }
    let english: Vec<&str> = ENGLISH.headers.iter().map(|(h, _)| *h).collect();
    help.push_str(&format!("accepted English headers: {}", english.join(", ")));
    IngestError::UnknownHeaders {
        location,
        found: quoted_list(names),
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            msg.contains(
                "[studio.headers]\n\"Data\" = \"?\"\n\"Visualizações de vídeos\" = \"?\"\n"
            ),
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
}
