//! Opening what the user points at: a loose file or a ZIP of files, and handing
//! each part to the reader for its format.

use crate::error::{IngestError, Location};
use crate::sink::{Item, Sink, SinkError, Warning};
use crate::sniff::{sniff, Sniffed, SNIFF_LEN};
use crate::{
    business, display, fourcat, personal, pyktok, research, studio, template, ytdlp, zeeschuimer,
    Context, Options,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use uptake_model::SourceFormat;

/// Largest ZIP entry read into memory (XLSX inside a ZIP, nested ZIPs).
/// Real Studio files are kilobytes; this bounds what a hostile archive can cost.
const MAX_IN_MEMORY_ENTRY: u64 = 256 * 1024 * 1024;

/// One part of an input (a loose file, or one entry of a ZIP) and what it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Name as shown to the user.
    pub name: String,
    /// The format it was read as.
    pub format: SourceFormat,
    /// Source records read (rows, JSON objects).
    pub items: u64,
}

/// What [`read_path`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// The parts, in reading order.
    pub parts: Vec<Part>,
}

impl ReadSummary {
    /// The distinct formats read, in first-seen order.
    pub fn formats(&self) -> Vec<SourceFormat> {
        let mut out = Vec::new();
        for p in &self.parts {
            if !out.contains(&p.format) {
                out.push(p.format);
            }
        }
        out
    }

    /// Total source records read.
    pub fn items(&self) -> u64 {
        self.parts.iter().map(|p| p.items).sum()
    }
}

/// Reads the file at `path` (any supported format, or a ZIP of them) into
/// `sink`. `progress` is called with the number of bytes of the file consumed
/// so far, so a caller can draw a progress bar.
pub fn read_path(
    path: &Path,
    options: &Options,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
) -> Result<ReadSummary, IngestError> {
    read_path_with_bytes(path, options, sink, progress, &mut |_, _| {})
}

/// Does what [`read_path`] does, and shows `bytes` every block of the file
/// as it is read, with its offset in the file. A plain file is read once,
/// from start to end, so that a caller can hash it on the way (saving a
/// second pass over a large file); a ZIP is read out of order, and a reader
/// may stop before the end, so the caller must check the offsets.
pub fn read_path_with_bytes(
    path: &Path,
    options: &Options,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
    bytes: &mut dyn FnMut(u64, &[u8]),
) -> Result<ReadSummary, IngestError> {
    let shown = path.display().to_string();
    let io_err = |source| IngestError::Io {
        location: Location::file(&shown),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let modified = file
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .map(|t| DateTime::<chrono::Utc>::from(t).naive_utc());
    let mut ctx = Context::new(shown.clone(), options);
    ctx.modified = modified;
    let reader = ProgressReader {
        inner: file,
        position: 0,
        progress,
        bytes,
    };
    let mut summary = ReadSummary::default();
    read_seekable(reader, &ctx, sink, &mut summary, 0)?;
    Ok(summary)
}

/// Reads an input that can seek (a file, or a ZIP entry held in memory).
fn read_seekable<R: Read + Seek>(
    mut reader: R,
    ctx: &Context,
    sink: &mut dyn Sink,
    summary: &mut ReadSummary,
    depth: u32,
) -> Result<(), IngestError> {
    let io_err = |source| IngestError::Io {
        location: ctx.whole(),
        source,
    };
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut reader)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    if head.starts_with(b"PK") {
        reader.seek(SeekFrom::Start(0)).map_err(io_err)?;
        let archive = zip::ZipArchive::new(reader).map_err(|e| {
            IngestError::invalid(
                ctx.whole(),
                format!(
                    "expected a complete ZIP archive, found a damaged or truncated one \
                     (download it again): {e}"
                ),
            )
        })?;
        let is_workbook = archive.index_for_name("xl/workbook.xml").is_some();
        if is_workbook {
            let mut reader = archive.into_inner();
            reader.seek(SeekFrom::Start(0)).map_err(io_err)?;
            return read_workbook(reader, ctx, sink, summary);
        }
        return read_zip(archive, ctx, sink, summary, depth);
    }
    // `reader` is positioned just after `head`: read the head again from
    // memory, then the rest of the file.
    read_stream(
        Cursor::new(head.clone()).chain(reader),
        &head,
        ctx,
        sink,
        summary,
    )
}

fn read_workbook<R: Read + Seek>(
    reader: R,
    ctx: &Context,
    sink: &mut dyn Sink,
    summary: &mut ReadSummary,
) -> Result<(), IngestError> {
    let mut counting = CountingSink {
        inner: sink,
        items: 0,
    };
    let format = studio::parse_xlsx(reader, ctx, &mut counting)?;
    summary.parts.push(Part {
        name: ctx.name.clone(),
        format,
        items: counting.items,
    });
    Ok(())
}

