//! Whether an own-account file's videos link to the project's own account.
//!
//! Studio's Content file, the Business API video list and the Display API
//! video list describe the account that downloaded them, so their videos are
//! stored as the project's own account. A file from another account would
//! put that account's videos in the project's dissemination tables as its
//! own, and nothing in those files names the account except the videos'
//! links (`https://www.tiktok.com/@handle/video/…`). The readers keep
//! importing, because an account may have changed its handle, and give one
//! warning per file rather than one per row.
//!
//! It lives here because Content.csv was the first such file; the Display
//! API reader uses it too, as `crate::studio::own_account`.

use super::zip_name;
use crate::number::handle_from_link;
use crate::sink::{Sink, Warning};
use crate::Context;

/// Other handles listed by name in the warning; further ones are counted
/// with them but not named, so a file naming many accounts keeps the check's
/// memory constant.
const LISTED: usize = 3;

/// Where the project's own handle came from, for the warning.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// `[account] handle` in `uptake.toml` (`Options::account`).
    Config,
    /// A Studio ZIP's name (`Content_<handle>.zip`), named here.
    ZipName(String),
}

/// One other handle met, as first written, with its videos.
#[derive(Debug)]
struct Other {
    shown: String,
    key: String,
    videos: u64,
}

/// Counts one file's videos whose links name a handle other than the
/// project's own, and warns once when the file ends ([`OwnAccountCheck::finish`]).
#[derive(Debug)]
pub struct OwnAccountCheck {
    /// The own handle as set (without `@`), its lower-case form, and where it came from.
    own: Option<(String, String, Source)>,
    /// What the file is, for the message: "a Studio Content file".
    what: &'static str,
    /// Videos seen in the file.
    videos: u64,
    /// Videos whose link names another handle.
    mismatched: u64,
    /// The first [`LISTED`] other handles.
    others: Vec<Other>,
    /// Whether more other handles were met than are listed.
    unlisted: bool,
}

impl OwnAccountCheck {
    /// A check against the configured handle only (`[account] handle`): the
    /// API readers store that handle as their videos' author.
    pub fn configured(ctx: &Context, what: &'static str) -> Self {
        Self::with(configured_handle(ctx).map(|h| (h, Source::Config)), what)
    }

    /// A check against the handle a Studio reader stores: the configured
    /// one, else the one in the ZIP's name (see [`super::account_from`]).
    pub fn studio(ctx: &Context, what: &'static str) -> Self {
        let own = configured_handle(ctx)
            .map(|h| (h, Source::Config))
            .or_else(|| {
                let zip = ctx.container_name.as_deref()?;
                let handle = zip_name(zip).handle?;
                let base = zip.rsplit(['/', '\\']).next().unwrap_or(zip);
                Some((handle, Source::ZipName(base.to_string())))
            });
        Self::with(own, what)
    }

    fn with(own: Option<(String, Source)>, what: &'static str) -> Self {
        OwnAccountCheck {
            own: own.map(|(h, s)| {
                let key = h.to_lowercase();
                (h, key, s)
            }),
            what,
            videos: 0,
            mismatched: 0,
            others: Vec::new(),
            unlisted: false,
        }
    }

    /// Notes one video and its link (`None` when it has none). A link
    /// without a handle (a short `vm.tiktok.com` link) is not a mismatch.
    pub fn video(&mut self, link: Option<&str>) {
        self.videos += 1;
        let Some((_, own_key, _)) = &self.own else {
            return;
        };
        let Some(handle) = link.and_then(handle_from_link) else {
            return;
        };
        // Handles are case-insensitive on TikTok; trailing dots end a
        // sentence, not a handle.
        let handle = handle.trim_end_matches('.');
        let key = handle.to_lowercase();
        if key.is_empty() || key == *own_key {
            return;
        }
        self.mismatched += 1;
        if let Some(other) = self.others.iter_mut().find(|o| o.key == key) {
            other.videos += 1;
        } else if self.others.len() < LISTED {
            self.others.push(Other {
                shown: handle.to_string(),
                key,
                videos: 1,
            });
        } else {
            self.unlisted = true;
        }
    }

    /// Warns once, at the file, when any video linked to another handle.
    pub fn finish(self, ctx: &Context, sink: &mut dyn Sink) {
        if let Some(message) = self.message() {
            sink.warn(Warning {
                location: ctx.whole(),
                message,
            });
        }
    }

