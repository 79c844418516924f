//! The uptake team web app, served by `uptake serve`.
//!
//! Server-rendered HTML pages over the project database: a dashboard of the
//! KMb indicators and the report's charts (per campaign), the paper's video
//! table, each video's observations and comments, the comment list with
//! full-text search, the review queue, claim prevalence, blind coding of
//! one's own assignments, inter-rater reliability, imports (history and
//! upload), the report download, and settings (accounts and roles). Pages
//! read well without JavaScript; the one small script only adds table
//! sorting and the review queue's keyboard shortcuts.
//!
//! What it must not do: depend on the command line crate (the binary hands
//! over a [`WebConfig`]); load whole tables per request (every list is a page
//! of SQL, see `uptake_store::pages`); run SQLite on the async executor
//! (every query goes through [`AppState`]'s pool on a blocking thread); show
//! untrusted text unescaped (pages are `maud` templates); or let a request
//! name a file (uploads go to a folder the server chooses).
//!
//! Main items: [`router`] (the whole app as a `tower` service, testable with
//! `oneshot`), [`AppState`], [`WebConfig`], [`serve`], [`startup_check`],
//! [`WebError`], and [`auth`] (password hashes, sessions, roles).

pub mod auth;
pub mod config;
pub mod error;

/// Writes one line to the server's log (stderr), ignoring a closed stderr:
/// `eprintln!` panics when nobody reads the log any more, which would reset
/// the connection being served.
#[macro_export]
#[doc(hidden)]
macro_rules! log_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod layout;
pub mod pages;
pub mod state;

pub use config::{CampaignConfig, ImportHook, ReportHook, WebConfig, DEFAULT_MAX_UPLOAD};
pub use error::WebError;
pub use state::AppState;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// Largest body of an ordinary form (decisions, settings, sign-in).
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// The content security policy of every response: nothing from elsewhere,
/// no inline script, no framing, forms only to this site; the script may
/// call this site only (the imports page polls its jobs' progress).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The whole app. Every route, with its body limits and security checks.
pub fn router(state: AppState) -> Router {
    let upload_limit = usize::try_from(state.config().max_upload_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/videos", get(pages::videos::list))
        .route("/videos/{id}", get(pages::video::show))
        .route("/comments", get(pages::comments::list))
        .route("/review", get(pages::review::queue))
        .route("/review/decide", post(pages::review::decide))
        .route("/claims", get(pages::claims::show))
        .route("/coding", get(pages::coding::show))
        .route("/coding/save", post(pages::coding::save))
        .route(
            "/coding/adjudicate",
            get(pages::coding::adjudication).post(pages::coding::decide),
        )
        .route("/coding/finalize", post(pages::coding::finalize))
        .route("/reliability", get(pages::reliability::show))
        .route("/imports", get(pages::imports::list))
        .route("/imports/jobs/{id}", get(pages::imports::job))
        .route(
            "/imports/upload",
            post(pages::imports::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/report", get(pages::report::show))
        .route("/report/download", get(pages::report::download))
        .route("/settings", get(pages::settings::show))
        .route("/settings/users", post(pages::settings::change))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/assets/style.css", get(pages::assets::css))
        .route("/assets/app.js", get(pages::assets::js))
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Checks every request before it reaches a page, and adds the security
/// headers to every response.
///
/// - On a loopback address, the `Host` must be a loopback name (stops DNS
///   rebinding).
/// - A state-changing request whose `Origin` is another site is refused
///   (the anti-forgery token is checked again by each handler).
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    if state.config().loopback() {
        if let Some(h) = &host {
            if !auth::loopback_host(h) {
                return (
                    StatusCode::MISDIRECTED_REQUEST,
                    "this server answers only to its loopback address",
                )
                    .into_response();
            }
        }
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok());
        if let Some(origin) = origin {
            let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
            if host.as_deref() != Some(origin_host) {
                return WebError::Csrf.into_response();
            }
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: browsers send `Origin: null` with a
    // form POST from a `no-referrer` page, which the check above refuses, so
    // no one could sign in. Other sites still get no referrer.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Who can reach the server, checked before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Startup {
    /// The message to print: the address and who can reach it.
    pub message: String,
}

/// Refuses a non-loopback address until an owner with a password exists,
/// and says who will be able to reach the server.
pub fn startup_check(config: &WebConfig) -> Result<Startup, WebError> {
    let store = uptake_store::Store::open(&config.db_path)?;
    let users = store.users()?;
    let can_sign_in: Vec<String> = users
        .iter()
        .filter(|u| u.has_password)
        .map(|u| format!("{} ({})", u.name, u.role))
        .collect();
    let owners = store.owners_with_password()?;
    let addr = config.addr;
    if !config.loopback() && owners == 0 {
        return Err(WebError::BadRequest(format!(
            "refusing to listen on `{addr}`, which other computers can reach, while no owner \
             account has a password; add one with `uptake user add NAME --role owner` (it asks \
             for the password), or listen on 127.0.0.1"
        )));
    }
    let reach = if config.loopback() {
        "only programs on this computer can reach it"
    } else {
        "other computers on the network can reach it: share the address only with your team, \
         and put it behind HTTPS (a reverse proxy) before it leaves a trusted network"
    };
    let who = if can_sign_in.is_empty() {
        "no accounts: you are the local owner (add accounts with `uptake user add` or in Settings)"
            .to_string()
    } else {
        format!("sign-in required; accounts: {}", can_sign_in.join(", "))
    };
    Ok(Startup {
        message: format!("uptake serve: http://{addr}/ ({reach}; {who})"),
    })
}

/// Serves the app on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}

/// Checks the address ([`startup_check`]), binds it, calls `ready` with the
/// startup message (naming the address actually bound, so port 0 works),
/// and serves until the process ends. Builds its own runtime: the caller
/// stays synchronous.
pub fn run(mut config: WebConfig, ready: impl FnOnce(&Startup)) -> Result<(), WebError> {
    startup_check(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| WebError::Internal(format!("cannot start the server's runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| {
                WebError::BadRequest(format!("cannot listen on `{}`: {e}", config.addr))
            })?;
        config.addr = listener
            .local_addr()
            .map_err(|e| WebError::Internal(format!("cannot read the bound address: {e}")))?;
        let startup = startup_check(&config)?;
        let state = AppState::new(config)?;
        ready(&startup);
        serve(listener, state)
            .await
            .map_err(|e| WebError::Internal(format!("the server stopped: {e}")))
    })
}