fn zip_entry_time(dt: zip::DateTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(
        i32::from(dt.year()),
        u32::from(dt.month()),
        u32::from(dt.day()),
    )?
    .and_hms_opt(
        u32::from(dt.hour()),
        u32::from(dt.minute()),
        u32::from(dt.second()),
    )
}

fn read_zip<R: Read + Seek>(
    mut archive: zip::ZipArchive<R>,
    ctx: &Context,
    sink: &mut dyn Sink,
    summary: &mut ReadSummary,
    depth: u32,
) -> Result<(), IngestError> {
    let zip_name = ctx.file_name.clone();
    let before = summary.parts.len();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| {
            IngestError::invalid(
                ctx.at_record(format!("entry {}", index + 1)),
                format!("expected a readable ZIP entry, found a damaged one: {e}"),
            )
        })?;
        let entry_path = entry
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("entry {}", index + 1));
        // Some Windows tools write `\` between folders in entry names.
        let base = entry_path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .to_string();
        if entry.is_dir()
            || base.is_empty()
            || base.starts_with('.')
            || entry_path.starts_with("__MACOSX/")
        {
            continue;
        }
        let lower = base.to_ascii_lowercase();
        let readable = [
            ".csv", ".xlsx", ".json", ".ndjson", ".jsonl", ".txt", ".tsv", ".zip",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext));
        if !readable {
            sink.warn(Warning {
                location: Location::file(&format!("{}: {}", ctx.name, entry_path)),
                message: "skipped: not a file type uptake reads".into(),
            });
            continue;
        }
        let entry_ctx = Context {
            name: format!("{}: {}", ctx.name, entry_path),
            file_name: base.clone(),
            container_name: Some(zip_name.clone()),
            modified: entry.last_modified().and_then(zip_entry_time),
            options: ctx.options,
        };
        if lower.ends_with(".xlsx") || lower.ends_with(".zip") {
            if depth >= 2 {
                return Err(IngestError::invalid(
                    entry_ctx.whole(),
                    "expected at most two levels of ZIP archives, found deeper nesting",
                ));
            }
            if entry.size() > MAX_IN_MEMORY_ENTRY {
                return Err(IngestError::invalid(
                    entry_ctx.whole(),
                    format!(
                        "entry is {} bytes uncompressed; uptake reads embedded workbooks and \
                         archives up to {MAX_IN_MEMORY_ENTRY} bytes: unzip it first",
                        entry.size()
                    ),
                ));
            }
            let mut bytes = Vec::new();
            (&mut entry)
                .take(MAX_IN_MEMORY_ENTRY)
                .read_to_end(&mut bytes)
                .map_err(|source| IngestError::Io {
                    location: entry_ctx.whole(),
                    source,
                })?;
            read_seekable(Cursor::new(bytes), &entry_ctx, sink, summary, depth + 1)?;
            continue;
        }
        let mut head = Vec::with_capacity(SNIFF_LEN);
        (&mut entry)
            .take(SNIFF_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|source| IngestError::Io {
                location: entry_ctx.whole(),
                source,
            })?;
        // A `.txt` beside the data (a note, a README) is skipped unless it
        // is a format uptake reads: Studio's tables are `.csv`, so a text
        // file is not read as one (which failed the whole archive).
        if lower.ends_with(".txt") && ctx.options.format.is_none() && !known_text(&head) {
            sink.warn(Warning {
                location: entry_ctx.whole(),
                message: "skipped: a text file in no format uptake reads (a note or a README?)"
                    .into(),
            });
            continue;
        }
        read_stream(
            Cursor::new(head.clone()).chain(&mut entry),
            &head,
            &entry_ctx,
            sink,
            summary,
        )?;
    }
    if summary.parts.len() == before {
        return Err(IngestError::invalid(
            ctx.whole(),
            "expected a ZIP holding TikTok Studio or API files, found none that uptake reads",
        ));
    }
    Ok(())
}

/// Whether `head` starts a JSON response or a table uptake recognises by
/// its header (the manual template, 4CAT, Zeeschuimer or pyktok CSV).
fn known_text(head: &[u8]) -> bool {
    match sniff(head, false) {
        Sniffed::Json(_) => true,
        Sniffed::Table => template::detect(head) || crate::sniff::sniff_table(head).is_some(),
        _ => false,
    }
}

