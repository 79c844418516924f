//! Matching a header row: normalising header texts, applying the user's
//! `[studio.headers]` mapping, looking texts up in the language tables,
//! choosing the file kind, and the errors (with the TOML to add) for headers
//! uptake does not know.

use super::{Columns, Field, FileKind, HeaderTable, ENGLISH, KINDS, TABLES};
use crate::error::{IngestError, Location};
use uptake_model::SourceFormat;

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
    let mut names: Vec<String> = raw_headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    // A trailing comma or a cleared cell at the end of the header row (a
    // spreadsheet re-save) leaves empty header names: not columns.
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
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
