//! The video list holds the project's own account's videos, or (with
//! `?owner=public`) other creators' public videos: never both together.

use crate::fixture::{Fixture, VIDEO};
use uptake_model::{Count, Metrics, Observation, SourceFormat, Video};
use uptake_store::{NewImport, Role};

/// Another creator's video, captured by the Research API, whose handle the
/// project kept (`store_handles`).
const THEIRS: &str = "7000000000000000002";
const THEIR_TITLE: &str = "Blockers myths, another creator";
const THEIR_HANDLE: &str = "creator_handle_x";
const THEIR_KEY: &str = "u_0123456789ab";

/// Adds [`THEIRS`] to the fixture's database (the video list's caches see
/// the change).
fn add_public_video(f: &Fixture) {
    let mut store = f.store();
    let new = NewImport {
        file_name: "research.json".into(),
        sha256: "f".repeat(64),
        byte_size: 1,
        imported_at: 1_760_000_100,
        options_json: "{}".into(),
    };
    let mut tx = store.begin_import(&new, "tiktok").unwrap();
    tx.video(&Video {
        platform_id: THEIRS.into(),
        author_handle: Some(THEIR_HANDLE.into()),
        author_key: Some(THEIR_KEY.into()),
        title: Some(THEIR_TITLE.into()),
        created_at: Some(1_750_000_500),
        ..Video::default()
    })
    .unwrap();
    tx.observation(
        &Observation {
            video_id: THEIRS.into(),
            observed_at: 1_750_600_000,
            source: SourceFormat::ResearchVideos,
            metrics: Metrics {
                views: Some(Count {
                    value: 98_765,
                    approximate: false,
                }),
                ..Metrics::default()
            },
        },
        None,
    )
    .unwrap();
    tx.commit(&["research-videos".into()]).unwrap();
}

const OURS: &str = "Puberty blockers &lt;b&gt;explained&lt;/b&gt;";

#[tokio::test]
async fn the_video_list_shows_the_own_account_and_links_to_other_creators() {
    let f = Fixture::team(true);
    // Read once before the change, so that a stale cache would show.
    let (_, body) = f.get("/videos", Some(Role::Viewer)).await;
    assert!(body.contains("1 videos match."), "{body}");
    add_public_video(&f);

    for path in [
        "/videos",
        "/videos?sort=views",
        "/videos?q=blockers",
        "/videos?from=2020-01-01",
    ] {
        let (_, body) = f.get(path, Some(Role::Owner)).await;
        assert!(body.contains(OURS), "{path}: {body}");
        assert!(!body.contains(THEIR_TITLE), "{path}: {body}");
        assert!(body.contains("1 videos match."), "{path}: {body}");
        assert!(
            body.contains("1 public video by another creator is not listed here nor counted in the dashboard: <a href=\"/videos?owner=public\">"),
            "{path}: {body}"
        );
    }
    for path in [
        "/videos?owner=public",
        "/videos?owner=public&sort=views&dir=asc",
        "/videos?owner=public&q=blockers",
        "/videos?owner=public&from=2020-01-01",
    ] {
        // Owners see kept handles elsewhere; the list shows pseudonyms.
        let (_, body) = f.get(path, Some(Role::Owner)).await;
        assert!(body.contains(THEIR_TITLE), "{path}: {body}");
        assert!(!body.contains(OURS), "{path}: {body}");
        assert!(body.contains("1 videos match."), "{path}: {body}");
        assert!(body.contains(THEIR_KEY), "{path}: {body}");
        assert!(!body.contains(THEIR_HANDLE), "{path}: {body}");
        assert!(body.contains("98,765"), "{path}: {body}");
    }
    // A campaign of the own video has no public video.
    let (_, body) = f
        .get("/videos?owner=public&campaign=blockers", Some(Role::Viewer))
        .await;
    assert!(body.contains("0 videos match."), "{body}");
    let (_, body) = f.get("/videos?campaign=blockers", Some(Role::Viewer)).await;
    assert!(body.contains(VIDEO), "{body}");
}

#[tokio::test]
async fn the_dashboard_says_other_creators_videos_are_not_counted() {
    let f = Fixture::team(false);
    let (_, body) = f.get("/", Some(Role::Viewer)).await;
    assert!(!body.contains("owner-note"), "{body}");
    add_public_video(&f);
    let (_, body) = f.get("/", Some(Role::Viewer)).await;
    assert!(
        body.contains("The project also holds 1 public video by another creator, never counted with them: <a href=\"/videos?owner=public\">"),
        "{body}"
    );
}
