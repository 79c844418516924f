//! The coding and reliability pages: blindness, forgery, validation,
//! storage, roles and escaping.

use crate::fixture::{body, Fixture, VIDEO};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use uptake_coding::Codebook;
use uptake_model::Video;
use uptake_store::{
    CodebookStored, NewAssignment, NewImport, NewRound, NewValue, Role, SheetImport, Store,
};
use uptake_web::auth;

/// A second video whose caption is hostile and whose link is https.
pub(crate) const HOSTILE_VIDEO: &str = "7000000000000000002";
/// A unit (not in the project) assigned to ana alone.
const ANA_ONLY: &str = "7000000000000000003";
/// A unit (not in the project) assigned to ben alone.
const BEN_ONLY: &str = "7000000000000000004";
const HOSTILE_CAPTION: &str =
    "<script>alert('caption')</script><img src=x onerror=alert(5)> watch this";
pub(crate) const CODEBOOK: &str = "gac-content";
/// Ben's note on the shared video: ana must never see it.
pub(crate) const BEN_SECRET: &str = "ben-secret-note-zq";

/// A coder account with a live session: (name, cookie, csrf).
struct Coder {
    name: &'static str,
    cookie: String,
    csrf: String,
}

fn coder(store: &mut Store, name: &'static str, n: u8) -> Coder {
    let user = store
        .add_user(name, Role::Coder, Some("$argon2id$x"), 1)
        .unwrap()
        .unwrap();
    let token = format!("{:0>64}", format!("c0de{n:x}"));
    let csrf = format!("csrf-{name}");
    store
        .create_session(&auth::token_hash(&token), user.id, &csrf, 1, i64::MAX)
        .unwrap();
    Coder {
        name,
        cookie: format!("{}={token}", auth::SESSION_COOKIE),
        csrf,
    }
}

/// Stores a codebook and one round: `units` (id, coders, overlap).
fn round(store: &mut Store, toml: &str, units: &[(&str, &[&str], bool)]) -> (Codebook, i64) {
    let cb = Codebook::parse(toml, "test").unwrap();
    let id = match store
        .store_codebook(&cb.name, &cb.version, toml, &cb.sha256(), 1)
        .unwrap()
    {
        CodebookStored::New(id) | CodebookStored::Existing(id) => id,
        CodebookStored::Conflict { .. } => panic!("conflict"),
    };
    let mut coders: Vec<String> = units
        .iter()
        .flat_map(|(_, cs, _)| cs.iter().map(|c| c.to_string()))
        .collect();
    coders.sort();
    coders.dedup();
    let assignments: Vec<NewAssignment> = units
        .iter()
        .flat_map(|(unit, cs, overlap)| {
            cs.iter().map(move |c| NewAssignment {
                unit_kind: "video".into(),
                unit_id: unit.to_string(),
                coder: c.to_string(),
                overlap: *overlap,
                stratum: None,
            })
        })
        .collect();
    store
        .create_round(
            &NewRound {
                codebook_id: id,
                unit_kind: "video".into(),
                seed: 7,
                sample_size: units.len(),
                overlap: units.iter().filter(|u| u.2).count(),
                stratify_by: None,
                coders,
                created_at: 1,
            },
            &assignments,
        )
        .unwrap();
    (cb, id)
}

/// Validated values as a sheet import stores them.
pub(crate) fn values(cb: &Codebook, pairs: &[(&str, &str)]) -> Vec<NewValue> {
    pairs
        .iter()
        .map(|(item, raw)| {
            let v = cb.validate(item, raw).unwrap();
            NewValue {
                item: item.to_string(),
                text: v.as_text(),
                number: cb.item(item).and_then(|i| i.code(&v)),
            }
        })
        .collect()
}

