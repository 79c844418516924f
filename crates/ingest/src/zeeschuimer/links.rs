//! People in links ([`scrub_links`]), the one rule that looks inside the
//! strings of a raw record rather than at its keys.
//!
//! A string is a link when it starts with `http` or names `tiktok.com`
//! anywhere (both in any case, so `HTTPS://…` and scheme-less
//! `www.tiktok.com/@someone` count). In a link:
//!
//! - every handle is removed: the name after `/@`, `/%40`, `%2F@` or
//!   `%2F%40` (hex in any case), up to the next `/ ? # & % "`, space or
//!   control character, wherever it is — the path, a query value such as a
//!   login redirect (`redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40someone`)
//!   or the fragment;
//! - the value of every person parameter (`secUid`, `uid`, …) after the
//!   first `?` becomes `[removed]`, including parameters of a link nested
//!   unencoded in another's query.
//!
//! Other text (captions, comments) keeps its `@mentions`: they are content.

use memchr::{memchr, memchr2_iter, memchr3, memchr_iter, memrchr2};
use std::borrow::Cow;

/// Query parameters of TikTok links whose value identifies a person
/// (`/api/post/item_list/?secUid=…`). All end in `d`, which
/// [`param_values`] uses to skip most parameters at a glance.
const PERSON_PARAMS: &[&str] = &[
    "secUid",
    "sec_uid",
    "sec_user_id",
    "uniqueId",
    "unique_id",
    "user_id",
    "userId",
    "uid",
];

const REMOVED: &str = "[removed]";

/// True when `b` starts with `http` in any case.
fn http(b: &[u8]) -> bool {
    b.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"http"))
}

/// The first, cheap check of [`scrub_links`]: when false, the string is
/// left as it is. Almost every string in a capture fails it quickly, except
/// links, which start with `http`.
///
/// The fast path relies on this for strings it has not decoded: escapes
/// that decode to `"`, `\` or a control character neither contain nor make
/// `@`, `%`, `?` or a leading `http`, and decoding only shortens a string,
/// so when this is false for the escaped text, the decoded text is left as
/// it is too.
#[inline]
pub(crate) fn might_link(b: &[u8]) -> bool {
    if http(b) {
        return true;
    }
    // Without a scheme, the shortest string changed is `tiktok.com/@x`.
    if b.len() < 13 {
        return false;
    }
    // Most other strings are short (ids, words): a plain loop beats
    // memchr's call there.
    if b.len() < 32 {
        return b.iter().any(|c| matches!(c, b'@' | b'%' | b'?'));
    }
    memchr3(b'@', b'%', b'?', b).is_some()
}

/// True when `b` names `tiktok.com` (in any case). Dots are rare in text,
/// so this looks only around them.
fn names_tiktok(b: &[u8]) -> bool {
    memchr_iter(b'.', b).any(|dot| {
        dot.checked_sub(6)
            .and_then(|from| b.get(from..dot))
            .is_some_and(|t| t.eq_ignore_ascii_case(b"tiktok"))
            && b.get(dot + 1..dot + 4)
                .is_some_and(|c| c.eq_ignore_ascii_case(b"com"))
    })
}

/// The range of the handle whose `@` or `%40` is at `i`, when it follows a
/// slash (`/` or `%2F`) and is not empty.
fn handle(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = match b.get(i)? {
        b'@' => i + 1,
        b'%' if b.get(i + 1..i + 3) == Some(b"40") => i + 3,
        _ => return None,
    };
    let before = b.get(..i)?;
    let slash = before.last() == Some(&b'/')
        || i.checked_sub(3)
            .and_then(|from| before.get(from..))
            .is_some_and(|s| s.eq_ignore_ascii_case(b"%2f"));
    if !slash {
        return None;
    }
    let rest = b.get(start..)?;
    // Handles are letters, digits, `_` and `.`: anything that ends a path
    // segment, query value or encoded character ends the handle.
    let len = rest
        .iter()
        .position(|c| matches!(c, b'/' | b'?' | b'#' | b'&' | b'%' | b'"') || *c <= b' ')
        .unwrap_or(rest.len());
    (len > 0).then_some((start, start + len))
}

