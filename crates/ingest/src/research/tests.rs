//! Unit tests of the Research API reader: record kinds from keys, NDJSON
//! locations, pages whose `error` comes first, user pages, NUL removal.

use super::*;
use crate::{Options, VecSink};
use uptake_model::PseudonymSecret;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
        ..Options::default()
    }
}

fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new("r.json", options);
    let mut sink = VecSink::default();
    let result = parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

#[test]
fn kinds_from_keys() {
    let obj = |t: &str| match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    assert_eq!(
        Kind::of(&obj(r#"{"id":1,"video_id":2}"#), None),
        Kind::Comment
    );
    assert_eq!(
        Kind::of(&obj(r#"{"id":1,"like_count":2}"#), None),
        Kind::Video
    );
    assert_eq!(Kind::of(&obj(r#"{"video_id":1}"#), None), Kind::Video);
    assert_eq!(Kind::of(&obj(r#"{"follower_count":1}"#), None), Kind::User);
    assert_eq!(
        Kind::of(&obj(r#"{"id":1}"#), Some(SourceFormat::ResearchComments)),
        Kind::Comment
    );
}

#[test]
fn ndjson_records_are_located_by_line() {
    let text = "{\"id\":1,\"view_count\":3}\n\n{\"id\":2,\"view_count\":\"many\"}\n";
    let mut o = options();
    o.observed_at = Some(1_725_000_000);
    let (result, sink) = read(text, &o);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("line 3 video (`2`)") && e.contains("`view_count`"),
        "{e}"
    );
    assert_eq!(sink.items.len(), 1);
}

#[test]
fn error_first_pages_stream_and_user_pages_take_data_username() {
    let text = r#"{"error":{"code":"ok","log_id":"20240901120000X"},
        "data":{"videos":[{"id":7412345678901234567,"view_count":1}]}}
        {"data":{"username":"someone","follower_count":5},"error":{"code":"ok","log_id":"20240901120000X"}}"#;
    let (result, sink) = read(text, &options());
    assert_eq!(result.ok(), Some(SourceFormat::ResearchVideos));
    assert_eq!(sink.observations()[0].observed_at, 1_725_192_000);
    let profile = sink.records().find_map(|r| match r {
        Record::Profile(p) => Some(p.followers),
        _ => None,
    });
    assert_eq!(profile, Some(Some(5)));
    assert!(!format!("{sink:?}").contains("someone"));
}

#[test]
fn nul_is_stripped_everywhere() {
    let mut v: Value =
        serde_json::from_str(r#"{"a\u0000":"x\u0000y","b":["\u0000"],"c":{"d":"ok"}}"#)
            .unwrap_or(Value::Null);
    let fields = strip_nul(&mut v);
    assert_eq!(fields, vec!["a", "b"]);
    assert_eq!(v.to_string(), r#"{"a":"xy","b":[""],"c":{"d":"ok"}}"#);
}