pub(crate) fn import(store: &mut Store, id: i64, coder: &str, units: Vec<(&str, Vec<NewValue>)>) {
    store
        .import_sheet(&SheetImport {
            codebook_id: id,
            coder: coder.into(),
            file_name: format!("{coder}.csv"),
            file_sha256: "ff".into(),
            imported_at: 2,
            units: units
                .into_iter()
                .map(|(u, v)| ("video".to_string(), u.to_string(), v))
                .collect(),
        })
        .unwrap();
}

pub(crate) struct Setup {
    pub(crate) f: Fixture,
    ana: Coder,
    ben: Coder,
    pub(crate) cb: Codebook,
    pub(crate) id: i64,
}

/// The fixture plus a hostile-captioned video, coders ana and ben, and a
/// round of the example codebook: the two videos for both (overlap), one
/// unit each alone. Ben has coded both shared videos (with a note).
pub(crate) fn setup() -> Setup {
    let f = Fixture::team(false);
    let mut store = f.store();
    let mut tx = store
        .begin_import(
            &NewImport {
                file_name: "more.json".into(),
                sha256: format!("{:0>64}", 7),
                byte_size: 1,
                imported_at: 1_760_000_100,
                options_json: "{}".into(),
            },
            "tiktok",
        )
        .unwrap();
    tx.video(&Video {
        platform_id: HOSTILE_VIDEO.into(),
        author_key: Some("u_other".into()),
        title: Some("A second video".into()),
        caption: Some(HOSTILE_CAPTION.into()),
        url: Some(format!("https://www.tiktok.com/@x/video/{HOSTILE_VIDEO}")),
        ..Video::default()
    })
    .unwrap();
    tx.commit(&["manual-template".into()]).unwrap();
    let ana = coder(&mut store, "ana", 1);
    let ben = coder(&mut store, "ben", 2);
    let (cb, id) = round(
        &mut store,
        uptake_coding::EXAMPLE,
        &[
            (VIDEO, &["ana", "ben"], true),
            (HOSTILE_VIDEO, &["ana", "ben"], true),
            (ANA_ONLY, &["ana"], false),
            (BEN_ONLY, &["ben"], false),
        ],
    );
    let ben_values = |mis: &str, ev: &str| {
        values(
            &cb,
            &[
                ("creator_type", "other"),
                ("content_type", "personal story"),
                ("misinformation", mis),
                ("evidence_cited", ev),
                ("people_shown", "1"),
                ("notes", BEN_SECRET),
            ],
        )
    };
    import(
        &mut store,
        id,
        "ben",
        vec![
            (VIDEO, ben_values("yes", "0")),
            (HOSTILE_VIDEO, ben_values("no", "2")),
        ],
    );
    Setup {
        f,
        ana,
        ben,
        cb,
        id,
    }
}

impl Setup {
    async fn get(&self, who: &Coder, path: &str) -> (StatusCode, String) {
        let req = Request::get(path)
            .header(header::COOKIE, &who.cookie)
            .body(Body::empty())
            .unwrap();
        let res = self.f.send(req).await;
        let status = res.status();
        (status, body(res).await)
    }

    async fn post(&self, who: &Coder, form: &str) -> (StatusCode, String, Option<String>) {
        let req = Request::post("/coding/save")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &who.cookie)
            .body(Body::from(form.to_string()))
            .unwrap();
        let res = self.f.send(req).await;
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        (status, body(res).await, location)
    }

    fn values_of(&self, coder: &str) -> Vec<uptake_store::CoderValue> {
        self.f
            .store()
            .coder_values(self.id)
            .unwrap()
            .into_iter()
            .filter(|v| v.coder == coder)
            .collect()
    }
}

/// A complete, valid answer for one unit, as the form posts it.
fn form(csrf: &str, unit: &str) -> String {
    format!(
        "csrf={csrf}&codebook={CODEBOOK}&kind=video&unit={unit}\
         &v.creator_type=other&v.content_type=personal+story&v.misinformation=yes\
         &v.evidence_cited=0&v.people_shown=2&v.notes=seen"
    )
}

