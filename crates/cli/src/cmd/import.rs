//! `uptake import`: read files into the project, one transaction per file.

use super::Ctx;
use crate::file_hash::{sha256_file, StreamHash};
use crate::import_sink::StoreSink;
use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use uptake_ingest::Options;
use uptake_model::{SourceFormat, PLATFORM_TIKTOK};
use uptake_store::{NewImport, Store};
/// How far an import has got: the web app's type, so that `uptake serve`
/// hands the same reports to its jobs.
pub use uptake_web::config::ImportProgress;
pub use when::{parse_offset, parse_utc};

mod when;

/// Import files, folders or ZIPs; the format is detected from the content.
///
/// Reads TikTok Studio downloads (Overview, Content, Viewers, FollowerHistory,
/// FollowerActivity, FollowerGender, FollowerTopTerritories; CSV or XLSX,
/// loose or in their ZIPs), TikTok API for Business account and video-list
/// responses, Display API video responses, and the manual template
/// (`uptake template analytics`). Each file is one transaction: a file with
/// an error stores nothing. Importing the same bytes again changes nothing.
///
/// Studio dates have no year: uptake takes it from the Overview ZIP's name,
/// from --export-date, or from the ZIP's timestamps (with a warning).
///
/// Examples:
///   uptake import ~/Downloads/Overview_2025-11-01_1767134469_our_lab.zip
///   uptake import exports/                       (every file in the folder)
///   uptake import Followers_our_lab.zip --export-date 2026-02-19
///   uptake import Content.csv --lang sv
///   uptake import studio/ responses/ --keep-going
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files, folders (read recursively) or ZIPs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read every file as this format instead of detecting it.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<SourceFormat>,
    /// UI language of Studio files (en, en-GB, fr, es, pt, de, sv, ru, el, vi, id).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// The day the Studio files were downloaded (YYYY-MM-DD): gives their dates a year.
    #[arg(long, value_name = "DATE")]
    pub export_date: Option<NaiveDate>,
    /// When API responses or template rows without a time were observed
    /// (YYYY-MM-DD or "YYYY-MM-DD HH:MM", UTC).
    #[arg(long, value_name = "TIME")]
    pub observed_at: Option<String>,
    /// UTC offset of naive local timestamps (pyktok's `video_timestamp`, 4CAT
    /// comments' `timestamp`), e.g. `-05:00` or `+01:00`: the zone of the
    /// computer that ran pyktok or 4CAT.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub tz_offset: Option<String>,
    /// Go on with the other files after a file fails (each is still all-or-nothing).
    #[arg(long)]
    pub keep_going: bool,
}

/// File types a folder walk picks up; anything else in a folder is skipped.
/// Not `.txt`: export folders hold notes and READMEs as text files, and no
/// format uptake reads is saved as `.txt` by its tool (name such a file on
/// the command line to import it).
const READABLE: &[&str] = &["csv", "tsv", "xlsx", "zip", "json", "ndjson", "jsonl"];

/// The files to import under `path`, in name order. Each folder is listed
/// once, by its canonical path: a symbolic link back to a parent (`a -> .`,
/// as unpacked archives can hold) would otherwise be walked forever.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    collect_in(path, out, &mut std::collections::HashSet::new())
}

