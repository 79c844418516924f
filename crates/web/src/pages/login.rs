//! `GET/POST /login` and `POST /logout`. Sign-ins are rate-limited per
//! client address and per account name (5 failures in 15 minutes), take the
//! same time for unknown names as for wrong passwords, and are written to
//! the audit log.

use crate::auth::{self, Viewer};
use crate::error::WebError;
use crate::layout::respond;
use crate::state::{lock, AppState, MAX_FAILURES, MAX_FAILURES_BEHIND_PROXY};
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use std::net::SocketAddr;
use std::time::Instant;
use uptake_store::NewAuditEntry;

/// The sign-in form as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginForm {
    /// Account name.
    #[serde(default)]
    pub name: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// The sign-out form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LogoutForm {
    /// Anti-forgery token.
    #[serde(default)]
    pub csrf: String,
}

fn login_page(project: &str, message: Option<&str>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Sign in · " (project) " · uptake" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body { main.login #main {
                h1 { "Sign in to " (project) }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                form method="post" action="/login" {
                    label { "Name " input type="text" name="name" required autocomplete="username" autofocus; }
                    label { "Password " input type="password" name="password" required autocomplete="current-password"; }
                    button type="submit" { "Sign in" }
                }
                p.notes { "Accounts are made by the project's owner (Settings, or " code { "uptake user add" } ")." }
            } }
        }
    }
}

/// `GET /login`.
pub async fn form(State(state): State<AppState>) -> Result<Response, WebError> {
    let st = state.clone();
    if state.db(move |store| auth::local_mode(&st, store)).await? {
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response());
    }
    Ok(respond(login_page(&state.config().project_name, None)))
}

/// The client's address, when the server was started with it (absent in
/// tests that call the router directly).
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    Peer(peer): Peer,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    sign_in(state, f, peer).await
}

async fn sign_in(
    state: AppState,
    f: LoginForm,
    peer: Option<SocketAddr>,
) -> Result<Response, WebError> {
    let name: String = f.name.trim().chars().take(64).collect();
    let ip_key = format!(
        "ip:{}",
        peer.map(|p| p.ip().to_string())
            .unwrap_or_else(|| "unknown".into())
    );
    let user_key = format!("user:{}", name.to_lowercase());
    {
        let mut limiter = lock(&state.inner.limiter);
        let now = Instant::now();
        let per_address = if state.config().secure_cookies {
            MAX_FAILURES_BEHIND_PROXY
        } else {
            MAX_FAILURES
        };
        if !limiter.allowed(&ip_key, per_address, now)
            || !limiter.allowed(&user_key, MAX_FAILURES, now)
        {
            return Err(WebError::TooMany);
        }
    }
    let password = f.password;
    let secure = state.config().secure_cookies;
    let who = name.clone();
    let outcome = state
        .db(move |store| {
            let at = chrono::Utc::now().timestamp();
            let found = store.user_with_hash(&who)?;
            let user = match found {
                Some((user, Some(hash))) if auth::verify_password(&hash, &password) => Some(user),
                Some((_, Some(_))) => None,
                _ => {
                    auth::burn_password_check(&password);
                    None
                }
            };
            let Some(user) = user else {
                store.audit(&NewAuditEntry {
                    at,
                    actor: &who,
                    action: "sign-in.failed",
                    target: None,
                    detail: None,
                })?;
                return Ok(None);
            };
            let token = auth::random_token()?;
            let csrf = auth::random_token()?;
            store.purge_sessions(at)?;
            store.create_session(
                &auth::token_hash(&token),
                user.id,
                &csrf,
                at,
                at + auth::SESSION_SECONDS,
            )?;
            store.audit(&NewAuditEntry {
                at,
                actor: &user.name,
                action: "sign-in",
                target: None,
                detail: None,
            })?;
            Ok(Some(token))
        })
        .await?;
    match outcome {
        Some(token) => {
            lock(&state.inner.limiter).clear(&user_key);
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, "/".to_string()),
                    (header::SET_COOKIE, auth::session_cookie(&token, secure)),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
            )
                .into_response())
        }
        None => {
            {
                let mut limiter = lock(&state.inner.limiter);
                let now = Instant::now();
                limiter.fail(&ip_key, now);
                limiter.fail(&user_key, now);
            }
            let page = login_page(
                &state.config().project_name,
                Some("That name and password do not match an account."),
            );
            Ok((
                StatusCode::UNAUTHORIZED,
                axum::response::Html(page.into_string()),
            )
                .into_response())
        }
    }
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<LogoutForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&f.csrf)?;
    let secure = state.config().secure_cookies;
    if let Some(hash) = viewer.session.clone() {
        let name = viewer.name.clone();
        state
            .db(move |store| {
                store.delete_session(&hash)?;
                store.audit(&NewAuditEntry {
                    at: chrono::Utc::now().timestamp(),
                    actor: &name,
                    action: "sign-out",
                    target: None,
                    detail: None,
                })?;
                Ok(())
            })
            .await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/login".to_string()),
            (header::SET_COOKIE, auth::clear_cookie(secure)),
        ],
    )
        .into_response())
}
