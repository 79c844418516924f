//! Privacy of Zeeschuimer raw records in the shapes a review found leaking:
//! people in arrays under person keys, handles in links of every spelling,
//! several named people in one capture, and `music` / `share_info` objects
//! nested below `data`. Each line is read twice: as it is (the fast
//! scanner) and with an escaped key in front, which the scanner leaves to
//! the serde walk, so both implementations are checked.

use uptake_ingest::{zeeschuimer, Context, Options, VecSink};
use uptake_model::PseudonymSecret;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
        ..Options::default()
    }
}

/// The raw records of a post capture whose `data` members are `data`, read
/// by the fast path and by the walk (which must agree).
fn raw(data: &str) -> String {
    let envelope = format!(
        r#""item_id":"1","timestamp_collected":1725010000123,"source_platform":"tiktok.com","data":{{"id":"1",{data}}}"#
    );
    let mut records = Vec::new();
    for line in [
        format!("{{{envelope}}}"),
        format!("{{\"e\\u0073c\":1,{envelope}}}"),
    ] {
        let o = options();
        let ctx = Context::new("captures.ndjson", &o);
        let mut sink = VecSink::default();
        zeeschuimer::parse(line.as_bytes(), &ctx, &mut sink).unwrap();
        let raw = sink.items[0].raw.clone().unwrap();
        records.push(raw.replace(r#""esc":1,"#, ""));
    }
    assert_eq!(records[0], records[1], "the fast path and the walk differ");
    records.swap_remove(0)
}

#[test]
fn people_in_arrays_under_person_keys_are_removed() {
    for data in [
        r#""author_username":["alice"]"#,
        r#""author":["alice"]"#,
        r#""author":[["alice",6800],{"id":"6800"}],"user":[7,"alice"]"#,
    ] {
        let r = raw(data);
        assert!(!r.contains("alice") && !r.contains("6800"), "{r}");
        assert!(r.contains("[removed]"), "{r}");
    }
}

#[test]
fn handles_in_links_of_every_spelling_are_removed() {
    for link in [
        "https://www.tiktok.com/login?redirect_url=https://www.tiktok.com/@alice",
        "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40alice",
        "https://www.tiktok.com/%40alice/video/1",
        "HTTPS://WWW.TIKTOK.COM/@alice",
        "Https://www.tiktok.com/@alice/video/1",
        "www.tiktok.com/@alice",
        "tiktok.com/@alice",
        "see tiktok.com/@alice/video/1 for more",
    ] {
        let r = raw(&format!(r#""shareUrl":"{link}""#));
        assert!(!r.contains("alice"), "{link}: {r}");
        assert!(r.contains("[removed]"), "{link}: {r}");
    }
    let r = raw(r#""shareUrl":"https://vm.tiktok.com/ZMabc/""#);
    assert!(r.contains("https://vm.tiktok.com/ZMabc/"), "{r}");
}

#[test]
fn plain_mentions_in_captions_and_comments_stay() {
    let r = raw(r#""desc":"thanks @alice and @bob! 100% worth it?","text":"@carol /@dave""#);
    assert!(
        r.contains("thanks @alice and @bob! 100% worth it?") && r.contains("@carol /@dave"),
        "{r}"
    );
}

#[test]
fn every_named_person_is_removed_from_free_text() {
    // Two `author` objects (duplicate keys) and the flat `nickname`: each
    // name was captured, and each is removed where TikTok repeats it.
    let r = raw(concat!(
        r#""author":{"uniqueId":"first_handle","nickname":"First Person"},"#,
        r#""author":{"uniqueId":"second_handle","nickname":"Second Person"},"#,
        r#""nickname":"Third Person","#,
        r#""music":{"title":"original sound - First Person"},"#,
        r#""contents":[{"desc":"duet with first_handle, Second Person and Third Person"}]"#
    ));
    for name in [
        "first_handle",
        "First Person",
        "second_handle",
        "Second Person",
        "Third Person",
    ] {
        assert!(!r.contains(name), "`{name}` left in {r}");
    }
}

#[test]
fn nested_music_and_share_info_lose_their_names() {
    let r = raw(concat!(
        r#""duetInfo":{"music":{"authorName":"Music Maker","title":"t"}},"#,
        r#""items":[{"share_info":{"desc":"Sharer's video","url":"u"}}],"#,
        r#""music":{"authorName":"Top Maker"}"#
    ));
    for name in ["Music Maker", "Sharer", "Top Maker"] {
        assert!(!r.contains(name), "`{name}` left in {r}");
    }
    assert!(
        r.contains(r#""title":"t""#) && r.contains(r#""url":"u""#),
        "{r}"
    );
}

/// A hostile line naming 100,000 people (the same key repeated) has every
/// name removed, in one pass over the line rather than one per name: this
/// test took 1.5 s so, and 61 s with a pass per name (debug build); at the
/// 64 MB line limit that would be hours.
#[test]
fn a_line_naming_thousands_of_people_is_scrubbed_in_one_pass() {
    let people: String = (0..100_000)
        .map(|i| format!(r#""author":{{"uniqueId":"handle_{i:06}"}},"#))
        .collect();
    let data = format!(
        r#"{people}"desc":"thanks handle_000042 and handle_099999 and handle_x","music":{{"title":"original sound - handle_070000"}}"#
    );
    let r = raw(&data);
    assert!(
        !r.contains("handle_0") && !r.contains("handle_1"),
        "a handle is left"
    );
    assert!(
        r.contains("handle_x"),
        "text that is no captured name stays"
    );
}

/// Accounts a person links to from their profile (Twitter, YouTube, a bio
/// link) name them as much as their handle: a black-box run found them kept.
#[test]
fn linked_accounts_and_bio_links_are_removed() {
    let raw = raw(
        r#""author":{"uniqueId":"vid_author","bioLink":{"link":"https://linktr.ee/vidauthorbio","risk":0},"twitter_name":"tw_vidauthor","youtube_channel_title":"YT VidAuthor","google_account":"someone@example.com","short_id":"123"},"desc":"hi""#,
    );
    for name in [
        "vidauthorbio",
        "tw_vidauthor",
        "YT VidAuthor",
        "someone@example.com",
        "\"123\"",
    ] {
        assert!(!raw.contains(name), "{name} kept in {raw}");
    }
    assert!(raw.contains(r#""bioLink":"[removed]""#), "{raw}");
}
