//! The streaming pass against the whole-document reading it replaced.
use super::*;
use proptest::prelude::*;
use serde_json::json;

const POSTS: &[&[&str]] = &[
    &["Post", "Posts", "VideoList"],
    &["Video", "Videos", "VideoList"],
];
const COMMENTS: &[&[&str]] = &[
    &["Comment", "Comments", "CommentsList"],
    &["Comment", "CommentsList"],
];
const HANDLE: &[&[&str]] = &[&["Profile", "Info", "userName"]];
const PATHS: Paths<'static> = Paths {
    posts: POSTS,
    comments: COMMENTS,
    handle: HANDLE,
};

fn digest(text: &str) -> Digest {
    read(text.as_bytes(), &PATHS, &Tail::default()).unwrap()
}

/// The first of `paths` present in `root` (what the reader did with
/// the whole document).
fn find<'v>(root: &'v Value, paths: &[&[&str]]) -> Option<(usize, &'v Value)> {
    paths.iter().enumerate().find_map(|(i, path)| {
        let mut v = root;
        for key in path.iter() {
            v = v.as_object()?.get(*key)?;
        }
        Some((i, v))
    })
}

/// The digest the whole-document reader would have made of `root`.
fn reference(root: &Value) -> String {
    let sections: Vec<(String, Option<Vec<String>>)> = root
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_object().map(|o| o.keys().cloned().collect()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        shape_of(root),
        sections,
        find(root, POSTS).map(|(i, v)| (i, v.clone())),
        find(root, COMMENTS).map(|(i, v)| (i, shape_of(v))),
        find(root, HANDLE).map(|(i, v)| (i, v.clone())),
        newest_date(root, 0),
    )
}

fn streamed(text: &str) -> String {
    let d = digest(text);
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        d.root.unwrap(),
        d.sections,
        d.posts.map(|f| (f.path, f.value)),
        d.comments.map(|f| (f.path, f.value)),
        d.handle.map(|f| (f.path, f.value)),
        d.newest_date,
    )
}

#[test]
fn keeps_the_targets_and_the_newest_date_and_names_the_sections() {
    let text = r#"{"Your Activity":{"Watch History":{"VideoList":[{"Date":"2024-12-28 10:00:00","Link":"x"}]},"Searches":{}},
        "Post":{"Posts":{"VideoList":[{"Date":"2024-08-30 08:40:00","Link":"l","Likes":"3"}]}},
        "Comment":{"Comments":{"CommentsList":[{"date":"2024-01-01 00:00:00"},{}]}},
        "Profile":{"Info":{"userName":"me"}}}"#;
    // With a byte-order mark, as some exports have.
    let d = digest(&format!("\u{FEFF}{text}"));
    assert_eq!(d.root, Some(Shape::Object));
    let posts = d.posts.unwrap();
    assert_eq!(posts.path, 0);
    assert_eq!(posts.value[0]["Likes"], "3");
    assert_eq!(d.comments.unwrap().value, Shape::List(2));
    assert_eq!(d.handle.unwrap().value, "me");
    assert_eq!(d.newest_date, Some(1_735_380_000));
    let names: Vec<&str> = d.sections.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Your Activity", "Post", "Comment", "Profile"]);
    assert_eq!(
        d.sections[0].1.as_deref(),
        Some(&["Watch History".to_string(), "Searches".to_string()][..])
    );
}

#[test]
fn earlier_paths_win_and_a_repeated_key_replaces_the_earlier_value() {
    // The second (older) post path comes first in the file.
    let d = digest(r#"{"Video":{"Videos":{"VideoList":[1]}},"Post":{"Posts":{"VideoList":[2]}}}"#);
    assert_eq!(d.posts.map(|f| (f.path, f.value)), Some((0, json!([2]))));
    // A repeated section drops what its first occurrence held, and keeps
    // its place among the sections.
    let text = r#"{"Post":{"Posts":{"VideoList":[1]}},"Comment":null,"Post":{"Other":1}}"#;
    let d = digest(text);
    assert!(d.posts.is_none());
    let sections: Vec<_> = d
        .sections
        .iter()
        .map(|(n, k)| (n.as_str(), k.clone()))
        .collect();
    assert_eq!(
        sections,
        [("Post", Some(vec!["Other".to_string()])), ("Comment", None)]
    );
    assert_eq!(
        streamed(text),
        reference(&serde_json::from_str(text).unwrap())
    );
}

#[test]
fn shapes_other_than_an_object_are_reported_after_the_whole_text_is_read() {
    assert_eq!(digest("[1, 2]").root, Some(Shape::List(2)));
    assert_eq!(digest("\"x\"").root, Some(Shape::Other("a string")));
    let d = digest(r#"{"Comment":{"CommentsList":"none"}}"#);
    assert_eq!(
        d.comments.map(|f| (f.path, f.value)),
        Some((1, Shape::Other("a string")))
    );
    assert!(read(&b"[1, 2] x"[..], &PATHS, &Tail::default()).is_err());
    assert!(read(&b"{\"Post\": "[..], &PATHS, &Tail::default())
        .unwrap_err()
        .0
        .is_eof());
}

#[test]
fn a_kept_value_larger_than_the_limit_stops_the_pass() {
    let big = format!(
        r#"{{"Post":{{"Posts":{{"VideoList":["{}"]}}}}}}"#,
        "a".repeat(300_000)
    );
    let (_, stop) = read_within(big.as_bytes(), &PATHS, &Tail::default(), 100_000).unwrap_err();
    assert_eq!(stop, Some(Stop::KeptTooLarge));
    // The same bytes in a section that is not kept stream through.
    let skipped = big.replace("Posts", "Drafts");
    let d = read_within(skipped.as_bytes(), &PATHS, &Tail::default(), 100_000).unwrap();
    assert!(d.posts.is_none());
}

#[test]
fn dates_count_in_objects_at_most_sixteen_deep() {
    for (depth, counted) in [(16, true), (17, false)] {
        let mut v = json!({"Date": "2024-08-30 08:40:00"});
        for i in 0..depth {
            v = if i % 2 == 0 {
                json!([v])
            } else {
                json!({"Other": v})
            };
        }
        let text = v.to_string();
        assert_eq!(
            digest(&text).newest_date.is_some(),
            counted,
            "depth {depth}"
        );
        assert_eq!(streamed(&text), reference(&v));
    }
}

/// JSON built from the keys the paths use, dates and other values.
fn document() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "Post",
        "Posts",
        "VideoList",
        "Video",
        "Videos",
        "Comment",
        "Comments",
        "CommentsList",
        "Profile",
        "Info",
        "userName",
        "Date",
        "date",
        "Other",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        prop::sample::select(vec![
            "2024-08-30 08:40:00",
            "2023-01-02 03:04:05",
            "2025-05-05T05:05:05",
            "not a date",
            "me",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(20, 200, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..4).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    /// The pass finds what the whole-document reader found, on
    /// documents deep enough to pass the date depth limit.
    #[test]
    fn the_pass_agrees_with_the_whole_document(root in document()) {
        let text = serde_json::to_string(&root).unwrap();
        prop_assert_eq!(streamed(&text), reference(&root));
    }
}
