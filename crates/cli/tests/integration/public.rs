//! Public data through the CLI: import, threads, coverage, erasure, and no
//! handle of a person in any output.

use super::Sandbox;
use std::path::PathBuf;

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn research_pages_and_comments_import_as_threads_with_exact_ids() {
    let sb = Sandbox::new();
    sb.project();
    let run = sb
        .run_in(
            "p",
            &[
                "import",
                &fixture("research/videos_page.json"),
                &fixture("research/comments_page.json"),
            ],
        )
        .ok();
    assert!(run.stdout.contains("(research-videos)"), "{}", run.stdout);
    assert!(run.stdout.contains("(research-comments)"), "{}", run.stdout);
    let csv = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("7412345678900000001"), "ids stay exact: {csv}");
    // The reply points at its parent and sits one level down.
    let reply = csv
        .lines()
        .find(|l| l.contains("7412345678900000002"))
        .unwrap_or("");
    assert!(reply.contains(",7412345678900000001,1,"), "{reply}");
    let table = sb
        .run_in("p", &["comments", "--video", "7412345678901234567"])
        .ok()
        .stdout;
    assert!(table.contains("↳ Agreed!"), "{table}");
    sb.run_in("p", &["comments", "--video", "123"])
        .fails_with(1);
    let cov = sb.run_in("p", &["coverage", "--format", "csv"]).ok().stdout;
    assert!(cov.contains("research-comments"), "{cov}");
}

#[test]
fn no_handle_of_a_person_reaches_any_output_and_forget_erases_them() {
    let sb = Sandbox::new();
    sb.project();
    sb.run_in(
        "p",
        &[
            "import",
            &fixture("pyktok/comments.csv"),
            "--observed-at",
            "2026-01-01",
        ],
    )
    .ok();
    let mut all = String::new();
    for args in [
        vec!["comments", "--format", "csv"],
        vec!["comments", "--format", "json"],
        vec!["videos", "--format", "json"],
        vec!["coverage", "--format", "csv"],
        vec!["status", "--warnings"],
    ] {
        all.push_str(&sb.run_in("p", &args).ok().stdout);
    }
    // Every handle, nickname and uid written in the fixture's `user` cells.
    let source = std::fs::read_to_string(fixture("pyktok/comments.csv")).unwrap();
    let mut secrets = Vec::new();
    for key in ["'unique_id': '", "'nickname': '", "'uid': '"] {
        for part in source.split(key).skip(1) {
            if let Some(value) = part.split('\'').next() {
                if value.len() > 2 {
                    secrets.push(value.to_string());
                }
            }
        }
    }
    assert!(!secrets.is_empty(), "the fixture names people");
    for s in &secrets {
        assert!(
            !all.contains(s.as_str()),
            "`{s}` leaked into an output:\n{all}"
        );
    }
    // The raw records in the database do not hold them either.
    let store = uptake_store::Store::open(&sb.path().join("p/.uptake/uptake.db")).unwrap();
    let raw: Vec<String> = store
        .raw_records(None)
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.location, r.body))
        .collect();
    assert!(
        raw.iter().any(|r| r.contains("cid")),
        "raw records are readable: {raw:?}"
    );
    drop(store);
    for s in &secrets {
        assert!(
            !raw.iter().any(|r| r.contains(s.as_str())),
            "`{s}` is in a raw record"
        );
    }

    // Erase the first commenter by pseudonym; their comments are gone.
    let csv = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let ai = header.iter().position(|h| *h == "author").unwrap();
    let key = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(ai)
        .unwrap()
        .to_string();
    assert!(key.starts_with("u_"), "{key}");
    let before = csv.matches(key.as_str()).count();
    let run = sb.run_in("p", &["forget", "--author", &key]).ok();
    assert!(
        run.stdout
            .contains(&format!("erased author {key}: {before} comments")),
        "{}",
        run.stdout
    );
    let after = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
    assert!(!after.contains(key.as_str()), "{after}");
    sb.run_in("p", &["forget", "--author", "not-a-key"])
        .fails_with(1);
    sb.run_in("p", &["forget"]).fails_with(2);
}

