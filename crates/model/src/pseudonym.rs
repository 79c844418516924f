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
    fn debug_hides_the_secret() {
        let a = PseudonymSecret::from_bytes([7; 32]);
        assert_eq!(format!("{a:?}"), "PseudonymSecret(..)");
    }
}