/// The ranges of the values of person parameters in the query that starts
/// at `q` (the first `?`). A key starts after the last `&` or `?` before its
/// `=`; a value runs to the next `&`. An empty value gives an empty range,
/// written as `[removed]` all the same. One pass, remembering where keys
/// start and where the next `&` is: searching back and forth from every `=`
/// made a hostile string like `?d=d=d=…` take time in the square of its
/// length.
fn param_values(b: &[u8], q: usize) -> Vec<(usize, usize)> {
    let query = b.get(q..).unwrap_or_default();
    let mut values = Vec::new();
    let mut key_start = 0;
    // The query before this has been searched for `&` and `?` already.
    let mut searched = 0;
    // The first `&` after the last `=` looked at (valid while beyond it).
    let mut next_amp = 0;
    for eq in memchr_iter(b'=', query) {
        // All person parameters end in `d`: most keys fail at a glance.
        if eq == 0 || query.get(eq - 1) != Some(&b'd') {
            continue;
        }
        let unsearched = query.get(searched..eq).unwrap_or_default();
        if let Some(k) = memrchr2(b'&', b'?', unsearched) {
            key_start = searched + k + 1;
        }
        searched = eq;
        let key = query.get(key_start..eq).unwrap_or_default();
        if !PERSON_PARAMS.iter().any(|p| p.as_bytes() == key) {
            continue;
        }
        if next_amp <= eq {
            next_amp = query
                .get(eq + 1..)
                .and_then(|rest| memchr(b'&', rest))
                .map_or(query.len(), |n| eq + 1 + n);
        }
        values.push((q + eq + 1, q + next_amp));
    }
    values
}

/// Removes people from links (see the module docs):
/// `https://www.tiktok.com/@someone/video/1?secUid=MS4` becomes
/// `https://www.tiktok.com/@[removed]/video/1?secUid=[removed]`.
#[inline]
pub(crate) fn scrub_links(s: &str) -> Cow<'_, str> {
    if !might_link(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    scrub_found(s)
}

