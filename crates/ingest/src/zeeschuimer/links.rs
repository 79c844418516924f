//! People in links ([`scrub_links`]), the one rule that looks inside the
//! strings of a raw record rather than at its keys.
//!
//! A string is a link when it starts with `http` or names `tiktok.com`
//! anywhere (both in any case, so `HTTPS://…` and scheme-less
//! `www.tiktok.com/@someone` count). In a link:
//!
//! - every handle is removed: the name after a slash and an at sign, each
//!   written plainly or percent-encoded once or more (`/@`, `/%40`, `%2F@`,
//!   `%2F%40`, `%252F%2540`, `/%2540`, …: every further encoding of the `%`
//!   adds a `25`; hex in any case), up to the next `/ ? # & % "`, space or
//!   control character, wherever it is — the path, a query value such as a
//!   login redirect (`redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40someone`)
//!   or the fragment. Redirects nest, and each nesting encodes the link
//!   once more, so no depth is singled out;
//! - the value of every person parameter (`secUid`, `uid`, …) after the
//!   first `?` becomes `[removed]`, including parameters of a link nested
//!   unencoded in another's query, up to the next `&`;
//! - so does the value of a person parameter inside a percent-encoded link
//!   (`redirect_url=…%2Fview%3FsecUid%3DMS4…%26lang%3Den`): a name after an
//!   encoded `?` or `&` (`%3F`, `%26`) and before an encoded `=` (`%3D`),
//!   each encoded once or more, anywhere in the link; its value runs to the
//!   next `&`, plain or encoded (`%26`, `%2526`, …).
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

/// The character percent-encoded once or more at `i` (a `%`): its two hex
/// digits as written and the index after them. Encoding `%40` again gives
/// `%2540`, and each further encoding adds another `25`, so the `25`s after
/// the `%` are skipped. Reads forward over one run of `25`s, which holds no
/// `%`: over all the `%`s of a string, each byte is read about once.
#[inline]
fn encoded(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let mut j = i + 1;
    while b.get(j..j + 2) == Some(b"25") {
        j += 2;
    }
    Some((b.get(j..j + 2)?, j + 2))
}

/// True when `b` has the character `code` (two hex digits, upper case)
/// percent-encoded once or more just before `end`: [`encoded`] read
/// backwards. Only the run of `25`s between one `%` and `code` is read, so
/// no byte is read for many `end`s.
#[inline]
fn encoded_before(b: &[u8], end: usize, code: &[u8; 2]) -> bool {
    let Some(mut k) = end.checked_sub(2) else {
        return false;
    };
    if !b.get(k..end).is_some_and(|c| c.eq_ignore_ascii_case(code)) {
        return false;
    }
    loop {
        if k.checked_sub(1).and_then(|p| b.get(p)) == Some(&b'%') {
            return true;
        }
        match k.checked_sub(2) {
            Some(p) if b.get(p..k) == Some(b"25") => k = p,
            _ => return false,
        }
    }
}

