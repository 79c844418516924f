//! Every page answers every role as the roles matrix says.

use crate::fixture::{Fixture, HOSTILE_ID, VIDEO};
use axum::http::StatusCode;
use uptake_store::Role;

const PAGES: &[&str] = &[
    "/",
    "/?campaign=blockers",
    "/videos",
    "/videos?sort=views&dir=desc&campaign=blockers&q=blockers",
    "/videos?sort=likes&dir=asc&page=2",
    "/videos/7000000000000000001",
    "/comments",
    "/comments?scheme=safety&label=harassment&lang=en&from=2025-01-01&to=2026-12-31&q=vile",
    "/review",
    "/review?scheme=safety&state=all",
    "/claims",
    "/claims?scheme=safety&by=month",
    "/imports",
    "/report",
];

#[tokio::test]
async fn every_page_answers_every_role() {
    let f = Fixture::team(false);
    for role in Role::ALL {
        for page in PAGES {
            let (status, body) = f.get(page, Some(role)).await;
            assert_eq!(status, StatusCode::OK, "{role} {page}\n{body}");
            assert!(body.contains("</html>"), "{role} {page}");
        }
        let (status, body) = f.get("/report/download", Some(role)).await;
        assert_eq!(status, StatusCode::OK, "{role}");
        assert!(
            body.contains("<!DOCTYPE html>") || body.contains("<!doctype html>"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn settings_are_for_owners_only() {
    let f = Fixture::team(false);
    let (status, body) = f.get("/settings", Some(Role::Owner)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Audit log"));
    for role in [Role::Analyst, Role::Coder, Role::Moderator, Role::Viewer] {
        let (status, _) = f.get("/settings", Some(role)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
}

#[tokio::test]
async fn without_a_session_pages_send_you_to_sign_in() {
    let f = Fixture::team(false);
    for page in PAGES {
        let (status, _) = f.get(page, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    }
    let (status, body) = f.get("/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Sign in"));
}

#[tokio::test]
async fn the_local_owner_needs_no_sign_in() {
    let f = Fixture::local();
    let (status, body) = f.get("/", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("local owner"));
    let (status, _) = f.get("/settings", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_video_page_shows_observations_comments_and_signals() {
    let f = Fixture::team(false);
    let (status, body) = f.get(&format!("/videos/{VIDEO}"), Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("1,200"), "views");
    assert!(body.contains("safety.harassment.vile"), "the rule");
    assert!(body.contains("<mark>vile</mark>"), "the matched span");
    assert!(body.contains("chart-video-views"), "the chart");
    let (status, _) = f.get("/videos/999", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_review_queue_shows_the_rule_and_span_and_hides_forms_from_viewers() {
    let f = Fixture::team(false);
    let (_, body) = f.get("/review", Some(Role::Moderator)).await;
    assert!(body.contains(HOSTILE_ID));
    assert!(body.contains("safety.harassment.vile"));
    assert!(body.contains("action=\"/review/decide\""));
    let (_, body) = f.get("/review", Some(Role::Viewer)).await;
    assert!(!body.contains("action=\"/review/decide\""));
}

#[tokio::test]
async fn text_search_and_filters_narrow_the_comments() {
    let f = Fixture::team(false);
    let (_, body) = f.get("/comments?q=study", Some(Role::Viewer)).await;
    assert!(body.contains("where can I read the study"));
    assert!(!body.contains("great explanation"));
    let (_, body) = f.get("/comments?scheme=safety", Some(Role::Viewer)).await;
    assert!(body.contains("you are <mark>vile</mark>"));
    assert!(!body.contains("where can I read"));
}