/// Zeeschuimer exports everything captured so far, so a later export
/// repeats every line of an earlier one. The same captures in other bytes
/// (here other line endings) add no observation, comment capture, profile
/// snapshot or raw record; a capture that is new in a later export is
/// stored.
#[test]
fn captures_imported_again_in_other_bytes_add_nothing_and_new_ones_are_kept() {
    let sb = Sandbox::new();
    sb.project();
    let lf = String::from_utf8(super::example_bytes("zeeschuimer_comments.ndjson")).unwrap();
    let first = sb.write("first.ndjson", lf.as_bytes());
    let run = sb.run_in("p", &["import", &first]).ok();
    assert!(!run.stdout.contains("repeated"), "{}", run.stdout);
    let before = sb.db_counts();

    let crlf = sb.write("crlf.ndjson", lf.replace('\n', "\r\n").as_bytes());
    let run = sb.run_in("p", &["import", &crlf]).ok();
    assert!(
        run.stdout
            .contains(", 575 repeated captures left out (already stored)"),
        "{}",
        run.stdout
    );
    let after = sb.db_counts();
    for ((table, was), (_, is)) in before.iter().zip(&after) {
        let added = if table == "imports" { 1 } else { 0 };
        assert_eq!(*is, was + added, "rows of `{table}`");
    }

    // A later export: the same lines, then one capture made a minute later
    // of the first line's comment.
    let first_line = lf.lines().next().unwrap();
    let mut later: serde_json::Value = serde_json::from_str(first_line).unwrap();
    let collected = later["timestamp_collected"].as_i64().unwrap() + 60_000;
    later["timestamp_collected"] = collected.into();
    let cumulative = sb.write("cumulative.ndjson", format!("{lf}{later}\n").as_bytes());
    let run = sb.run_in("p", &["import", &cumulative]).ok();
    assert!(
        run.stdout.contains("575 repeated captures"),
        "{}",
        run.stdout
    );
    let grown = sb.db_counts();
    let rows = |counts: &[(String, i64)], table: &str| {
        counts
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(rows(&grown, "raw_records"), rows(&after, "raw_records") + 1);
    let captures = rows(&grown, "comment_captures") + rows(&grown, "observations");
    assert_eq!(
        captures,
        rows(&after, "comment_captures") + rows(&after, "observations") + 1
    );
}

/// A Display API page saved without the cover, embed and share fields has
/// `video_description` like a Research page; it must be read as the
/// Display API (the account's own videos), not as Research data.
#[test]
fn a_display_page_without_cover_or_embed_fields_is_read_as_display() {
    let sb = Sandbox::new();
    sb.project();
    let page = |id: &str, more: bool| {
        format!(
            r#"{{"data":{{"videos":[{{"id":"{id}","create_time":1725000000,"title":"t","video_description":"t","duration":21,"like_count":8,"comment_count":4,"share_count":1,"view_count":150}}],"cursor":1725000000000,"has_more":{more}}},"error":{{"code":"ok","message":"","log_id":"20240830123456ABCDEF"}}}}"#
        )
    };
    let ndjson = format!(
        "{}\n{}\n",
        page("7412345678901234567", true),
        page("7412345678901234568", false)
    );
    let file = sb.write("display.ndjson", ndjson.as_bytes());
    let run = sb.run_in("p", &["import", &file]).ok();
    assert!(
        run.stdout
            .contains("(display-video-list): 2 records; 2 new videos"),
        "{}",
        run.stdout
    );
}

/// After `forget`, the erased text is in no byte of the database files, not
/// only in no row: copies left in the unused space of split pages were
/// readable with `strings` until the file was rebuilt.
#[test]
fn forget_leaves_no_copy_of_the_erased_text_in_the_database_files() {
    let sb = Sandbox::new();
    sb.project();
    let lines: Vec<String> = (0..300)
        .map(|i| {
            serde_json::json!({
                "id": i, "item_id": format!("76100000000000{i:05}"),
                "timestamp_collected": 1_725_010_000_000_i64 + i,
                "source_platform": "tiktok-comments",
                "source_platform_url": "https://www.tiktok.com/@owner/video/7610000000000099999",
                "data": {
                    "cid": format!("76100000000000{i:05}"), "aweme_id": "7610000000000099999",
                    "create_time": 1_725_003_600 + i,
                    "text": format!("comment {i} secret-text-{i:05} {}", "lorem ipsum ".repeat(20)),
                    "digg_count": 1, "reply_id": "0",
                    "user": {"uid": format!("68000000000000{i:05}"), "unique_id": format!("person_{i:05}")}
                }
            })
            .to_string()
        })
        .collect();
    let file = sb.write("many.ndjson", (lines.join("\n") + "\n").as_bytes());
    sb.run_in("p", &["import", &file]).ok();
    let files = || -> Vec<u8> {
        ["uptake.db", "uptake.db-wal"]
            .iter()
            .flat_map(|f| std::fs::read(sb.path().join("p/.uptake").join(f)).unwrap_or_default())
            .collect()
    };
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds(&files(), "secret-text-00007"));
    sb.run_in("p", &["forget", "--author", "@person_00007"])
        .ok();
    let after = files();
    assert!(
        !holds(&after, "secret-text-00007"),
        "the erased text is still in the files"
    );
    assert!(holds(&after, "secret-text-00008"), "the others are kept");
}