/// [`scrub_links`] past its first check.
fn scrub_found(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    // The ranges to remove (handles, then person parameters' values); no
    // allocation unless there is one.
    let mut cuts: Vec<(usize, usize)> = memchr2_iter(b'@', b'%', b)
        .filter_map(|i| handle(b, i))
        .collect();
    if let Some(q) = memchr(b'?', b) {
        cuts.extend(param_values(b, q));
    }
    if cuts.is_empty() || !(http(b) || names_tiktok(b)) {
        return Cow::Borrowed(s);
    }
    cuts.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(cuts.len());
    for (start, end) in cuts {
        match merged.last_mut() {
            // A handle inside a person parameter's value goes with it.
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for (start, end) in merged {
        out.push_str(s.get(copied..start).unwrap_or_default());
        out.push_str(REMOVED);
        copied = end;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule of the module docs, written plainly, byte by byte.
    fn reference(s: &str) -> String {
        let lower = s.to_ascii_lowercase();
        if !lower.starts_with("http") && !lower.contains("tiktok.com") {
            return s.to_string();
        }
        let b = lower.as_bytes();
        let mut cut = vec![false; b.len()];
        // Empty parameter values: `[removed]` at this position.
        let mut mark = vec![false; b.len() + 1];
        for i in 0..b.len() {
            for (slash, at) in [("/", "@"), ("/", "%40"), ("%2f", "@"), ("%2f", "%40")] {
                if b[..i].ends_with(slash.as_bytes()) && b[i..].starts_with(at.as_bytes()) {
                    let from = i + at.len();
                    let to = (from..b.len())
                        .find(|&k| b"/?#&%\"".contains(&b[k]) || b[k] <= b' ')
                        .unwrap_or(b.len());
                    cut[from..to].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        if let Some(q) = s.find('?') {
            for eq in (q..b.len()).filter(|&i| b[i] == b'=') {
                let key_start = s[..eq].rfind(['&', '?']).map_or(0, |k| k + 1);
                if PERSON_PARAMS.contains(&&s[key_start..eq]) {
                    let end = s[eq..].find('&').map_or(s.len(), |n| eq + n);
                    cut[eq + 1..end].iter_mut().for_each(|c| *c = true);
                    mark[eq + 1] = true;
                }
            }
        }
        let mut out = Vec::new();
        for i in 0..=b.len() {
            let run_starts = i < b.len() && cut[i] && (i == 0 || !cut[i - 1]);
            let absorbed = (i > 0 && cut[i - 1]) || (i < b.len() && cut[i]);
            if run_starts || (mark[i] && !absorbed) {
                out.extend_from_slice(REMOVED.as_bytes());
            }
            if i < b.len() && !cut[i] {
                out.push(s.as_bytes()[i]);
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// Strings built to make a search from every `=` go back and forth over
    /// the whole query are scrubbed in one pass: 0.3 s for these two 2 MB
    /// strings in a debug build, where searching from every `=` took 86 s
    /// (and would take about a day at the 64 MB line limit).
    #[test]
    fn hostile_queries_are_scrubbed_in_one_pass() {
        let keys = format!("https://www.tiktok.com/?{}", "d=".repeat(1_000_000));
        assert_eq!(scrub_links(&keys), keys.as_str(), "no person parameter");
        let values = format!("https://www.tiktok.com/?{}", "uid=?".repeat(1_000_000));
        assert_eq!(
            scrub_links(&values),
            "https://www.tiktok.com/?uid=[removed]"
        );
    }

    proptest::proptest! {
        #[test]
        fn links_follow_the_rule(
            s in "(https?:|HTTPS:|Http|ht|www\\.|)[/@?&=#a-z \"%.]{0,10}((uid|user_id|secUid|d|x|TikTok\\.com|tiktok\\.COM|%2[fF]|%40|%4|é)=?[a-z@/%]{0,4}[&?/@=]?){0,5}"
        ) {
            let scrubbed = scrub_links(&s).into_owned();
            proptest::prop_assert_eq!(scrubbed, reference(&s));
        }
    }

    #[test]
    fn links_lose_handles() {
        for (link, scrubbed) in [
            (
                "https://t.com/@a/b/@c",
                "https://t.com/@[removed]/b/@[removed]",
            ),
            ("https://t.com/@", "https://t.com/@"),
            ("see /@a", "see /@a"),
            (
                "https://t.com/api/?secUid=MS4&count=30&uid=1",
                "https://t.com/api/?secUid=[removed]&count=30&uid=[removed]",
            ),
            ("https://t.com/@a?lang=en", "https://t.com/@[removed]?lang=en"),
            (
                "https://www.tiktok.com/login?redirect_url=https://www.tiktok.com/@alice",
                "https://www.tiktok.com/login?redirect_url=https://www.tiktok.com/@[removed]",
            ),
            (
                "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40alice",
                "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40[removed]",
            ),
            (
                "https://www.tiktok.com/%40alice/video/1",
                "https://www.tiktok.com/%40[removed]/video/1",
            ),
            (
                "HTTPS://WWW.TIKTOK.COM/@alice",
                "HTTPS://WWW.TIKTOK.COM/@[removed]",
            ),
            ("www.tiktok.com/@alice", "www.tiktok.com/@[removed]"),
            (
                "follow tiktok.com/@alice!",
                "follow tiktok.com/@[removed]",
            ),
            ("TikTok.com/%2fx%2F@alice", "TikTok.com/%2fx%2F@[removed]"),
            (
                "https://t.com/r?next=/api?uid=5&x=1",
                "https://t.com/r?next=/api?uid=[removed]&x=1",
            ),
            ("https://vm.tiktok.com/ZMabc/", "https://vm.tiktok.com/ZMabc/"),
        ] {
            assert_eq!(scrub_links(link), scrubbed, "{link}");
            assert_eq!(reference(link), scrubbed, "{link}");
        }
    }

    #[test]
    fn marks_are_found_anywhere() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\xc3\xa9\xff";
        for len in [13, 31, 32, 33, text.len()] {
            assert!(!might_link(&text[..len]), "{len}");
            for i in 0..len {
                for mark in [b'@', b'%', b'?'] {
                    let mut t = text[..len].to_vec();
                    t[i] = mark;
                    assert!(might_link(&t), "{len} {i}");
                }
            }
        }
        assert!(might_link(b"HTtP") && !might_link(b"htt"));
        // Shorter than any link without a scheme.
        assert!(!might_link(b"tiktok.com/@"));
        assert_eq!(scrub_links("tiktok.com/@x"), "tiktok.com/@[removed]");
    }

    #[test]
    fn mentions_outside_links_stay() {
        for text in [
            "hi @alice, see you",
            "@alice /@bob 50% off?",
            "email me at a@b.org",
        ] {
            assert_eq!(scrub_links(text), text);
        }
    }
}