#[tokio::test]
async fn a_coder_sees_only_their_own_units() {
    let s = setup();
    let (status, page) = s.get(&s.ana, &format!("/coding?codebook={CODEBOOK}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for unit in [VIDEO, HOSTILE_VIDEO, ANA_ONLY] {
        assert!(page.contains(unit), "ana's page lacks {unit}");
    }
    assert!(!page.contains(BEN_ONLY), "ana sees ben's unit");
    assert!(page.contains("0 of 3 units coded"), "{page}");
    // Every item with its control: radios, a list, a bounded number, a text box.
    assert!(page.contains(r#"type="radio" name="v.misinformation" value="yes""#));
    assert!(page.contains(r#"type="radio" name="v.evidence_cited" value="2""#));
    assert!(
        page.contains("2: Specific, findable source"),
        "anchor labels"
    );
    assert!(page.contains("N/A when: The video makes no claims."));
    assert!(
        page.contains(r#"<select id="i-0" name="v.creator_type""#),
        "{page}"
    );
    assert!(page.contains(r#"type="number" step="any" name="v.people_shown" min="0" max="50""#));
    assert!(page.contains(r#"<textarea id="i-5" name="v.notes""#));
    // Blind: none of ben's values reach ana, on any of the shared units.
    for unit in [VIDEO, HOSTILE_VIDEO] {
        let (status, page) = s
            .get(
                &s.ana,
                &format!("/coding?codebook={CODEBOOK}&kind=video&unit={unit}&coder=ben"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(BEN_SECRET), "ben's note leaked to ana");
        assert!(!page.contains("checked"), "a value is pre-selected for ana");
        assert!(!page.contains("selected>personal"), "ben's level shown");
    }
    // Ben sees his own answers back.
    let (_, page) = s
        .get(
            &s.ben,
            &format!("/coding?codebook={CODEBOOK}&kind=video&unit={VIDEO}"),
        )
        .await;
    assert!(page.contains(BEN_SECRET));
    assert!(page.contains(r#"value="yes" checked"#), "{page}");
    assert!(!page.contains(ANA_ONLY));
    // The fixture's coder account has no assignments.
    let (status, page) = s.f.get("/coding", Some(Role::Coder)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("has no coding assignments"));
}

#[tokio::test]
async fn a_coder_cannot_open_or_save_another_coders_unit() {
    let s = setup();
    let before = s.f.store().coder_values(s.id).unwrap();
    let (status, page) = s
        .get(
            &s.ana,
            &format!("/coding?codebook={CODEBOOK}&kind=video&unit={BEN_ONLY}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    let (status, _) = s
        .get(
            &s.ana,
            &format!("/coding?codebook={CODEBOOK}&kind=comment&unit={VIDEO}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = s.post(&s.ana, &form(&s.ana.csrf, BEN_ONLY)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.f.store().coder_values(s.id).unwrap(), before);
    // Reliability stays hidden from the coders while coding is in progress.
    for who in [&s.ana, &s.ben] {
        let (status, _) = s
            .get(who, &format!("/reliability?codebook={CODEBOOK}"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", who.name);
        let (status, list) = s.get(who, "/reliability").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!list.contains(&format!("/reliability?codebook={CODEBOOK}")));
    }
    let (status, _) =
        s.f.get(
            &format!("/reliability?codebook={CODEBOOK}"),
            Some(Role::Coder),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_save_without_the_csrf_token_stores_nothing() {
    let s = setup();
    let no_token = form("", VIDEO).replacen("csrf=&", "", 1);
    let (status, _, _) = s.post(&s.ana, &no_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another session's token is not this session's.
    let (status, _, _) = s.post(&s.ana, &form(&s.ben.csrf, VIDEO)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(s.values_of("ana").is_empty());
}

#[tokio::test]
async fn an_invalid_value_is_refused_naming_the_item_and_nothing_is_stored() {
    let s = setup();
    let bad = form(&s.ana.csrf, VIDEO).replace("v.evidence_cited=0", "v.evidence_cited=7");
    let (status, page, _) = s.post(&s.ana, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains(
            "item `evidence_cited`: expected a whole number from 0 to 2 or `NA`, found `7`"
        ),
        "{page}"
    );
    assert!(page.contains("Nothing was saved"));
    // The other answers are kept in the form.
    assert!(page.contains(r#"value="yes" checked"#), "{page}");
    let unknown = form(&s.ana.csrf, VIDEO) + "&v.nope=1";
    let (status, page, _) = s.post(&s.ana, &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("item `nope`"), "{page}");
    let empty = format!(
        "csrf={}&codebook={CODEBOOK}&kind=video&unit={VIDEO}",
        s.ana.csrf
    );
    let (status, _, _) = s.post(&s.ana, &empty).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(s.values_of("ana").is_empty());
    assert!(s
        .f
        .store()
        .audit_log(50, 0)
        .unwrap()
        .iter()
        .all(|a| a.action != "coding.save"));
}

#[tokio::test]
async fn a_valid_save_stores_the_coders_values_and_moves_on() {
    let s = setup();
    let (status, page, location) = s.post(&s.ana, &form(&s.ana.csrf, VIDEO)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let location = location.unwrap();
    assert_eq!(
        location,
        format!("/coding?codebook={CODEBOOK}&saved=1&kind=video&unit={HOSTILE_VIDEO}")
    );
    let mut got: Vec<(String, String, Option<f64>)> = s
        .values_of("ana")
        .into_iter()
        .map(|v| {
            assert_eq!(v.unit_id, VIDEO);
            assert!(v.overlap);
            (v.item, v.text, v.number)
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("content_type".into(), "personal story".into(), Some(1.0)),
            ("creator_type".into(), "other".into(), Some(6.0)),
            ("evidence_cited".into(), "0".into(), Some(0.0)),
            ("misinformation".into(), "yes".into(), Some(1.0)),
            ("notes".into(), "seen".into(), None),
            ("people_shown".into(), "2".into(), Some(2.0)),
        ]
    );
    // Ben's values are untouched; the disagreements read ana's web values.
    assert_eq!(s.values_of("ben").len(), 12);
    let items: Vec<String> = ["misinformation", "people_shown"]
        .map(String::from)
        .to_vec();
    let d = s.f.store().disagreements(s.id, &items).unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].item, "people_shown");
    let (_, page) = s.get(&s.ana, &location).await;
    assert!(page.contains("Saved."), "{page}");
    assert!(page.contains("1 of 3 units coded"), "{page}");
    let log = s.f.store().audit_log(50, 0).unwrap();
    let line = log.iter().find(|a| a.action == "coding.save").unwrap();
    assert_eq!(line.actor, "ana");
    assert_eq!(line.target.as_deref(), Some(&*format!("video {VIDEO}")));
    // N/A for the numeric item, then a number and N/A at once (refused).
    let na =
        form(&s.ana.csrf, VIDEO).replace("v.people_shown=2", "v.people_shown=&v.people_shown=NA");
    let (status, page, _) = s.post(&s.ana, &na).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "people_shown has no N/A: {page}"
    );
    let both = form(&s.ana.csrf, VIDEO).replace(
        "v.misinformation=yes",
        "v.misinformation=yes&v.misinformation=NA",
    );
    let (status, page, _) = s.post(&s.ana, &both).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("item `misinformation`: expected one answer"),
        "{page}"
    );
    assert_eq!(s.values_of("ana").len(), 6);
}

#[tokio::test]
async fn viewers_and_moderators_cannot_save() {
    let s = setup();
    for role in [Role::Viewer, Role::Moderator] {
        let (status, _) =
            s.f.post(
                "/coding/save",
                Some(role),
                &form(&crate::fixture::csrf(role), VIDEO),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
    assert!(s.values_of("ana").is_empty());
    // Every role can open both pages.
    for role in Role::ALL {
        for path in ["/coding", "/reliability", "/coding?codebook=gac-content"] {
            let (status, page) = s.f.get(path, Some(role)).await;
            assert_eq!(status, StatusCode::OK, "{role} {path}: {page}");
        }
    }
}

#[tokio::test]
async fn owners_see_counts_not_values_and_the_reliability_table() {
    let s = setup();
    let mut store = s.f.store();
    let ana_values = |mis: &str, ev: &str| {
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
        &mut store,
        s.id,
        "ana",
        vec![
            (VIDEO, ana_values("yes", "0")),
            (HOSTILE_VIDEO, ana_values("no", "2")),
        ],
    );
    let (status, page) = s.f.get("/coding", Some(Role::Owner)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Team progress"));
    assert!(
        page.contains("<td>ana</td><td class=\"num\">3</td><td class=\"num\">2</td>"),
        "{page}"
    );
    assert!(!page.contains(BEN_SECRET));
    assert!(page.contains("No disagreements"), "{page}");
    let (status, page) =
        s.f.get(
            &format!("/reliability?codebook={CODEBOOK}"),
            Some(Role::Analyst),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("2 units coded by two or more of 2 coders (ana, ben)"),
        "{page}"
    );
    assert!(page.contains("<code>misinformation</code>"), "{page}");
    assert!(page.contains("1.000"), "alpha of perfect agreement: {page}");
    assert!(page.contains("reliable (Krippendorff"), "{page}");
    assert!(!page.contains(BEN_SECRET));
    let (status, _) =
        s.f.get(
            &format!("/reliability?codebook={CODEBOOK}&icc=total"),
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "gac-content has no scores");
    // The ICC forms of a codebook with a score.
    let (_, gqs) = round(
        &mut store,
        uptake_coding::BUILTIN
            .iter()
            .find(|(n, _)| *n == "gqs")
            .unwrap()
            .1,
        &[
            ("g1", &["ana", "ben"], true),
            ("g2", &["ana", "ben"], true),
            ("g3", &["ana", "ben"], true),
        ],
    );
    let cb = uptake_coding::builtin("gqs").unwrap().unwrap();
    for (coder, points) in [("ana", ["1", "3", "5"]), ("ben", ["2", "3", "5"])] {
        import(
            &mut store,
            gqs,
            coder,
            ["g1", "g2", "g3"]
                .iter()
                .zip(points)
                .map(|(u, p)| (*u, values(&cb, &[("gqs", p)])))
                .collect(),
        );
    }
    let (status, page) =
        s.f.get("/reliability?codebook=gqs", Some(Role::Owner))
            .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"href="/reliability?codebook=gqs&amp;icc=gqs""#),
        "{page}"
    );
    let (status, page) =
        s.f.get("/reliability?codebook=gqs&icc=gqs", Some(Role::Owner))
            .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("ICC(A,1)") && page.contains("ICC(2,1)"),
        "{page}"
    );
    assert!(page.contains("Koo &amp; Li"), "{page}");
    // Coding of gqs is finished: its coders may read it now.
    let (status, _) = s.get(&s.ana, "/reliability?codebook=gqs").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_hostile_caption_renders_inert() {
    let s = setup();
    let (status, page) = s
        .get(
            &s.ana,
            &format!("/coding?codebook={CODEBOOK}&kind=video&unit={HOSTILE_VIDEO}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert('caption')&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"href="https://www.tiktok.com/@x/video/{HOSTILE_VIDEO}""#
    )));
    // The fixture video's `javascript:` link is not a link.
    let (_, page) = s
        .get(
            &s.ana,
            &format!("/coding?codebook={CODEBOOK}&kind=video&unit={VIDEO}"),
        )
        .await;
    assert!(!page.contains("javascript:"), "{page}");
    assert!(page.contains("Puberty blockers &lt;b&gt;explained&lt;/b&gt;"));
}