/// The same thread from Zeeschuimer (which names the reply a reply answers)
/// and 4CAT (which names only the thread's top comment) gives one tree,
/// whichever file is imported first.
#[test]
fn a_reply_to_a_reply_keeps_its_precise_parent_in_either_import_order() {
    let comment = |cid: u32, reply: &str, to_reply: &str, text: &str| {
        serde_json::json!({
            "item_id": format!("7600000000000000{cid}"), "timestamp_collected": 1_725_010_000_000_i64 + cid as i64,
            "source_platform": "tiktok-comments",
            "data": {"cid": format!("7600000000000000{cid}"), "aweme_id": "7600000000000000002",
                     "create_time": 1_725_003_600, "text": text, "digg_count": 1,
                     "reply_id": reply, "reply_to_reply_id": to_reply,
                     "user": {"uid": format!("6900000000000000{cid}"), "unique_id": format!("user_{cid}")}}
        })
        .to_string()
    };
    let zeeschuimer = [
        comment(201, "0", "0", "top"),
        comment(202, "7600000000000000201", "0", "first reply"),
        comment(
            203,
            "7600000000000000201",
            "7600000000000000202",
            "reply to reply",
        ),
    ]
    .join("\n");
    let fourcat = "id,thread_id,author,body,timestamp,unix_timestamp,likes,replies,post_id,is_comment_on_comment\r\n\
        7600000000000000201,7600000000000000002,top_user,top,2024-08-30 07:40:00,1725003600,1,2,7600000000000000002,no\r\n\
        7600000000000000202,7600000000000000201,r1_user,first reply,2024-08-30 07:40:00,1725003600,1,0,7600000000000000002,yes\r\n\
        7600000000000000203,7600000000000000201,r2_user,reply to reply,2024-08-30 07:40:00,1725003600,1,0,7600000000000000002,yes\r\n";
    for zeeschuimer_first in [true, false] {
        let sb = Sandbox::new();
        sb.project();
        let z = sb.write("thread.ndjson", format!("{zeeschuimer}\n").as_bytes());
        let f = sb.write("thread.csv", fourcat.as_bytes());
        let order = if zeeschuimer_first {
            [&z, &f]
        } else {
            [&f, &z]
        };
        for file in order {
            sb.run_in("p", &["import", file]).ok();
        }
        let csv = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
        let row = csv
            .lines()
            .find(|l| l.contains("7600000000000000203"))
            .unwrap_or("");
        assert!(
            row.contains(",7600000000000000202,2,"),
            "Zeeschuimer first: {zeeschuimer_first}: {csv}"
        );
    }
}

