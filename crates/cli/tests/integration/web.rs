//! `uptake serve` and `uptake user`: the real binary on a free loopback
//! port, fetched with a tiny HTTP/1.1 client.

use super::Sandbox;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A running `uptake serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(sb: &Sandbox, project: &str) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("uptake"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(sb.path().join(project))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // The first line names the bound address (or the pipe closes on failure).
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in `{first}`"))
        .to_string();
    assert!(first.contains("only programs on this computer"), "{first}");
    // Keep reading the log, as a terminal would, so the server never
    // writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr }
}

/// GET `path` with HTTP/1.1 and `Connection: close`: (status line, body).
fn get(addr: &str, path: &str, host: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.lines().next().unwrap_or("").to_string();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serve_answers_on_loopback_for_the_demo_project() {
    let sb = Sandbox::new();
    sb.run(&["demo", "d"]).ok();
    let server = start(&sb, "d");
    let host = server.addr.clone();
    let (status, body) = get(&server.addr, "/videos", &host);
    assert!(status.contains("200"), "{status}\n{body}");
    assert!(body.contains("Per-video dissemination"), "{body}");
    assert!(body.contains("SYNTHETIC"), "the synthetic notice");
    let (status, body) = get(&server.addr, "/", &host);
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("Knowledge-mobilisation indicators"));
    let (status, _) = get(&server.addr, "/review", &host);
    assert!(status.contains("200"), "{status}");
    // DNS rebinding: another name for this address is refused.
    let (status, _) = get(&server.addr, "/", "evil.example");
    assert!(status.contains("421"), "{status}");
}

#[test]
fn serve_refuses_a_network_address_until_an_owner_has_a_password() {
    let sb = Sandbox::new();
    sb.project();
    let run = sb
        .run_in("p", &["serve", "--addr", "0.0.0.0:0"])
        .fails_with(1);
    assert!(
        run.stderr.contains("refusing to listen on `0.0.0.0:0`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("uptake user add"), "{}", run.stderr);
}

/// Runs `uptake ARGS` in the project with `input` on standard input.
fn run_with_input(sb: &Sandbox, args: &[&str], input: &str) -> super::Run {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("uptake"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(sb.path().join("p"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap().into()
}

#[test]
fn user_accounts_are_managed_from_the_command_line() {
    let sb = Sandbox::new();
    sb.project();
    let run = sb.run_in("p", &["user", "list"]).ok();
    assert!(run.stdout.starts_with("No accounts"), "{}", run.stdout);
    let run =
        run_with_input(&sb, &["user", "add", "sam", "--role", "owner"], "short\n").fails_with(1);
    assert!(
        run.stderr.contains("at least 10 characters"),
        "{}",
        run.stderr
    );
    run_with_input(
        &sb,
        &["user", "add", "sam", "--role", "owner"],
        "a long passphrase\n",
    )
    .ok();
    run_with_input(
        &sb,
        &["user", "add", "kim", "--role", "moderator"],
        "another passphrase\n",
    )
    .ok();
    let run = sb.run_in("p", &["user", "list"]).ok();
    assert_eq!(
        run.stdout,
        "kim                      moderator  can sign in\nsam                      owner      can sign in\n"
    );
    // The last owner who can sign in stays.
    let run = sb.run_in("p", &["user", "remove", "sam"]).fails_with(1);
    assert!(run.stderr.contains("last owner"), "{}", run.stderr);
    run_with_input(&sb, &["user", "passwd", "kim"], "a third passphrase\n").ok();
    sb.run_in("p", &["user", "role", "kim", "viewer"]).ok();
    sb.run_in("p", &["user", "remove", "kim"]).ok();
    // Every change is in the audit log, hashes are argon2id.
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        actions,
        [
            "user.add",
            "user.add",
            "user.password",
            "user.role",
            "user.remove"
        ]
    );
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM users WHERE name = 'sam'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    // With an owner who can sign in, the network refusal lifts (not started here).
}

/// `uptake import` while `uptake serve` runs on the same project: the
/// import shares the database (it cannot take it for itself, see
/// `Store::begin_bulk_import`), the server keeps answering, and the new
/// import shows on its pages.
#[test]
fn an_import_while_the_server_runs_shares_the_database() {
    let sb = Sandbox::new();
    sb.run(&["demo", "d"]).ok();
    let server = start(&sb, "d");
    let host = server.addr.clone();
    let (status, _) = get(&server.addr, "/imports", &host);
    assert!(status.contains("200"), "{status}");
    let public = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/public-demo/research_videos_page1.json");
    let run = sb
        .run_in("d", &["import", &public.display().to_string()])
        .ok();
    assert!(run.stdout.contains("imported"), "{}", run.stdout);
    let (status, body) = get(&server.addr, "/imports", &host);
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("research_videos_page1.json"), "{body}");
    let conn = rusqlite::Connection::open(sb.path().join("d/.uptake/uptake.db")).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "the server's readers never lost WAL mode");
}

/// The dashboard and the video list count the demo account's videos only;
/// other creators' public videos (the public demo) have their own list.
#[test]
fn the_dashboard_and_video_list_leave_other_creators_videos_apart() {
    let sb = Sandbox::new();
    sb.run(&["demo", "d"]).ok();
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/public-demo");
    let mut args = vec!["import".to_string()];
    for name in [
        "research_videos_page1.json",
        "research_videos_page2.json",
        "research_comments_7575384198213519217.json",
    ] {
        args.push(dir.join(name).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run_in("d", &args).ok();
    let server = start(&sb, "d");
    let host = server.addr.clone();

    let (status, body) = get(&server.addr, "/", &host);
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("753,972"), "the account's views: {body}");
    assert!(!body.contains("1,165,375"), "no pooled views: {body}");
    assert!(
        body.contains("The project also holds 16 public videos by other creators, never counted with them: <a href=\"/videos?owner=public\">"),
        "{body}"
    );

    // Another creator's video, and one of the demo account's.
    let (theirs, ours) = (
        "Parent perspective: supporting my teen",
        "What our survey heard",
    );
    let (_, body) = get(&server.addr, "/videos", &host);
    assert!(body.contains("13 videos match."), "{body}");
    assert!(body.contains(ours) && !body.contains(theirs), "{body}");
    assert!(
        body.contains(
            "16 public videos by other creators are not listed here nor counted in the dashboard"
        ),
        "{body}"
    );
    let (_, body) = get(&server.addr, "/videos?owner=public&sort=views", &host);
    assert!(body.contains("16 videos match."), "{body}");
    assert!(body.contains(theirs) && !body.contains(ours), "{body}");
    assert!(body.contains(">u_"), "authors as pseudonyms: {body}");
    let (_, body) = get(&server.addr, "/videos?owner=public&q=transhealth", &host);
    assert!(body.contains(theirs) && !body.contains(ours), "{body}");
}
