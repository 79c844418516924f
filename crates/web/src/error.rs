//! One error type for every handler: it logs the details and shows a safe
//! message (no SQL, no paths, no stack).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// What can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// Not signed in: go to the sign-in page.
    #[error("sign-in required")]
    SignIn,
    /// Signed in, but the role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The anti-forgery token is missing or wrong.
    #[error("missing or wrong anti-forgery token")]
    Csrf,
    /// The request is malformed; the message is safe to show.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Too many attempts.
    #[error("too many attempts")]
    TooMany,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] uptake_store::StoreError),
    /// Anything else (details are logged, not shown).
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message): (StatusCode, String) = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "Not found.".into()),
            WebError::SignIn => {
                return (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, "/login"), (header::CACHE_CONTROL, "no-store")],
                )
                    .into_response()
            }
            WebError::Forbidden(what) => (
                StatusCode::FORBIDDEN,
                format!("Your role does not allow this: {what}."),
            ),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "The form was too old or did not come from this site. Go back, reload the page and try again."
                    .into(),
            ),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            WebError::TooMany => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed sign-ins. Wait 15 minutes and try again.".into(),
            ),
            WebError::Store(_) | WebError::Internal(_) => {
                // The details can hold paths and SQL: the log gets them, the page does not.
                crate::log_line!("uptake serve: error: {self}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong. The details are in the server's log.".into(),
                )
            }
        };
        let body = maud::html! {
            (maud::DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    title { "uptake: " (status.as_u16()) }
                    link rel="stylesheet" href="/assets/style.css";
                }
                body { main.error {
                    h1 { (status.canonical_reason().unwrap_or("Error")) }
                    p { (message) }
                    p { a href="/" { "Back to the dashboard" } }
                } }
            }
        };
        (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            axum::response::Html(body.into_string()),
        )
            .into_response()
    }
}