/// A Research API page with three videos: one by the project's own account
/// (`synthetic_kmb_lab`, in another case), one by `Health_Nurse`, one by a
/// creator called like the `own` placeholder of Studio files.
const RESEARCH_PAGE: &str = r#"{"data":{"search_id":"7400000000000000009","cursor":3,"has_more":false,"videos":[
 {"id":7412345678900000101,"username":"Synthetic_KMB_Lab","create_time":1725000000,"region_code":"CA","video_description":"Our study, captured publicly #transhealth","view_count":1000,"like_count":10},
 {"id":7412345678900000102,"username":"Health_Nurse","create_time":1725003600,"region_code":"GB","video_description":"Another creator #transhealth","view_count":5000,"like_count":50},
 {"id":7412345678900000103,"username":"own","create_time":1725007200,"region_code":"US","video_description":"A creator called own #transhealth","view_count":700,"like_count":7}
]},"error":{"code":"ok","message":"","log_id":"202409011200000000AAAABBBB"}}"#;

fn csv_ids(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .filter(|l| l.starts_with("74"))
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

/// With `store_handles = true`, other creators' handles are stored too: a
/// stored handle does not make a video the account's own; the account's
/// handle does (in any case), and public captures of its videos count as
/// its own. `--public` shows pseudonyms, never the handles kept.
#[test]
fn own_videos_are_the_account_handles_even_when_other_handles_are_kept() {
    let sb = Sandbox::new();
    sb.project();
    let toml = sb.path().join("p/uptake.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    assert!(config.contains("store_handles = false"), "{config}");
    std::fs::write(
        &toml,
        config.replace("store_handles = false", "store_handles = true"),
    )
    .unwrap();
    let page = sb.write("research.json", RESEARCH_PAGE.as_bytes());
    sb.run_in("p", &["import", &page]).ok();

    let own = sb.run_in("p", &["videos", "--format", "csv"]).ok().stdout;
    assert_eq!(csv_ids(&own), ["7412345678900000101"], "{own}");
    let table = sb.run_in("p", &["videos"]).ok().stdout;
    assert!(
        table.contains("\n2 public videos by other creators are left out of these numbers: `uptake videos --public` lists them.\n"),
        "{table}"
    );
    let public = sb
        .run_in("p", &["videos", "--public", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        csv_ids(&public),
        ["7412345678900000102", "7412345678900000103"],
        "{public}"
    );
    let text = sb.run_in("p", &["videos", "--public"]).ok().stdout;
    for out in [&public, &text] {
        assert!(!out.to_lowercase().contains("health_nurse"), "{out}");
        assert!(out.contains(",u_") || out.contains(" u_"), "{out}");
    }
}

/// A project that does not name its account cannot tell a public capture
/// of its videos from another creator's: without own analytics, every
/// captured video is public, and the table says how to fix it.
#[test]
fn without_an_account_handle_public_captures_are_not_the_accounts() {
    let sb = Sandbox::new();
    sb.run(&["init", "p", "--name", "test"]).ok();
    let page = sb.write("research.json", RESEARCH_PAGE.as_bytes());
    sb.run_in("p", &["import", &page]).ok();
    let table = sb.run_in("p", &["videos"]).ok().stdout;
    assert!(
        table.contains("No videos of the project's own account yet: import Studio Content.csv, a Business API video list or the manual template (`uptake import PATH`), and check `[account] handle` in uptake.toml.\n"),
        "{table}"
    );
    assert!(
        table.contains("3 public videos by other creators are left out of these numbers"),
        "{table}"
    );
}
