//! The adjudication page: owners and analysts decide coders'
//! disagreements and finalise codes in the browser; everyone else is
//! refused. Uses the coding tests' set-up (`super::coding`).

use crate::coding::{import, setup, values, Setup, BEN_SECRET, CODEBOOK, HOSTILE_VIDEO};
use crate::fixture::VIDEO;
use axum::http::StatusCode;
use uptake_store::{Role, Store};

/// Ana's values for both shared videos: she agrees with ben on the first
/// video's `misinformation` and disagrees on the second's.
fn ana_codes(s: &Setup, store: &mut Store) {
    let ana = |mis: &str, ev: &str| {
        values(
            &s.cb,
            &[
                ("creator_type", "other"),
                ("content_type", "personal story"),
                ("misinformation", mis),
                ("evidence_cited", ev),
                ("people_shown", "1"),
            ],
        )
    };
    import(
        store,
        s.id,
        "ana",
        vec![(VIDEO, ana("yes", "0")), (HOSTILE_VIDEO, ana("yes", "2"))],
    );
}

#[tokio::test]
async fn an_analyst_decides_a_disagreement_and_finalises_in_the_browser() {
    let s = setup();
    ana_codes(&s, &mut s.f.store());
    let path = format!("/coding/adjudicate?codebook={CODEBOOK}");
    let (status, page) = s.f.get(&path, Some(Role::Analyst)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("1 unit-items where coders gave different values"),
        "{page}"
    );
    assert!(page.contains("<code>misinformation</code>"), "{page}");
    assert!(
        page.contains("ana: <strong>yes</strong>") && page.contains("ben: <strong>no</strong>"),
        "{page}"
    );
    assert!(
        !page.contains(BEN_SECRET),
        "notes are text items, never compared"
    );

    // A value outside the item's levels is refused and nothing is stored.
    let csrf = crate::fixture::csrf(Role::Analyst);
    let decide = |value: &str, other: &str| {
        format!(
            "csrf={csrf}&codebook={CODEBOOK}&kind=video&unit={HOSTILE_VIDEO}&item=misinformation\
             &value={value}&other={other}&note=checked+the+source"
        )
    };
    let (status, page) =
        s.f.post(
            "/coding/adjudicate",
            Some(Role::Analyst),
            &decide("no", "perhaps"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("misinformation"), "{page}");
    assert!(s.f.store().final_codes(s.id).unwrap().is_empty());
    // A note (a text item) is never compared, so never adjudicated.
    let (status, page) =
        s.f.post(
            "/coding/adjudicate",
            Some(Role::Analyst),
            &decide("no", "").replace("item=misinformation", "item=notes"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("nothing to adjudicate"), "{page}");
    assert!(s.f.store().final_codes(s.id).unwrap().is_empty());
    // Without the form's token: refused.
    let (status, _) =
        s.f.post(
            "/coding/adjudicate",
            Some(Role::Analyst),
            &decide("no", "").replace(&csrf, "forged"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) =
        s.f.post("/coding/adjudicate", Some(Role::Analyst), &decide("no", ""))
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = s.f.get(&path, Some(Role::Analyst)).await;
    assert!(page.contains("No disagreements waiting"), "{page}");

    let (status, _) =
        s.f.post(
            "/coding/finalize",
            Some(Role::Analyst),
            &format!("csrf={csrf}&codebook={CODEBOOK}"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let finals = s.f.store().final_codes(s.id).unwrap();
    let decided = finals
        .iter()
        .find(|c| c.unit_id == HOSTILE_VIDEO && c.item == "misinformation")
        .expect("the decision is a final code");
    assert_eq!(decided.text, "no");
    assert_eq!(decided.provenance, uptake_store::Provenance::Adjudicated);
    assert!(finals
        .iter()
        .any(|c| c.unit_id == VIDEO && c.item == "misinformation" && c.text == "yes"));
}

#[tokio::test]
async fn coders_and_viewers_cannot_adjudicate() {
    let s = setup();
    ana_codes(&s, &mut s.f.store());
    let path = format!("/coding/adjudicate?codebook={CODEBOOK}");
    for role in [Role::Coder, Role::Viewer, Role::Moderator] {
        let (status, page) = s.f.get(&path, Some(role)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}: {page}");
        let (status, _) = s
            .f
            .post(
                "/coding/adjudicate",
                Some(role),
                &format!(
                    "csrf={}&codebook={CODEBOOK}&kind=video&unit={HOSTILE_VIDEO}&item=misinformation&value=no",
                    crate::fixture::csrf(role)
                ),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert!(s.f.store().final_codes(s.id).unwrap().is_empty());
}