/// The range of the handle whose `@` (or encoded `@`: `%40`, `%2540`, …)
/// is at `i`, when it follows a slash (`/`, `%2F`, `%252F`, …) and is not
/// empty.
fn handle(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = match b.get(i)? {
        b'@' => i + 1,
        b'%' => match encoded(b, i)? {
            (b"40", end) => end,
            _ => return None,
        },
        _ => return None,
    };
    let slash =
        i.checked_sub(1).and_then(|p| b.get(p)) == Some(&b'/') || encoded_before(b, i, b"2F");
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

/// The range of a person parameter's value in a percent-encoded link when
/// an encoded `=` (`%3D`, `%253D`, …) is at `i`, a person parameter's name
/// before it and an encoded `?` or `&` before that (`%3FsecUid%3DMS4…`).
/// The value runs to the next plain or encoded `&` (a plain one ends the
/// query value that holds the encoded link). `next_amp` is where the last
/// search for that ended: values of a hostile `%3Fuid%3D%3Fuid%3D…` share
/// one search instead of each searching to the end.
fn encoded_value(b: &[u8], i: usize, next_amp: &mut usize) -> Option<(usize, usize)> {
    // All person parameters end in `d`: most `%`s fail at a glance.
    if i.checked_sub(1).and_then(|p| b.get(p)) != Some(&b'd') {
        return None;
    }
    let (code, start) = encoded(b, i)?;
    if !code.eq_ignore_ascii_case(b"3D") {
        return None;
    }
    let named = PERSON_PARAMS.iter().any(|p| {
        i.checked_sub(p.len()).is_some_and(|k| {
            b.get(k..i) == Some(p.as_bytes())
                && (encoded_before(b, k, b"3F") || encoded_before(b, k, b"26"))
        })
    });
    if !named {
        return None;
    }
    // A cached `&` at or after `start` is also the first from `start`.
    if *next_amp < start {
        *next_amp = amp_from(b, start);
    }
    Some((start, *next_amp))
}

/// The index of the first `&`, plain or percent-encoded once or more, at
/// or after `from` (the length of `b` when there is none).
fn amp_from(b: &[u8], from: usize) -> usize {
    let rest = b.get(from..).unwrap_or_default();
    memchr2_iter(b'&', b'%', rest)
        .map(|n| from + n)
        .find(|&n| b.get(n) == Some(&b'&') || encoded(b, n).is_some_and(|(c, _)| c == b"26"))
        .unwrap_or(b.len())
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
    // The ranges to remove (handles and encoded person parameters' values,
    // then plain ones); no allocation unless there is one.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut next_amp = 0;
    for i in memchr2_iter(b'@', b'%', b) {
        if let Some(cut) = handle(b, i).or_else(|| encoded_value(b, i, &mut next_amp)) {
            cuts.push(cut);
        }
    }
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

    /// The length of `code` (`"/"`, `"@"`, or two lower-case hex digits of
    /// an encoded character) written at `i` of `lower`: plainly, or as `%`,
    /// any number of `25`s and the digits.
    fn form_at(lower: &[u8], i: usize, code: &str) -> Option<usize> {
        if code.len() == 1 {
            return lower[i..].starts_with(code.as_bytes()).then_some(1);
        }
        let mut j = i;
        if lower.get(j) != Some(&b'%') {
            return None;
        }
        j += 1;
        loop {
            if lower[j..].starts_with(code.as_bytes()) {
                return Some(j + 2 - i);
            }
            if !lower[j..].starts_with(b"25") {
                return None;
            }
            j += 2;
        }
    }

    /// The rule of the module docs, written plainly, byte by byte.
    fn reference(s: &str) -> String {
        let lower = s.to_ascii_lowercase();
        if !lower.starts_with("http") && !lower.contains("tiktok.com") {
            return s.to_string();
        }
        let b = lower.as_bytes();
        let n = b.len();
        let mut cut = vec![false; n];
        // Empty parameter values: `[removed]` at this position.
        let mut mark = vec![false; n + 1];
        let ends = |from: usize, f: &dyn Fn(usize) -> bool| (from..n).find(|&k| f(k)).unwrap_or(n);
        // Whether a form of one of `codes` ends exactly at `end`.
        let ends_at = |end: usize, codes: &[&str]| {
            (0..end).any(|j| codes.iter().any(|c| form_at(b, j, c) == Some(end - j)))
        };
        for i in 0..n {
            let at = form_at(b, i, "@").or_else(|| form_at(b, i, "40"));
            if let Some(len) = at.filter(|_| ends_at(i, &["/", "2f"])) {
                let from = i + len;
                let to = ends(from, &|k| b"/?#&%\"".contains(&b[k]) || b[k] <= b' ');
                cut[from..to].iter_mut().for_each(|c| *c = true);
            }
        }
        if let Some(q) = s.find('?') {
            for eq in (q..n).filter(|&i| b[i] == b'=') {
                let key_start = s[..eq].rfind(['&', '?']).map_or(0, |k| k + 1);
                if PERSON_PARAMS.contains(&&s[key_start..eq]) {
                    let end = s[eq..].find('&').map_or(n, |k| eq + k);
                    cut[eq + 1..end].iter_mut().for_each(|c| *c = true);
                    mark[eq + 1] = true;
                }
            }
        }
        for i in 0..n {
            let Some(len) = form_at(b, i, "3d") else {
                continue;
            };
            let named = PERSON_PARAMS.iter().any(|p| {
                i >= p.len() && s[..i].ends_with(p) && ends_at(i - p.len(), &["3f", "26"])
            });
            if named {
                let from = i + len;
                let to = ends(from, &|k| b[k] == b'&' || form_at(b, k, "26").is_some());
                cut[from..to].iter_mut().for_each(|c| *c = true);
                mark[from] = true;
            }
        }
        let mut out = Vec::new();
        for i in 0..=n {
            let run_starts = i < n && cut[i] && (i == 0 || !cut[i - 1]);
            let absorbed = (i > 0 && cut[i - 1]) || (i < n && cut[i]);
            if run_starts || (mark[i] && !absorbed) {
                out.extend_from_slice(REMOVED.as_bytes());
            }
            if i < n && !cut[i] {
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

    /// The encoded forms are read in one pass too: long runs of `25` (read
    /// from one `%` only), encoded parameters whose values would each run
    /// to the end, and `%`s that each start a failed match. 0.6 s for these
    /// in a debug build; searching for the end of every value on its own
    /// took over a minute.
    #[test]
    fn hostile_encodings_are_scrubbed_in_one_pass() {
        let run = format!("https://t.com/%{}2F%40x", "25".repeat(1_000_000));
        assert!(scrub_links(&run).ends_with("2F%40[removed]"));
        let runs = format!("https://t.com/{}", "%2525252F".repeat(300_000));
        assert_eq!(scrub_links(&runs), runs.as_str());
        let values = format!("https://t.com/{}", "%3Fuid%3D".repeat(300_000));
        assert_eq!(scrub_links(&values), "https://t.com/%3Fuid%3D[removed]");
        let keys = format!("https://t.com/{}", "%2F%3Fd%3Dd%3D%25".repeat(200_000));
        assert_eq!(scrub_links(&keys), keys.as_str());
        let amps = format!("https://t.com/%3Fuid%3D{}", "%25%252".repeat(400_000));
        assert_eq!(scrub_links(&amps), "https://t.com/%3Fuid%3D[removed]");
    }

    proptest::proptest! {
        #[test]
        fn links_follow_the_rule(
            s in "(https?:|HTTPS:|Http|ht|www\\.|)[/@?&=#a-z \"%.]{0,10}((uid|user_id|secUid|d|x|TikTok\\.com|tiktok\\.COM|%2[fF]|%40|%4|é)=?[a-z@/%]{0,4}[&?/@=]?){0,5}"
        ) {
            let scrubbed = scrub_links(&s).into_owned();
            proptest::prop_assert_eq!(scrubbed, reference(&s));
        }

        /// Encoded forms (once, twice, three times, half-written) of the
        /// characters the rules read, next to names and values, and whole
        /// parameters (`%3Fuid%3D`) that are or are nearly person ones.
        #[test]
        fn encoded_links_follow_the_rule(
            s in "(https?:|tiktok\\.com|x)((%(25){0,3}(2[fF]|40|3[fFdD]|26|2|4|3)|%|25|/|@|\\?|&|=|secUid|uid|sec_uid|uniqueId|Uid|d|a\\.b|é| |(%(25){0,2}(3[fF]|26)|&|/)(uid|secUid|user_id|Uid|kid|d)(%(25){0,2}3[dD]|=)){0,14})"
        ) {
            let scrubbed = scrub_links(&s).into_owned();
            proptest::prop_assert_eq!(scrubbed, reference(&s));
        }
    }

    /// Each link becomes its scrubbed form, by `scrub_links` and by the
    /// reference alike.
    fn assert_scrubs(cases: &[(&str, &str)]) {
        for (link, scrubbed) in cases {
            assert_eq!(scrub_links(link), *scrubbed, "{link}");
            assert_eq!(reference(link), *scrubbed, "{link}");
        }
    }

    #[test]
    fn links_lose_handles() {
        assert_scrubs(&[
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
        ]);
    }

    #[test]
    fn links_lose_handles_encoded_twice_or_more() {
        assert_scrubs(&[
            (
                "https://www.tiktok.com/login?redirect_url=https%253A%252F%252Fwww.tiktok.com%252F%2540alice%252Fvideo%252F1",
                "https://www.tiktok.com/login?redirect_url=https%253A%252F%252Fwww.tiktok.com%252F%2540[removed]%252Fvideo%252F1",
            ),
            (
                "https://www.tiktok.com/%2540alice",
                "https://www.tiktok.com/%2540[removed]",
            ),
            (
                "https://t.com/r?u=%2F%2540alice&v=%252f@bob&w=%25252F%25252540carol",
                "https://t.com/r?u=%2F%2540[removed]&v=%252f@[removed]&w=%25252F%25252540[removed]",
            ),
            // An encoded percent sign before other digits is no slash or at.
            ("https://t.com/%2541x/%25@y", "https://t.com/%2541x/%25@y"),
            ("https://t.com/x252F@y", "https://t.com/x252F@y"),
            ("https://t.com/%2540", "https://t.com/%2540"),
        ]);
    }

    #[test]
    fn encoded_redirects_lose_person_parameters() {
        assert_scrubs(&[
            (
                "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3DMS4wLjABAAAA_x-y%26foo%3D1",
                "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3D[removed]%26foo%3D1",
            ),
            // Lower-case hex, several parameters, a plain `&` ending the
            // redirect, and the last value running to the end.
            (
                "https://t.com/l?r=%2fapi%3flang%3den%26uid%3d6800%26sec_user_id%3dMS4&x=1&n=%3Funique_id%3Dalice",
                "https://t.com/l?r=%2fapi%3flang%3den%26uid%3d[removed]%26sec_user_id%3d[removed]&x=1&n=%3Funique_id%3D[removed]",
            ),
            // Encoded twice: a redirect inside a redirect.
            (
                "https://t.com/l?r=https%3A%2F%2Ft.com%2Fl%3Fr%3D%252Fapi%253FuserId%253D68%2526a%253D1",
                "https://t.com/l?r=https%3A%2F%2Ft.com%2Fl%3Fr%3D%252Fapi%253FuserId%253D[removed]%2526a%253D1",
            ),
            // Empty values, and an encoded handle inside a value.
            (
                "https://t.com/?r=%3Fuid%3D%26userId%3D%2F%2540alice",
                "https://t.com/?r=%3Fuid%3D[removed]%26userId%3D[removed]",
            ),
            // Not person parameters: another name, a name not after an
            // encoded `?` or `&`, another case, no encoded `=`.
            (
                "https://t.com/?r=%3Fkid%3D1%2FsecUid%3D2%3FUid%3D3%3Fuid%3E4%3Fuid=5",
                "https://t.com/?r=%3Fkid%3D1%2FsecUid%3D2%3FUid%3D3%3Fuid%3E4%3Fuid=5",
            ),
            // Outside a link nothing changes.
            ("see %3Fuid%3D5", "see %3Fuid%3D5"),
        ]);
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
