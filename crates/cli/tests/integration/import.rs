//! `uptake import`: the example files, idempotence, folders.

use super::{example, Sandbox};

#[test]
fn importing_the_example_files_stores_videos_observations_and_days() {
    let sb = Sandbox::new();
    sb.project();
    let overview = example("Overview_2025-11-01_1767134469_synthetic_kmb_lab.zip");
    let run = sb.run_in("p", &["import", &overview]).ok();
    assert!(run.stdout.contains("(studio-overview)"), "{}", run.stdout);
    assert!(run.stdout.contains("60 account days"), "{}", run.stdout);
    let business = example("business_video_list.json");
    let run = sb.run_in("p", &["import", &business]).ok();
    assert!(
        run.stdout.contains("(business-video-list)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("13 new videos, 13 observations"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_same_bytes_twice_change_nothing_and_say_so() {
    let sb = Sandbox::new();
    sb.project();
    let content = example("Content_synthetic_kmb_lab.zip");
    sb.run_in("p", &["import", &content]).ok();
    let before = sb.db_counts();
    let run = sb.run_in("p", &["import", &content]).ok();
    assert!(run.stdout.starts_with("unchanged"), "{}", run.stdout);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert_eq!(sb.db_counts(), before);
}

#[test]
fn a_folder_is_read_recursively_and_other_files_are_skipped() {
    let sb = Sandbox::new();
    sb.project();
    sb.write(
        "exports/a/Content_synthetic_kmb_lab.zip",
        &super::example_bytes("Content_synthetic_kmb_lab.zip"),
    );
    sb.write("exports/notes.docx", b"not data");
    sb.write(
        "exports/SYNTHETIC_DATA.txt",
        b"These files are synthetic.\n",
    );
    sb.write("exports/.hidden.csv", b"junk");
    let stdout = import_exports_once(&sb);
    assert!(stdout.contains("studio-content"), "{stdout}");
}

/// Imports the folder `exports` into project `p`, checks that exactly one
/// file was imported, and returns what was printed.
fn import_exports_once(sb: &Sandbox) -> String {
    let run = sb.run_in("p", &["import", "../exports"]).ok();
    let imported = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("imported "))
        .count();
    assert_eq!(imported, 1, "{}", run.stdout);
    run.stdout
}

/// Links back to a parent folder (as unpacked archives can hold) are
/// followed once: the walk used to go round them until memory ran out.
#[cfg(unix)]
#[test]
fn a_folder_with_links_back_to_itself_is_walked_once() {
    let sb = Sandbox::new();
    sb.project();
    sb.write(
        "exports/Content_synthetic_kmb_lab.zip",
        &super::example_bytes("Content_synthetic_kmb_lab.zip"),
    );
    let exports = sb.path().join("exports");
    std::os::unix::fs::symlink(".", exports.join("a")).unwrap();
    std::os::unix::fs::symlink("..", exports.join("b")).unwrap();
    import_exports_once(&sb);
}

#[test]
fn the_printed_template_imports_as_an_empty_template() {
    let sb = Sandbox::new();
    sb.project();
    let template = sb.run(&["template", "analytics"]).ok().stdout;
    assert!(
        template.contains("video,title,posted,observed,views"),
        "{template}"
    );
    let path = sb.write("manual.csv", template.as_bytes());
    let run = sb.run_in("p", &["import", &path]).ok();
    assert!(run.stdout.contains("(manual-template)"), "{}", run.stdout);
    assert!(run.stdout.contains("0 observations"), "{}", run.stdout);
}

#[test]
fn keep_going_imports_the_good_files_and_fails_overall() {
    let sb = Sandbox::new();
    sb.project();
    let bad = sb.write("bad.zip", b"PK\x03\x04truncated");
    let good = example("Content_synthetic_kmb_lab.zip");
    let run = sb
        .run_in("p", &["import", "--keep-going", &bad, &good])
        .fails_with(1);
    assert!(run.stderr.contains("bad.zip"), "{}", run.stderr);
    assert!(run.stderr.contains("1 of 2 files failed"), "{}", run.stderr);
    assert!(run.stdout.contains("studio-content"), "{}", run.stdout);
    let imports = sb
        .db_counts()
        .into_iter()
        .find(|(t, _)| t == "imports")
        .map(|(_, n)| n);
    assert_eq!(imports, Some(1));
}

#[test]
fn a_header_mapping_in_uptake_toml_reads_a_new_language() {
    let sb = Sandbox::new();
    let root = sb.project();
    let config = std::fs::read_to_string(root.join("uptake.toml")).unwrap();
    let config = config.replace(
        "[studio.headers]\n",
        "[studio.headers]\n\"Data\" = \"Date\"\n\"Visualizações de vídeos\" = \"Video Views\"\n\"Visualizações do perfil\" = \"Profile Views\"\n\"Curtidas\" = \"Likes\"\n\"Comentários\" = \"Comments\"\n\"Compartilhamentos\" = \"Shares\"\n",
    );
    std::fs::write(root.join("uptake.toml"), config).unwrap();
    let csv = "\u{feff}\"Data\",\"Visualizações de vídeos\",\"Visualizações do perfil\",\"Curtidas\",\"Comentários\",\"Compartilhamentos\"\n\"9 de agosto\",\"1204\",\"31\",\"88\",\"4\",\"2\"\n\"10 de agosto\",\"977\",\"19\",\"61\",\"-1\",\"0\"";
    let path = sb.write("Overview.csv", csv.as_bytes());
    let run = sb
        .run_in(
            "p",
            &[
                "import",
                &path,
                "--export-date",
                "2026-08-12",
                "--lang",
                "pt",
            ],
        )
        .ok();
    assert!(run.stdout.contains("2 account days"), "{}", run.stdout);
    let daily = sb
        .run_in("p", &["account", "--daily", "--format", "csv"])
        .ok()
        .stdout;
    assert!(daily.contains("2026-08-09,1204,31,88,4,2"), "{daily}");
    assert!(
        daily.contains("2026-08-10,977,19,61,-1,0"),
        "negative comments are kept: {daily}"
    );
}

/// A Content.csv whose links name another account is imported into the
/// project (an account may have changed its handle) with one warning that
/// says so; the stored copy of the warning keeps no other person's handle.
#[test]
fn a_content_file_of_another_account_imports_with_one_warning() {
    let sb = Sandbox::new();
    sb.project();
    let mut csv = String::from(
        "\u{feff}\"Time\",\"Video title\",\"Video link\",\"Post time\",\"Total likes\",\"Total views\"\n",
    );
    for id in ["7597533435999742859", "7574563522674195709"] {
        csv.push_str(&format!(
            "\"February 19\",\"A video\",\"https://www.tiktok.com/@another_lab/video/{id}\",\"January 20\",\"9\",\"99\"\n"
        ));
    }
    let path = sb.write("Content.csv", csv.as_bytes());
    let run = sb
        .run_in("p", &["import", "--export-date", "2026-02-19", &path])
        .ok();
    assert!(run.stdout.contains("2 new videos"), "{}", run.stdout);
    let printed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert_eq!(printed.len(), 1, "{}", run.stdout);
    assert!(
        printed[0].contains(&format!(
            "warning: `{path}`: all 2 of the file's videos link to @another_lab, not to the \
             project's account @synthetic_kmb_lab (set in `uptake.toml`, `[account] handle`)"
        )),
        "{}",
        run.stdout
    );
    assert!(
        printed[0].contains("import it into that account's project"),
        "{}",
        run.stdout
    );
    let status = sb.run_in("p", &["status", "--warnings"]).ok().stdout;
    assert!(
        status.contains("all 2 of the file's videos link to @[removed], not to the project's account @synthetic_kmb_lab"),
        "{status}"
    );
    assert!(!status.contains("another_lab"), "{status}");
    assert!(
        status.contains("\n1 warning:\n"),
        "one, not `1 warnings`: {status}"
    );
}
