//! Keyed pseudonyms for people in the data.
//!
//! A commenter's or author's key is HMAC-SHA256 over the platform and the
//! user's platform id, keyed with the project's secret (`.uptake/secret`).
//! The same person gets the same key within a project, different keys across
//! projects, and nobody without the secret can go from a key back to a handle
//! by hashing candidate handles.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// A project's pseudonymisation secret (32 random bytes). `Debug` never
/// prints the bytes.
#[derive(Clone)]
pub struct PseudonymSecret {
    bytes: [u8; 32],
    /// HMAC keyed with the secret, cloned for every key: keying costs two
    /// SHA-256 blocks, as much as the rest of a short key's HMAC.
    /// (`None` never happens: HMAC accepts keys of any length.)
    keyed: Option<Hmac<Sha256>>,
}

impl PseudonymSecret {
    /// Wraps secret bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&bytes).ok();
        PseudonymSecret { bytes, keyed }
    }

    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl PartialEq for PseudonymSecret {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for PseudonymSecret {}

impl fmt::Debug for PseudonymSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymSecret(..)")
    }
}

/// The pseudonymous key of `user_id` on `platform`: `u_` followed by the first
/// 12 hex digits (48 bits) of HMAC-SHA256(secret, platform ‖ 0x1f ‖ user_id).
///
/// 48 bits keep collisions negligible for the millions of commenters a
/// project may hold while staying short enough to read aloud in a meeting.
pub fn author_key(secret: &PseudonymSecret, platform: &str, user_id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Should keying ever fail, an all-zero tag rather than a panic.
    let tag = match secret.keyed.clone() {
        Some(mut mac) => {
            mac.update(platform.as_bytes());
            mac.update(&[0x1f]);
            mac.update(user_id.as_bytes());
            mac.finalize().into_bytes().into()
        }
        None => [0u8; 32],
    };
    let mut out = String::with_capacity(14);
    out.push_str("u_");
    for b in &tag[..6] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Whether `b` may be part of a TikTok handle (letters, digits, `_`, `.`).
fn handle_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// `text` with every `@handle` replaced by `@` and the person's pseudonym,
/// [`author_key`] of the handle in lower case: the same `u_` key their own
/// comments carry (keys are made from handles where sources give one,
/// docs/privacy.md), so a moderator sees who is targeted without seeing
/// the handle. The handle `keep` (the project's own account, in any case)
/// stays. A mention is `@` followed by 2 to 24 handle characters
/// (letters, digits, `_`, `.`; a final `.` ends the sentence, not the
/// handle), after the start of the text or a character that cannot be in
/// a handle, so an e-mail address (`name@mail.example`) is left whole.
/// Comments name the people they target or answer: in shared outputs they
/// are pseudonymised like authors (docs/privacy.md).
pub fn mask_mentions<'a>(
    text: &'a str,
    secret: &PseudonymSecret,
    platform: &str,
    keep: Option<&str>,
) -> std::borrow::Cow<'a, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'@').map(|p| p + i) {
        i = at + 1;
        if at > 0 && (handle_byte(bytes[at - 1]) || bytes[at - 1] == b'@') {
            continue;
        }
        let mut end = at + 1;
        while end < bytes.len() && handle_byte(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let handle = &text[at + 1..end];
        if !(2..=24).contains(&handle.len())
            || keep.is_some_and(|k| k.trim_start_matches('@').eq_ignore_ascii_case(handle))
        {
            continue;
        }
        out.push_str(&text[copied..at + 1]);
        out.push_str(&author_key(secret, platform, &handle.to_ascii_lowercase()));
        copied = end;
        i = end;
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_depend_on_the_secret() {
        let a = PseudonymSecret::from_bytes([1; 32]);
        let b = PseudonymSecret::from_bytes([2; 32]);
        let k1 = author_key(&a, "tiktok", "6800000000000000001");
        assert_eq!(k1, author_key(&a, "tiktok", "6800000000000000001"));
        assert_ne!(k1, author_key(&b, "tiktok", "6800000000000000001"));
        assert_ne!(k1, author_key(&a, "tiktok", "6800000000000000002"));
        assert_eq!(k1.len(), 14);
        assert!(k1.starts_with("u_"));
    }

    /// Keys must never change between versions: stored keys, exports and
    /// coding sheets join on them. Expected values from Python's `hmac`:
    /// `"u_" + hmac.new(secret, b"tiktok\x1f" + uid.encode(), sha256).hexdigest()[:12]`.
    #[test]
    fn keys_match_an_independent_hmac() {
        let a = PseudonymSecret::from_bytes([1; 32]);
        assert_eq!(
            author_key(&a, "tiktok", "6800000000000000001"),
            "u_30eb5557a1ce"
        );
        let b = PseudonymSecret::from_bytes([9; 32]);
        assert_eq!(
            author_key(&b, "tiktok", "id:ünïcode_user"),
            "u_3e432b6169cf"
        );
    }

    #[test]
    fn mentions_are_masked_but_not_emails_or_the_own_account() {
        let s = PseudonymSecret::from_bytes([1; 32]);
        let m = |h: &str| author_key(&s, "tiktok", h);
        let masked = |t: &str| mask_mentions(t, &s, "tiktok", Some("@Our_Lab")).into_owned();
        assert_eq!(
            masked("@syn_user_0585 you will never be a real woman"),
            format!("@{} you will never be a real woman", m("syn_user_0585"))
        );
        // Same person in another case, a final period, several mentions.
        assert_eq!(
            masked("ask @Ana.B. and @ana.b!"),
            format!("ask @{0}. and @{0}!", m("ana.b"))
        );
        assert_eq!(masked("thanks @our_lab"), "thanks @our_lab");
        assert_eq!(
            masked("mail syn.target@mail.example"),
            "mail syn.target@mail.example"
        );
        assert_eq!(
            masked("@ alone, @x too short, @@double"),
            "@ alone, @x too short, @@double"
        );
        assert_eq!(masked("é@ana_b"), format!("é@{}", m("ana_b")));
        assert!(matches!(
            mask_mentions("no mention", &s, "tiktok", None),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn debug_hides_the_secret() {
        let a = PseudonymSecret::from_bytes([7; 32]);
        assert_eq!(format!("{a:?}"), "PseudonymSecret(..)");
    }
}