/// Reads a non-archive input: JSON or a text table.
fn read_stream<R: Read>(
    reader: R,
    head: &[u8],
    ctx: &Context,
    sink: &mut dyn Sink,
    summary: &mut ReadSummary,
) -> Result<(), IngestError> {
    let mut counting = CountingSink {
        inner: sink,
        items: 0,
    };
    // UTF-16 text (Excel's "Unicode Text", Notepad's "Unicode") reads as
    // binary to every reader; say what it is, whatever the format.
    if let Some(order) = crate::sniff::utf16(head) {
        return Err(IngestError::invalid(
            ctx.whole(),
            format!(
                "expected UTF-8 text, found UTF-16 ({order}), as Excel's \"Unicode Text\" \
                 saves; save the file again as UTF-8 (Excel: \"CSV UTF-8\"), or convert \
                 it with `iconv -f UTF-16 -t UTF-8 IN > OUT`"
            ),
        ));
    }
    let format = match ctx.options.format {
        Some(f) => read_as(f, reader, ctx, &mut counting)?,
        None => match sniff(head, false) {
            Sniffed::Json(f) => read_as(f, reader, ctx, &mut counting)?,
            Sniffed::Table if template::detect(head) => {
                template::parse(reader, ctx, &mut counting)?
            }
            Sniffed::Table => match crate::sniff::sniff_table(head) {
                Some(f) => read_as(f, reader, ctx, &mut counting)?,
                None => studio::parse_csv(reader, ctx, &mut counting)?,
            },
            Sniffed::Zip | Sniffed::Xlsx => {
                return Err(IngestError::invalid(
                    ctx.whole(),
                    "expected a text or JSON file, found an archive",
                ))
            }
            Sniffed::Unknown(why) => {
                return Err(IngestError::Unrecognised {
                    location: ctx.whole(),
                    why,
                    formats: format_names(),
                })
            }
        },
    };
    summary.parts.push(Part {
        name: ctx.name.clone(),
        format,
        items: counting.items,
    });
    Ok(())
}

fn read_as<R: Read>(
    format: SourceFormat,
    reader: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    sink.begin_part(&ctx.name, format);
    match format {
        SourceFormat::BusinessAccount | SourceFormat::BusinessVideoList => {
            business::parse(reader, ctx, sink)
        }
        SourceFormat::DisplayVideoList => display::parse(reader, ctx, sink),
        SourceFormat::ManualTemplate => template::parse(reader, ctx, sink),
        SourceFormat::StudioOverview
        | SourceFormat::StudioContent
        | SourceFormat::StudioViewers
        | SourceFormat::StudioFollowerHistory
        | SourceFormat::StudioFollowerActivity
        | SourceFormat::StudioFollowerGender
        | SourceFormat::StudioFollowerTerritories => studio::parse_csv(reader, ctx, sink),
        SourceFormat::ResearchVideos
        | SourceFormat::ResearchComments
        | SourceFormat::ResearchUser => research::parse(reader, ctx, sink),
        SourceFormat::BusinessComments => business::parse(reader, ctx, sink),
        SourceFormat::Zeeschuimer => zeeschuimer::parse(reader, ctx, sink),
        SourceFormat::ZeeschuimerCsv
        | SourceFormat::FourcatPosts
        | SourceFormat::FourcatComments => fourcat::parse(reader, ctx, sink),
        SourceFormat::YtDlp => ytdlp::parse(reader, ctx, sink),
        SourceFormat::PyktokVideos | SourceFormat::PyktokComments => {
            pyktok::parse(reader, ctx, sink)
        }
        SourceFormat::PersonalExport => personal::parse(reader, ctx, sink),
    }
}

/// The accepted `--format` names, comma-separated.
pub fn format_names() -> String {
    SourceFormat::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts items on their way to the real sink.
struct CountingSink<'a> {
    inner: &'a mut dyn Sink,
    items: u64,
}

impl Sink for CountingSink<'_> {
    fn begin_part(&mut self, name: &str, format: SourceFormat) {
        self.inner.begin_part(name, format);
    }

    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        self.items += 1;
        self.inner.push(item)
    }

    fn warn(&mut self, warning: Warning) {
        self.inner.warn(warning);
    }
}

/// Reports how far into the file reading has got, and shows what it read.
struct ProgressReader<'a, R> {
    inner: R,
    position: u64,
    progress: &'a mut dyn FnMut(u64),
    /// Sees every block read, with its offset.
    bytes: &'a mut dyn FnMut(u64, &[u8]),
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.bytes)(self.position, &buf[..n]);
        self.position += n as u64;
        (self.progress)(self.position);
        Ok(n)
    }
}

impl<R: Seek> Seek for ProgressReader<'_, R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.position = self.inner.seek(pos)?;
        Ok(self.position)
    }
}