fn collect_in(
    path: &Path,
    out: &mut Vec<PathBuf>,
    listed: &mut std::collections::HashSet<PathBuf>,
) -> Result<()> {
    if path.is_dir() {
        let canonical = std::fs::canonicalize(path)
            .with_context(|| format!("cannot open folder `{}`", path.display()))?;
        if !listed.insert(canonical) {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot list `{}`", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                collect_in(&p, out, listed)?;
            } else {
                let ext = p
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                if READABLE.contains(&ext.as_str()) {
                    out.push(p);
                }
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// What happened to one file.
pub enum Outcome {
    /// Stored, with a one-line report and warnings.
    Imported(String),
    /// Already imported before.
    Unchanged(String),
}

/// Imports one file in one transaction, with a progress bar on a terminal.
/// Public so that `uptake demo` uses exactly the same path as `uptake import`.
pub fn import_file(store: &mut Store, path: &Path, options: &Options) -> Result<Outcome> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() && size > 4 << 20 {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(shown.clone());
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut records = 0;
    // The command line takes the database for itself when it can (see
    // `Store::begin_bulk_import`); the web app shares it with its readers.
    let outcome = import_file_in(store, path, options, None, Sharing::Bulk, &mut |p| {
        bar.set_length(p.total_bytes);
        bar.set_position(p.bytes_read);
        if p.records != records {
            records = p.records;
            bar.set_message(format!("{shown}: {records} records"));
        }
    });
    bar.finish_and_clear();
    outcome
}

/// Imports one file in one transaction, calling `progress` as reading
/// advances: bytes read of the file's size (never decreasing, ending at the
/// size once the file is read) and records so far. `display_name` is the
/// name recorded in the import history and shown in messages (an upload's
/// own name rather than its temporary path); `None` uses the path.
pub fn import_file_with(
    store: &mut Store,
    path: &Path,
    options: &Options,
    display_name: Option<&str>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Outcome> {
    import_file_in(
        store,
        path,
        options,
        display_name,
        Sharing::Shared,
        progress,
    )
}

/// A placeholder for `imports.sha256` (which is unique) while an import
/// runs.
fn pending_sha256() -> String {
    static PENDING: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PENDING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}{}-{n}", uptake_store::PENDING_PREFIX, std::process::id())
}

/// Whether an import shares the database with readers while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sharing {
    /// Readers see the state before the import until it commits (the web app).
    Shared,
    /// The import takes the database for itself if nobody else has it open
    /// (`Store::begin_bulk_import`): faster, and readers wait.
    Bulk,
}

fn import_file_in(
    store: &mut Store,
    path: &Path,
    options: &Options,
    display_name: Option<&str>,
    sharing: Sharing,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Outcome> {
    let shown = display_name.map_or_else(|| path.display().to_string(), str::to_string);
    let unchanged = |prev: uptake_store::ImportRow| {
        Outcome::Unchanged(format!(
            "unchanged `{shown}`: the same bytes were imported on {} as import #{} (`{}`); nothing changed",
            super::format_time(prev.imported_at),
            prev.id,
            prev.file_name
        ))
    };
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    if !meta.is_file() {
        // The file may be read twice (hashed before it is parsed, or a ZIP
        // hashed after): a pipe cannot be.
        bail!(
            "`{}` is not a regular file (a pipe or a device?): save it to a file first, then import that file",
            path.display()
        );
    }
    let size = meta.len();
    // A file can only repeat an earlier import of the same size. Only then
    // is it hashed before reading; otherwise it is hashed as it is read
    // (see `StreamHash`), and the hash recorded before the commit.
    let known_sha256 = if store.has_import_of_size(size)? {
        let (sha256, _) = sha256_file(path)?;
        if let Some(prev) = store.find_import(&sha256)? {
            progress(ImportProgress {
                bytes_read: size,
                total_bytes: size,
                records: 0,
            });
            return Ok(unchanged(prev));
        }
        Some(sha256)
    } else {
        None
    };
    import_read(
        store,
        path,
        options,
        &shown,
        size,
        sharing,
        known_sha256,
        &unchanged,
        progress,
    )
}

/// The reading and storing half of [`import_file_with`], once the file is
/// known not to repeat an earlier import, or will be hashed as it is read
/// (`known_sha256` is `None`).
#[allow(clippy::too_many_arguments)]
fn import_read(
    store: &mut Store,
    path: &Path,
    options: &Options,
    shown: &str,
    size: u64,
    sharing: Sharing,
    known_sha256: Option<String>,
    unchanged: &dyn Fn(uptake_store::ImportRow) -> Outcome,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Outcome> {
    let options_json = serde_json::json!({
        "format": options.format.map(|f| f.name()),
        "lang": options.lang,
        "export_date": options.export_date.map(|d| d.to_string()),
        "observed_at": options.observed_at,
        "account": options.account,
        "tz_offset_minutes": options.naive_tz_offset_minutes,
        "keep_handles": options.keep_handles,
    })
    .to_string();
    let new = NewImport {
        file_name: uptake_ingest::privacy::scrub_handles_in_text(shown, options.account.as_deref()),
        // Never visible: replaced by `set_sha256` before the commit, or
        // rolled back.
        sha256: pending_sha256(),
        byte_size: size,
        imported_at: chrono::Utc::now().timestamp(),
        options_json,
    };
    let mut tx = match sharing {
        Sharing::Shared => store.begin_import(&new, PLATFORM_TIKTOK)?,
        Sharing::Bulk => store.begin_bulk_import(&new, PLATFORM_TIKTOK)?,
    };
    let mut sink = StoreSink::new(&mut tx, options.account.clone());
    let records = sink.record_counter();
    // The reader reports its position in the file, which goes back when it
    // seeks (a ZIP's directory is at its end): report the furthest point.
    let mut furthest = 0u64;
    let mut hash = StreamHash::default();
    let hashing = known_sha256.is_none();
    let summary = uptake_ingest::read_path_pipelined(
        path,
        options,
        &mut sink,
        &mut |pos| {
            let pos = pos.min(size);
            if pos > furthest {
                furthest = pos;
                progress(ImportProgress {
                    bytes_read: pos,
                    total_bytes: size,
                    records: records.get(),
                });
            }
        },
        &mut |offset, bytes| {
            if hashing {
                hash.see(offset, bytes);
            }
        },
    )?;
    progress(ImportProgress {
        bytes_read: size,
        total_bytes: size,
        records: records.get(),
    });
    let warnings = sink.finish()?;
    let sha256 = match known_sha256 {
        Some(sha256) => sha256,
        None => {
            hash.hash_rest(path)?;
            let (sha256, hashed) = hash.finish();
            let now = std::fs::metadata(path).map(|m| m.len()).ok();
            if hashed != size || now != Some(size) {
                bail!(
                    "`{shown}` changed while it was being imported ({size} bytes when it was \
                     opened, {hashed} hashed{}); nothing was stored; import it again once it is \
                     complete",
                    now.map_or(String::new(), |n| format!(", {n} now"))
                );
            }
            sha256
        }
    };
    // Checked here, inside the transaction, even when the hash was known
    // before reading: another uptake may have imported the same bytes meanwhile.
    if let Some(prev) = tx.set_sha256(&sha256)? {
        // Dropping the transaction leaves the database as it was.
        return Ok(unchanged(prev));
    }
    let formats: Vec<String> = summary
        .formats()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let counts = tx.commit(&formats)?;
    let mut report = format!(
        "imported `{shown}` ({}): {} records; {} new videos, {} observations, {} account days",
        formats.join(", "),
        counts.items,
        counts.new_videos,
        counts.observations,
        counts.account_days
    );
    if counts.audience_entries > 0 {
        report.push_str(&format!(", {} audience entries", counts.audience_entries));
    }
    if counts.comment_captures > 0 {
        report.push_str(&format!(
            ", {} new comments ({} captures)",
            counts.new_comments, counts.comment_captures
        ));
    }
    if counts.profiles > 0 {
        report.push_str(&format!(", {} profile snapshots", counts.profiles));
    }
    if counts.repeats > 0 {
        report.push_str(&format!(
            ", {} repeated capture{} left out (already stored)",
            counts.repeats,
            if counts.repeats == 1 { "" } else { "s" }
        ));
    }
    if counts.follower_activity > 0 {
        report.push_str(&format!(
            ", {} follower-activity hours",
            counts.follower_activity
        ));
    }
    if !warnings.is_empty() {
        report.push_str(&format!(
            "; {} warning{}",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        ));
        for w in warnings.iter().take(5) {
            report.push_str(&format!(
                "\n  warning: {}",
                crate::terminal::safe(&format!("{}: {}", w.location, w.message))
            ));
        }
        if warnings.len() > 5 {
            report.push_str(&format!(
                "\n  … {} more (see `uptake status --warnings`)",
                warnings.len() - 5
            ));
        }
    }
    if counts.repeats_unchecked {
        report.push_str(
            "\n  note: the file holds more captures than are checked for repeats in memory \
             (2,000,000 of a kind in a first import); repeats among the rest were stored",
        );
    }
    Ok(Outcome::Imported(report))
}

/// Builds reader options from the arguments and the project's configuration.
pub fn options(
    args_format: Option<SourceFormat>,
    lang: Option<String>,
    export_date: Option<NaiveDate>,
    observed_at: Option<i64>,
    project: &crate::project::Project,
) -> Result<Options> {
    Ok(Options {
        secret: Some(project.secret()?),
        keep_handles: project.config.privacy.store_handles,
        naive_tz_offset_minutes: None,
        format: args_format,
        lang,
        export_date,
        account: project.account_handle(),
        header_map: project
            .config
            .studio
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        observed_at,
    })
}

/// Runs `uptake import`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    // Validate everything before touching the project.
    let observed_at = match &args.observed_at {
        Some(t) => Some(parse_utc(t).ok_or_else(|| {
            anyhow!("--observed-at: expected `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (UTC), found `{t}`")
        })?),
        None => None,
    };
    let tz_offset = match &args.tz_offset {
        Some(t) => Some(parse_offset(t).ok_or_else(|| {
            anyhow!(
                "--tz-offset: expected an offset such as `-05:00`, `+01:00` or `Z`, found `{t}`"
            )
        })?),
        None => None,
    };
    let missing: Vec<String> = args
        .paths
        .iter()
        .filter(|p| !p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if !missing.is_empty() {
        bail!(
            "no such file or folder: {}; nothing was imported",
            missing.join(", ")
        );
    }
    let project = ctx.project()?;
    let mut files = Vec::new();
    for p in &args.paths {
        collect(p, &mut files)?;
    }
    if files.is_empty() {
        bail!("no importable files (.csv, .xlsx, .zip, .json, ...) in the given folders");
    }
    let mut options = options(
        args.format,
        args.lang.clone(),
        args.export_date,
        observed_at,
        &project,
    )?;
    options.naive_tz_offset_minutes = tz_offset;
    let mut store = project.open_store()?;
    let mut failed = 0usize;
    for (i, file) in files.iter().enumerate() {
        match import_file(&mut store, file, &options) {
            Ok(Outcome::Imported(line)) | Ok(Outcome::Unchanged(line)) => {
                super::print(&format!("{line}\n"))?;
            }
            Err(e) => {
                failed += 1;
                let msg = format!("{e:#}");
                if args.keep_going {
                    eprintln!(
                        "error: {}\n  nothing from `{}` was stored",
                        crate::terminal::safe(&msg),
                        file.display()
                    );
                } else {
                    let skipped = files.len() - i - 1;
                    let rest = if skipped > 0 {
                        format!(
                            "; {skipped} later file(s) not tried (use --keep-going to try them)"
                        )
                    } else {
                        String::new()
                    };
                    bail!(
                        "{msg}\n  nothing from `{}` was stored{rest}",
                        file.display()
                    );
                }
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} files failed to import; the others were stored",
            files.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

    use super::{import_file_with, ImportProgress, Outcome};
    use std::path::{Path, PathBuf};
    use uptake_ingest::Options;
    use uptake_model::PseudonymSecret;
    use uptake_store::Store;

    fn example(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/kmb-demo")
            .join(name)
    }

    fn options() -> Options {
        Options {
            secret: Some(PseudonymSecret::from_bytes([7; 32])),
            account: Some("synthetic_kmb_lab".into()),
            ..Options::default()
        }
    }

    /// Imports `name` into a fresh database, returning every progress report.
    fn reports(name: &str, display: Option<&str>) -> (Vec<ImportProgress>, u64, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("uptake.db")).unwrap();
        let path = example(name);
        let size = std::fs::metadata(&path).unwrap().len();
        let mut seen = Vec::new();
        let outcome = import_file_with(&mut store, &path, &options(), display, &mut |p| {
            seen.push(p)
        })
        .unwrap();
        assert!(matches!(outcome, Outcome::Imported(_)));
        (seen, size, store)
    }

    fn check_monotonic(seen: &[ImportProgress], size: u64) {
        assert!(!seen.is_empty(), "progress was reported");
        for pair in seen.windows(2) {
            assert!(
                pair[1].bytes_read >= pair[0].bytes_read,
                "bytes went back: {pair:?}"
            );
            assert!(
                pair[1].records >= pair[0].records,
                "records went back: {pair:?}"
            );
        }
        assert!(seen.iter().all(|p| p.total_bytes == size));
        assert!(seen.iter().all(|p| p.bytes_read <= size));
        assert_eq!(seen.last().map(|p| p.bytes_read), Some(size));
    }

    #[test]
    fn progress_rises_to_the_file_size_with_the_records_read() {
        let (seen, size, store) = reports("zeeschuimer_comments.ndjson", None);
        check_monotonic(&seen, size);
        assert!(seen.len() > 3, "a large file reports as it goes: {seen:?}");
        // Each report is where the reader was when it handed over the batch
        // just stored, not how far it has run ahead since: the same file
        // gives the same reports however fast each thread is.
        let (again, _, _) = reports("zeeschuimer_comments.ndjson", None);
        assert_eq!(again, seen);
        assert!(seen[0].bytes_read < size, "the first report is not the end");
        let last = seen.last().map_or(0, |p| p.records);
        assert!(
            seen.iter().any(|p| p.records > 0 && p.records < last),
            "records are counted while reading: {seen:?}"
        );
        let imports = store.imports().unwrap();
        assert_eq!(
            seen.last().map(|p| p.records),
            Some(imports[0].items as u64),
            "the last report counts every record stored"
        );
    }

    #[test]
    fn progress_never_goes_back_when_a_zip_is_read_out_of_order() {
        let (seen, size, _) = reports("Viewers_synthetic_kmb_lab.zip", None);
        check_monotonic(&seen, size);
    }

    #[test]
    fn the_history_records_the_display_name_not_the_path() {
        let (_, _, store) = reports("manual_observations.csv", Some("my observations.csv"));
        let imports = store.imports().unwrap();
        assert_eq!(imports[0].file_name, "my observations.csv");
        let (_, _, store) = reports("manual_observations.csv", None);
        assert!(store.imports().unwrap()[0]
            .file_name
            .ends_with("manual_observations.csv"));
    }

    #[test]
    fn an_unchanged_file_reports_itself_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("uptake.db")).unwrap();
        let path = example("manual_observations.csv");
        let size = std::fs::metadata(&path).unwrap().len();
        import_file_with(&mut store, &path, &options(), Some("a.csv"), &mut |_| {}).unwrap();
        let mut seen = Vec::new();
        let outcome = import_file_with(&mut store, &path, &options(), Some("b.csv"), &mut |p| {
            seen.push(p)
        })
        .unwrap();
        let Outcome::Unchanged(line) = outcome else {
            panic!("the same bytes again are unchanged")
        };
        assert!(
            line.starts_with("unchanged `b.csv`") && line.contains("(`a.csv`)"),
            "{line}"
        );
        assert_eq!(seen.last().map(|p| p.bytes_read), Some(size));
    }
}