    /// The warning's text, or `None` when every link names the own handle.
    /// Other handles are written with their `@`, so that the CLI's stored
    /// copy (which replaces other people's `@handles`) keeps none of them.
    fn message(&self) -> Option<String> {
        let (own, _, source) = self.own.as_ref()?;
        if self.mismatched == 0 {
            return None;
        }
        let (n, total) = (self.mismatched, self.videos);
        let subject = if n == total && total == 1 {
            "the file's only video links".to_string()
        } else if n == total {
            format!("all {total} of the file's videos link")
        } else {
            let verb = if n == 1 { "links" } else { "link" };
            format!("{n} of the file's {total} videos {verb}")
        };
        let several = self.others.len() > 1 || self.unlisted;
        let mut names: Vec<String> = self
            .others
            .iter()
            .map(|o| {
                if several {
                    format!("@{} ({})", o.shown, o.videos)
                } else {
                    format!("@{}", o.shown)
                }
            })
            .collect();
        if self.unlisted {
            names.push("other handles".to_string());
        }
        let handles = join(&names);
        let set_in = match source {
            Source::Config => "set in `uptake.toml`, `[account] handle`".to_string(),
            Source::ZipName(zip) => format!(
                "taken from the ZIP's name `{zip}`, as `uptake.toml` sets no `[account] handle`"
            ),
        };
        Some(format!(
            "{subject} to {handles}, not to the project's account @{own} ({set_in}). {what} \
             describes the account that downloaded it, so its videos were stored as \
             @{own}'s own. If another account downloaded the file, import it into that \
             account's project instead; if the account changed its handle, this warning can \
             be ignored",
            what = capitalised(self.what),
        ))
    }
}

/// The configured own handle without `@`, if any.
fn configured_handle(ctx: &Context) -> Option<String> {
    let h = ctx
        .options
        .account
        .as_deref()?
        .trim()
        .trim_start_matches('@');
    (!h.is_empty()).then(|| h.to_string())
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};

    const LAB: &str = "https://www.tiktok.com/@synthetic_kmb_lab/video/7412345678901234567";
    const OTHER: &str = "https://www.tiktok.com/@another_lab/video/7412345678901234568";

    fn options(account: Option<&str>) -> Options {
        Options {
            account: account.map(str::to_string),
            ..Options::default()
        }
    }

    fn warnings(ctx: &Context, links: &[&str]) -> Vec<Warning> {
        let mut check = OwnAccountCheck::studio(ctx, "a Studio Content file");
        for link in links {
            check.video(Some(link));
        }
        let mut sink = VecSink::default();
        check.finish(ctx, &mut sink);
        sink.warnings
    }

    #[test]
    fn several_other_handles_are_listed_with_counts_up_to_three() {
        let opts = options(Some("@synthetic_kmb_lab"));
        let ctx = Context::new("Content.csv", &opts);
        let links = [
            OTHER,
            "https://www.tiktok.com/@Another_Lab/video/2",
            "https://www.tiktok.com/@b/video/3",
            "https://www.tiktok.com/@c/video/4",
            "https://www.tiktok.com/@d/video/5",
            LAB,
            "7412345678901234569",
        ];
        let got = warnings(&ctx, &links);
        assert_eq!(got.len(), 1, "{got:?}");
        let msg = &got[0].message;
        assert!(
            msg.starts_with(
                "5 of the file's 7 videos link to @another_lab (2), @b (1), @c (1) and other \
                 handles, not to the project's account @synthetic_kmb_lab"
            ),
            "{msg}"
        );
        assert!(!msg.contains("@d"), "{msg}");
    }

    #[test]
    fn a_zip_name_handle_is_checked_when_none_is_configured() {
        let opts = options(None);
        let mut ctx = Context::new("Content_kmb_lab.zip: Content.csv", &opts);
        ctx.container_name = Some("/downloads/Content_kmb_lab.zip".into());
        let got = warnings(&ctx, &[OTHER]);
        let msg = got.first().map(|w| w.message.as_str()).unwrap_or("");
        assert!(
            msg.contains(
                "the file's only video links to @another_lab, not to the project's account \
                 @kmb_lab (taken from the ZIP's name `Content_kmb_lab.zip`"
            ),
            "{msg}"
        );
        assert!(warnings(&ctx, &["https://www.tiktok.com/@KMB_Lab/video/1"]).is_empty());
        // The API readers store only the configured handle: no check.
        let mut check = OwnAccountCheck::configured(&ctx, "a Display API video list");
        check.video(Some(OTHER));
        assert_eq!(check.message(), None);
    }

    #[test]
    fn without_an_own_handle_nothing_is_said() {
        let opts = options(Some("  "));
        let ctx = Context::new("Content.csv", &opts);
        assert!(warnings(&ctx, &[OTHER, LAB]).is_empty());
    }
}
