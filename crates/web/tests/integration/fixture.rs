//! A project database with one video, a few comments (one hostile), flags,
//! and one account per role with a live session.

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;
use uptake_model::{Comment, Count, Metrics, Observation, SourceFormat, Video};
use uptake_report::kmb_report::{build_report, ReportInputs};
use uptake_store::{NewAnnotation, NewImport, Role, Store};
use uptake_web::{auth, AppState, CampaignConfig, WebConfig};

/// The hostile comment's text.
pub const HOSTILE: &str = "<script>alert(1)</script> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">click</a> you are vile";
/// A video id in the fixture.
pub const VIDEO: &str = "7000000000000000001";
/// The hostile comment's id.
pub const HOSTILE_ID: &str = "8000000000000000001";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

fn new_import(name: &str) -> NewImport {
    NewImport {
        file_name: name.into(),
        sha256: format!("{:0>64}", name.len()),
        byte_size: 1,
        imported_at: 1_760_000_000,
        options_json: "{}".into(),
    }
}

/// Fills the database.
pub fn seed(path: &Path) {
    let mut store = Store::create(path).unwrap();
    let mut tx = store
        .begin_import(&new_import("seed.json"), "tiktok")
        .unwrap();
    tx.video(&Video {
        platform_id: VIDEO.into(),
        author_handle: Some("synthetic_kmb_lab".into()),
        title: Some("Puberty blockers <b>explained</b>".into()),
        created_at: Some(1_750_000_000),
        url: Some("javascript:alert(4)".into()),
        ..Video::default()
    })
    .unwrap();
    tx.observation(
        &Observation {
            video_id: VIDEO.into(),
            observed_at: 1_750_500_000,
            source: SourceFormat::ManualTemplate,
            metrics: Metrics {
                views: Some(Count {
                    value: 1200,
                    approximate: false,
                }),
                likes: Some(Count {
                    value: 80,
                    approximate: false,
                }),
                ..Metrics::default()
            },
        },
        None,
    )
    .unwrap();
    let comments = [
        (HOSTILE_ID, HOSTILE, Some("someone_real")),
        (
            "8000000000000000002",
            "thank you, where can I read the study?",
            None,
        ),
        (
            "8000000000000000003",
            "great explanation of puberty blockers",
            None,
        ),
    ];
    for (i, (id, text, handle)) in comments.iter().enumerate() {
        tx.comment(
            &Comment {
                platform_id: (*id).into(),
                video_id: VIDEO.into(),
                author_key: Some(format!("u_key{i}")),
                author_handle: handle.map(String::from),
                created_at: Some(1_750_100_000 + i as i64 * 3600),
                text: (*text).into(),
                language: Some("en".into()),
                ..Comment::default()
            },
            "zeeschuimer",
            None,
        )
        .unwrap();
    }
    tx.commit(&["manual-template".into()]).unwrap();
    let hostile_row: i64 = 1;
    store
        .save_analysis(
            "safety",
            "test-1",
            1_760_000_000,
            &[(
                hostile_row,
                vec![NewAnnotation {
                    label: "harassment".into(),
                    rule_id: "safety.harassment.vile".into(),
                    severity: Some(3),
                    span: (HOSTILE.len() - 4, HOSTILE.len()),
                    matched: "vile".into(),
                }],
            )],
        )
        .unwrap();
}

/// The report hook used in tests: the report's own builder on the latest metrics.
pub fn report_hook() -> uptake_web::ReportHook {
    Arc::new(|store: &Store, _campaign: Option<&str>| {
        let rows = store.latest_metrics(None).map_err(|e| e.to_string())?;
        let videos: Vec<_> = rows.into_iter().map(|l| (l.video, l.metrics)).collect();
        Ok(build_report(&ReportInputs {
            project: "test".into(),
            videos: &videos,
            ..ReportInputs::default()
        }))
    })
}

