//! Accounts, sessions, anti-forgery tokens and roles.
//!
//! - Passwords are stored as argon2id hashes (PHC strings); this module is
//!   the only place that hashes or checks them.
//! - A session is a random 256-bit token in an `HttpOnly`, `SameSite=Strict`
//!   cookie (`Secure` behind HTTPS); the database keeps only its SHA-256.
//! - Every state-changing request carries the session's anti-forgery token
//!   in a hidden form field, compared in constant time.
//! - On a loopback address with no account that can sign in, every request
//!   is the implicit *local owner* (a single person on their own computer);
//!   the `Host` header must then name the loopback address, which stops DNS
//!   rebinding from letting a web page read the project.

use crate::error::WebError;
use crate::state::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use uptake_store::Role;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "uptake_session";
/// How long a session lasts, seconds (12 hours: a working day).
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Name shown for the implicit local owner.
pub const LOCAL_OWNER: &str = "local owner";

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| WebError::Internal(format!("cannot get random bytes: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| WebError::Internal(format!("cannot encode a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("cannot hash a password: {e}")))
}

/// True when `password` matches the stored `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one password check, so that a sign-in with an
/// unknown name takes as long as one with a wrong password.
pub(crate) fn burn_password_check(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash_password("not a real password").ok()) {
        let _ = verify_password(hash, password);
    }
}

/// Checks a new password's length; the message is shown to the person.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.len() > 1024 {
        return Err("a password can have at most 1024 bytes".into());
    }
    Ok(())
}

/// A random 256-bit token, hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| WebError::Internal(format!("cannot get random bytes: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What each role may do. Reading pages is open to every role; these are
/// the exceptions (docs/web.md has the matrix).
pub mod can {
    use uptake_store::Role;

    /// Record review decisions.
    pub fn decide(role: Role) -> bool {
        matches!(role, Role::Owner | Role::Analyst | Role::Moderator)
    }

    /// Upload files to import.
    pub fn upload(role: Role) -> bool {
        matches!(role, Role::Owner | Role::Analyst)
    }

    /// Manage accounts and settings, read the audit log.
    pub fn manage(role: Role) -> bool {
        role == Role::Owner
    }

    /// See raw handles where the project keeps them.
    pub fn see_handles(role: Role) -> bool {
        matches!(role, Role::Owner | Role::Analyst)
    }

    /// Code one's own assignments on the coding page (the account's name is
    /// the coder's name in the coding round).
    pub fn code(role: Role) -> bool {
        matches!(role, Role::Owner | Role::Analyst | Role::Coder)
    }

    /// See every coder's progress (counts only) and the disagreement
    /// summary on the coding page.
    pub fn oversee_coding(role: Role) -> bool {
        matches!(role, Role::Owner | Role::Analyst)
    }

    /// Read the reliability of a codebook whose coding is still in progress.
    /// Coders read it only once every unit is coded, so that they stay
    /// blind; an account named as a coder of an unfinished codebook is
    /// refused whatever its role (see `pages::reliability`).
    pub fn read_reliability(role: Role) -> bool {
        role != Role::Coder
    }
}

/// The person making a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Account name, or [`LOCAL_OWNER`].
    pub name: String,
    /// Role.
    pub role: Role,
    /// The anti-forgery token forms must carry.
    pub csrf: String,
    /// The implicit local owner (no accounts, loopback only).
    pub local: bool,
    /// Hash of the session token (for sign-out).
    pub(crate) session: Option<String>,
}

impl Viewer {
    /// Fails with [`WebError::Csrf`] unless `token` is this viewer's token.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if !token.is_empty() && same(token, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }

    /// Fails with [`WebError::Forbidden`] unless `allowed`.
    pub fn require(&self, allowed: bool, what: &'static str) -> Result<(), WebError> {
        if allowed {
            Ok(())
        } else {
            Err(WebError::Forbidden(what))
        }
    }
}

/// The session token in the request's cookies, if any.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether accounts are needed: false only on loopback with no account
/// that can sign in (blocking; runs inside `AppState::db`).
pub(crate) fn local_mode(state: &AppState, store: &uptake_store::Store) -> Result<bool, WebError> {
    Ok(state.config().loopback() && store.users_with_password()? == 0)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let token = session_token(&parts.headers);
        let st = state.clone();
        state
            .db(move |store| {
                if local_mode(&st, store)? {
                    return Ok(Viewer {
                        name: LOCAL_OWNER.into(),
                        role: Role::Owner,
                        csrf: st.inner.local_csrf.clone(),
                        local: true,
                        session: None,
                    });
                }
                let Some(token) = token else {
                    return Err(WebError::SignIn);
                };
                let hash = token_hash(&token);
                match store.session(&hash, chrono::Utc::now().timestamp())? {
                    Some(s) => Ok(Viewer {
                        name: s.user.name,
                        role: s.user.role,
                        csrf: s.csrf,
                        local: false,
                        session: Some(hash),
                    }),
                    None => Err(WebError::SignIn),
                }
            })
            .await
    }
}

/// The `Set-Cookie` value that starts a session.
pub(crate) fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session.
pub(crate) fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// True when a `Host` header value names a loopback address (with any port).
pub(crate) fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn hosts() {
        assert!(loopback_host("127.0.0.1:8080"));
        assert!(loopback_host("localhost"));
        assert!(loopback_host("[::1]:80"));
        assert!(!loopback_host("evil.example:8080"));
        assert!(!loopback_host("127.0.0.1.evil.example"));
    }

    #[test]
    fn comparison() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
