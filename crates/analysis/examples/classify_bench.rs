//! Throughput of comment classification, for `bench/comments.sh`.
//!
//! Usage: `classify_bench RULES_DIR COMMENTS.tsv [N] [--dump FILE]`. Loads
//! every `.toml` under `RULES_DIR` (all schemes together), reads
//! `lang<TAB>text` lines, classifies the first N comments (cycling through
//! the file if N is larger) and prints comments per second. Only
//! classification is timed, not file reading. Run it pinned to one core
//! (`taskset -c 0`).
//!
//! `--dump FILE` also writes every flag on every comment of the file (once,
//! untimed) as `index<TAB>rule id<TAB>start..end<TAB>matched` lines, so that
//! an engine change can be checked to give byte-identical flags.

use std::path::{Path, PathBuf};
use std::time::Instant;

use uptake_analysis::text::{RuleSet, Scratch};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().collect();
    let mut dump = None;
    if let Some(i) = args.iter().position(|a| a == "--dump") {
        if i + 1 >= args.len() {
            return Err("--dump needs a FILE".into());
        }
        dump = Some(args.remove(i + 1));
        args.remove(i);
    }
    let (Some(rules_dir), Some(comments)) = (args.get(1), args.get(2)) else {
        return Err("usage: classify_bench RULES_DIR COMMENTS.tsv [N] [--dump FILE]".into());
    };
    let n: usize = args
        .get(3)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200_000);

    let mut paths = Vec::new();
    walk(Path::new(rules_dir), &mut paths)?;
    paths.sort();
    let started = Instant::now();
    let mut sets = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p)?;
        sets.push(RuleSet::from_toml_str(&text, &p.display().to_string())?);
    }
    let rules = RuleSet::merge(sets)?;
    let load = started.elapsed();

    let text = std::fs::read_to_string(comments)?;
    let lines: Vec<(Option<&str>, &str)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(lang, t)| ((!lang.is_empty()).then_some(lang), t))
        .collect();
    if lines.is_empty() {
        return Err(format!("no comments in {comments}").into());
    }
    let bytes: usize = lines.iter().map(|(_, t)| t.len()).sum();

    let mut scratch = Scratch::default();
    // Warm-up: fills the regex caches and the scratch buffers.
    for (lang, t) in lines.iter().take(2_000) {
        std::hint::black_box(rules.classify_with(t, *lang, &mut scratch));
    }
    let started = Instant::now();
    let mut flags = 0usize;
    let mut flagged = 0usize;
    for (lang, t) in lines.iter().cycle().take(n) {
        let f = rules.classify_with(t, *lang, &mut scratch);
        flagged += usize::from(!f.is_empty());
        flags += f.len();
    }
    let secs = started.elapsed().as_secs_f64();
    if let Some(path) = &dump {
        use std::io::Write as _;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (i, (lang, t)) in lines.iter().enumerate() {
            for f in rules.classify_with(t, *lang, &mut scratch) {
                let m = f.matched.replace(['\t', '\n'], " ");
                writeln!(
                    out,
                    "{i}\t{}\t{}..{}\t{m}",
                    f.rule_id, f.span.start, f.span.end
                )?;
            }
        }
        out.flush()?;
    }
    if std::env::var_os("BENCH_TOP_RULES").is_some() {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for (lang, t) in &lines {
            for f in rules.classify_with(t, *lang, &mut scratch) {
                *counts.entry(f.rule_id).or_default() += 1;
            }
        }
        let mut top: Vec<_> = counts.into_iter().collect();
        top.sort_by_key(|t| std::cmp::Reverse(t.1));
        for (id, c) in top.iter().take(15) {
            println!("  {c:>8} {id}");
        }
    }
    println!(
        "rust: {} rules from {} files ({} ms to load, version {}), {} comments (avg {} bytes)",
        rules.rules().len(),
        paths.len(),
        load.as_millis(),
        rules.version(),
        n,
        bytes / lines.len()
    );
    println!(
        "rust: {:.0} comments/s ({:.2} us/comment), {} flags on {} comments ({:.1}% flagged)",
        n as f64 / secs,
        secs * 1e6 / n as f64,
        flags,
        flagged,
        100.0 * flagged as f64 / n as f64
    );
    Ok(())
}
