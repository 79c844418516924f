//! Uploads and their background jobs: several files per request, one job
//! each, run one at a time; the job endpoint's JSON (roles, unknown jobs,
//! progress); the name handed to the import.

use crate::fixture::{self, csrf, Fixture};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use uptake_store::{Role, Store};
use uptake_web::config::{ImportProgress, ImportRequest};
use uptake_web::AppState;

/// A multipart body: the token first (if any), then each `(file name, content)`.
fn multipart(token: Option<&str>, files: &[(&str, &str)]) -> (String, String) {
    let boundary = "XBOUNDARYX";
    let mut body = String::new();
    if let Some(t) = token {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n"
        ));
    }
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn upload(role: Role, files: &[(&str, &str)]) -> Request<Body> {
    let token = csrf(role);
    let (ctype, body) = multipart(Some(&token), files);
    Request::post("/imports/upload")
        .header(header::CONTENT_TYPE, ctype)
        .header(header::COOKIE, fixture::cookie(role))
        .body(Body::from(body))
        .unwrap()
}

/// `GET /imports/jobs/{id}` as `role`: status and parsed JSON (if any).
async fn job(f: &Fixture, id: &str, role: Option<Role>) -> (StatusCode, serde_json::Value) {
    let mut req = Request::get(format!("/imports/jobs/{id}"));
    if let Some(r) = role {
        req = req.header(header::COOKIE, fixture::cookie(r));
    }
    let res = f.send(req.body(Body::empty()).unwrap()).await;
    let status = res.status();
    let body = fixture::body(res).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// Polls a job (bounded) until its state is `want`.
async fn wait_for(f: &Fixture, id: u64, want: &str) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..500 {
        let (status, json) = job(f, &id.to_string(), Some(Role::Analyst)).await;
        assert_eq!(status, StatusCode::OK);
        if json["state"] == want {
            return json;
        }
        last = json;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {id} did not reach `{want}`: {last}");
}

/// The team fixture with another import hook.
fn with_hook(hook: uptake_web::ImportHook) -> Fixture {
    let f = Fixture::team(false);
    let mut config = fixture::config(f.dir.path(), false);
    config.import = Some(hook);
    let state = AppState::new(config).unwrap();
    Fixture { dir: f.dir, state }
}

fn uploads_left(f: &Fixture) -> usize {
    std::fs::read_dir(f.dir.path().join("uploads"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A message naming the file where the server keeps it shows the uploaded
/// name instead: every signed-in account reads job messages (review,
/// 2026-11-28).
#[tokio::test]
async fn job_messages_name_the_uploaded_file_not_the_server_path() {
    let f = with_hook(std::sync::Arc::new(
        |_store: &mut uptake_store::Store, request: uptake_web::config::ImportRequest<'_>| {
            Err(format!(
                "`{}` line 1: expected a header row",
                request.path.display()
            ))
        },
    ));
    let res = f
        .send(upload(Role::Analyst, &[("evil.csv", "a,b\n")]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let json = wait_for(&f, 1, "failed").await;
    assert_eq!(json["message"], "`evil.csv` line 1: expected a header row");
    let dir = f.dir.path().display().to_string();
    let (_, page) = f.get("/imports", Some(Role::Viewer)).await;
    assert!(!page.contains(&dir), "{page}");
}

#[tokio::test]
async fn the_job_endpoint_reports_state_and_progress_as_json() {
    let f = Fixture::team(false);
    let res = f
        .send(upload(Role::Analyst, &[("a.csv", "a,b\n1,2\n")]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let json = wait_for(&f, 1, "done").await;
    assert_eq!(json["id"], 1);
    assert_eq!(json["file"], "a.csv");
    assert_eq!(json["message"], "read 8 bytes");
    assert_eq!(json["text"], "done: read 8 bytes");
    assert_eq!(json["bytes_read"], 8);
    assert_eq!(json["total_bytes"], 8);
    assert_eq!(json["records"], 1);
    assert_eq!(json["percent"], 100);
    let res = f
        .send(
            Request::get("/imports/jobs/1")
                .header(header::COOKIE, fixture::cookie(Role::Viewer))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/json",
        "JSON"
    );
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    // The page shows the same job with a full progress bar the script can update.
    let (_, page) = f.get("/imports", Some(Role::Viewer)).await;
    assert!(page.contains(r#"data-job="1" data-state="done""#), "{page}");
    assert!(page.contains(r#"<progress value="8" max="8" aria-label="Import of a.csv">"#));
    assert!(page.contains("done: read 8 bytes"));
}

#[tokio::test]
async fn the_job_endpoint_follows_the_page_rules_and_unknown_jobs_are_not_found() {
    let f = Fixture::team(false);
    let res = f.send(upload(Role::Owner, &[("a.csv", "x")])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    wait_for(&f, 1, "done").await;
    // Like `/imports`: every signed-in role reads it, nobody else.
    for role in Role::ALL {
        let (status, json) = job(&f, "1", Some(role)).await;
        assert_eq!(status, StatusCode::OK, "{role:?}");
        assert_eq!(json["state"], "done", "{role:?}");
        let (status, _) = f.get("/imports", Some(role)).await;
        assert_eq!(status, StatusCode::OK, "{role:?}");
    }
    let res = f
        .send(Request::get("/imports/jobs/1").body(Body::empty()).unwrap())
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login");
    for id in ["2", "0", "999999", "abc", "-1", "1.0"] {
        let (status, _) = job(&f, id, Some(Role::Owner)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
}

/// An import hook that reports half the file read and waits for the test
/// to open the gate, recording the names it was given.
fn gated_hook(
    gate: Arc<(Mutex<bool>, Condvar)>,
    names: Arc<Mutex<Vec<(String, String)>>>,
) -> uptake_web::ImportHook {
    Arc::new(move |_store: &mut Store, request: ImportRequest<'_>| {
        let total = std::fs::metadata(request.path)
            .map_err(|e| e.to_string())?
            .len();
        names.lock().unwrap().push((
            request.display_name.to_string(),
            request.path.display().to_string(),
        ));
        (request.progress)(ImportProgress {
            bytes_read: total / 2,
            total_bytes: total,
            records: 2,
        });
        let (lock, cv) = &*gate;
        let open = lock.lock().unwrap();
        // Bounded, so that a failing test cannot hang the runtime's shutdown.
        let _open = cv
            .wait_timeout_while(open, Duration::from_secs(10), |open| !*open)
            .unwrap();
        (request.progress)(ImportProgress {
            bytes_read: total,
            total_bytes: total,
            records: 4,
        });
        Ok(format!("imported `{}`", request.display_name))
    })
}

#[tokio::test]
async fn several_files_become_jobs_that_run_one_at_a_time_with_progress() {
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let names = Arc::new(Mutex::new(Vec::new()));
    let f = with_hook(gated_hook(gate.clone(), names.clone()));
    let res = f
        .send(upload(
            Role::Analyst,
            &[
                ("../first.csv", "12345678"),
                ("C:\\x\\second <b>.csv", "abcd"),
            ],
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/imports");
    // The first runs and has read half; the second waits its turn.
    let first = wait_for(&f, 1, "running").await;
    for _ in 0..500 {
        if job(&f, "1", Some(Role::Analyst)).await.1["bytes_read"] == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, first_now) = job(&f, "1", Some(Role::Analyst)).await;
    assert_eq!(first["file"], "first.csv");
    assert_eq!(first_now["bytes_read"], 4, "{first_now}");
    assert_eq!(first_now["total_bytes"], 8);
    assert_eq!(first_now["records"], 2);
    assert_eq!(first_now["percent"], 50);
    assert_eq!(first_now["message"], serde_json::Value::Null);
    assert_eq!(first_now["text"], "importing… 50% · 2 records");
    let (_, second) = job(&f, "2", Some(Role::Analyst)).await;
    assert_eq!(second["state"], "queued", "{second}");
    assert_eq!(second["file"], "second b.csv");
    assert_eq!(second["bytes_read"], 0);
    assert_eq!(second["total_bytes"], 4);
    // Other pages answer while the import runs.
    let (status, page) = f.get("/imports", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            r#"<progress value="4" max="8" aria-label="Import of first.csv">50%</progress>"#
        ),
        "{page}"
    );
    assert!(page.contains("importing… 50% · 2 records"));
    assert!(page.contains(r#"data-job="2" data-state="queued""#));
    assert_eq!(f.get("/videos", Some(Role::Viewer)).await.0, StatusCode::OK);
    {
        let (lock, cv) = &*gate;
        *lock.lock().unwrap() = true;
        cv.notify_all();
    }
    let done = wait_for(&f, 1, "done").await;
    assert_eq!(done["message"], "imported `first.csv`");
    assert_eq!(done["records"], 4);
    assert_eq!(done["bytes_read"], 8);
    let done = wait_for(&f, 2, "done").await;
    assert_eq!(done["message"], "imported `second b.csv`");
    // The import was handed the safe name the browser gave, not the path.
    let names = names.lock().unwrap().clone();
    assert_eq!(names.len(), 2);
    assert_eq!(names[0].0, "first.csv");
    assert_eq!(names[1].0, "second b.csv");
    assert!(names[0].1.contains("uploads") && names[0].1 != names[0].0);
    assert_ne!(names[0].1, names[1].1, "each file has its own folder");
    // Both folders are gone, and both imports are in the audit log.
    // Up to 5 s, as for the jobs: CI runs the tests on two busy cores.
    for _ in 0..500 {
        if uploads_left(&f) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(uploads_left(&f), 0);
    let audit = f.store().audit_log(10, 0).unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "import.upload").count(),
        2
    );
}

#[tokio::test]
async fn a_failed_import_is_reported_and_the_next_one_still_runs() {
    let f = with_hook(Arc::new(
        |_store: &mut Store, request: ImportRequest<'_>| {
            if request.display_name == "bad.csv" {
                Err("`bad.csv` line 1: expected a header".into())
            } else {
                Ok("fine".into())
            }
        },
    ));
    let res = f
        .send(upload(Role::Owner, &[("bad.csv", "x"), ("good.csv", "y")]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let bad = wait_for(&f, 1, "failed").await;
    assert_eq!(bad["message"], "`bad.csv` line 1: expected a header");
    assert_eq!(
        bad["text"],
        "failed: `bad.csv` line 1: expected a header (nothing from the file was stored)"
    );
    wait_for(&f, 2, "done").await;
    let (_, page) = f.get("/imports", Some(Role::Owner)).await;
    assert!(
        page.contains("<strong>failed</strong>: `bad.csv` line 1"),
        "{page}"
    );
    assert!(page.contains(r#"data-job="2" data-state="done""#));
}

#[tokio::test]
async fn a_bad_upload_stores_nothing_and_starts_no_job() {
    let f = Fixture::team(false);
    // No file chosen: browsers send one empty, nameless part.
    let (status, _) = {
        let res = f.send(upload(Role::Analyst, &[("", "")])).await;
        (res.status(), ())
    };
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Too large together (the fixture allows 1 MiB per upload), even though
    // each file alone would fit: the first is removed again.
    let half = "x".repeat(600 * 1024);
    let res = f
        .send(upload(Role::Analyst, &[("a.csv", &half), ("b.csv", &half)]))
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(uploads_left(&f), 0);
    let (_, json) = job(&f, "1", Some(Role::Analyst)).await;
    assert_eq!(json, serde_json::Value::Null, "no job was started");
    let (_, page) = f.get("/imports", Some(Role::Analyst)).await;
    assert!(!page.contains("data-job="));
}

#[tokio::test]
async fn the_upload_form_is_a_labelled_multiple_file_input_with_its_token_first() {
    let f = Fixture::team(false);
    let (_, page) = f.get("/imports", Some(Role::Analyst)).await;
    let form = page
        .split(r#"<form id="upload""#)
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .expect("the upload form");
    let token = form.find(r#"name="csrf""#).unwrap();
    let input = form
        .find(r#"<input id="upload-files" type="file" name="file" multiple required"#)
        .expect("a file input taking several files");
    assert!(token < input, "the token comes first");
    assert!(form.contains(r#"<label for="upload-files">Files</label>"#));
    assert!(form.contains(r#"class="dropzone""#));
    // Roles that may not upload get no form.
    for role in [Role::Coder, Role::Moderator, Role::Viewer] {
        let (_, page) = f.get("/imports", Some(role)).await;
        assert!(!page.contains(r#"id="upload""#), "{role:?}");
    }
}
