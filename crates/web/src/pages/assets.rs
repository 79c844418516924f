//! The stylesheet and the small optional script, compiled into the binary:
//! no CDN, no web font, no build step.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../assets/style.css");
const JS: &str = include_str!("../../assets/app.js");

/// `GET /assets/style.css`.
pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

/// `GET /assets/app.js`: table sorting and the review queue's keys.
pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}