pub fn config(dir: &Path, store_handles: bool) -> WebConfig {
    WebConfig {
        project_name: "Test <project>".into(),
        db_path: dir.join("uptake.db"),
        upload_dir: dir.join("uploads"),
        own_handle: Some("synthetic_kmb_lab".into()),
        store_handles,
        synthetic: false,
        campaigns: vec![CampaignConfig {
            name: "blockers".into(),
            output_title: Some("A study".into()),
            videos: vec![VIDEO.into()],
        }],
        schemes: vec!["safety".into(), "claims".into(), "kmb".into()],
        addr: "127.0.0.1:0".parse().unwrap(),
        secure_cookies: false,
        max_upload_bytes: 1 << 20,
        report: report_hook(),
        import: Some(Arc::new(
            |_store: &mut Store, request: uptake_web::config::ImportRequest<'_>| {
                let bytes = std::fs::read(request.path).map_err(|e| e.to_string())?;
                let total = bytes.len() as u64;
                (request.progress)(uptake_web::config::ImportProgress {
                    bytes_read: total,
                    total_bytes: total,
                    records: 1,
                });
                Ok(format!("read {total} bytes"))
            },
        )),
    }
}

/// The password of every account in the fixture.
pub const PASSWORD: &str = "correct horse battery";

impl Fixture {
    /// A database with accounts (team mode).
    pub fn team(store_handles: bool) -> Fixture {
        Fixture::team_configured(store_handles, |_| {})
    }

    /// [`Fixture::team`] with its configuration changed by `adjust`.
    pub fn team_configured(store_handles: bool, adjust: fn(&mut WebConfig)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        seed(&dir.path().join("uptake.db"));
        let hash = auth::hash_password(PASSWORD).unwrap();
        let mut store = Store::open(&dir.path().join("uptake.db")).unwrap();
        for role in Role::ALL {
            let user = store
                .add_user(role.name(), role, Some(&hash), 1)
                .unwrap()
                .unwrap();
            store
                .create_session(
                    &auth::token_hash(&token(role)),
                    user.id,
                    &csrf(role),
                    1,
                    i64::MAX,
                )
                .unwrap();
        }
        let mut config = config(dir.path(), store_handles);
        adjust(&mut config);
        let state = AppState::new(config).unwrap();
        Fixture { dir, state }
    }

    /// A database without accounts (the local owner).
    pub fn local() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        seed(&dir.path().join("uptake.db"));
        let state = AppState::new(config(dir.path(), false)).unwrap();
        Fixture { dir, state }
    }

    pub fn store(&self) -> Store {
        Store::open(&self.dir.path().join("uptake.db")).unwrap()
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        uptake_web::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap()
    }

    /// GET as `role` (None = no session).
    pub async fn get(&self, path: &str, role: Option<Role>) -> (StatusCode, String) {
        let mut req = Request::get(path);
        if let Some(r) = role {
            req = req.header(header::COOKIE, cookie(r));
        }
        let res = self.send(req.body(Body::empty()).unwrap()).await;
        let status = res.status();
        (status, body(res).await)
    }

    /// POST a form as `role`.
    pub async fn post(&self, path: &str, role: Option<Role>, form: &str) -> (StatusCode, String) {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(r) = role {
            req = req.header(header::COOKIE, cookie(r));
        }
        let res = self
            .send(req.body(Body::from(form.to_string())).unwrap())
            .await;
        let status = res.status();
        (status, body(res).await)
    }
}

pub async fn body(res: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The session token of a role's account (64 hex digits).
pub fn token(role: Role) -> String {
    format!("{:0>64}", format!("{:x}", role as u8 + 10))
}

/// The anti-forgery token of a role's session.
pub fn csrf(role: Role) -> String {
    format!("csrf-{}", role.name())
}

pub fn cookie(role: Role) -> String {
    format!("{}={}", auth::SESSION_COOKIE, token(role))
}
