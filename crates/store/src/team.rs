//! Team accounts, sessions and the audit log of the web app (`uptake serve`,
//! `uptake user`).
//!
//! The store keeps what is needed and nothing more: a user's name, role and
//! password hash (an argon2id PHC string computed by `uptake-web`: the store
//! never sees a password), a hash of each session token (never the token),
//! and an append-only audit log of decisions, uploads and settings changes.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension, Row};

/// What a team member may do; see docs/web.md for the full matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Everything, including accounts and settings.
    Owner,
    /// Reads everything (raw handles where the project keeps them), decides
    /// flags, uploads imports.
    Analyst,
    /// Codes videos (the coding page); reads pseudonymised pages.
    Coder,
    /// Works the review queue; reads pseudonymised pages.
    Moderator,
    /// Reads pseudonymised pages; changes nothing.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Analyst,
        Role::Coder,
        Role::Moderator,
        Role::Viewer,
    ];

    /// Stored name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Analyst => "analyst",
            Role::Coder => "coder",
            Role::Moderator => "moderator",
            Role::Viewer => "viewer",
        }
    }

    /// The role called `name` (lower case), if any.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A team member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Sign-in name (unique, case-insensitive).
    pub name: String,
    /// Role.
    pub role: Role,
    /// True when a password is set (users without one cannot sign in).
    pub has_password: bool,
    /// When the account was made, UTC seconds.
    pub created_at: i64,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Who.
    pub user: User,
    /// The session's anti-forgery token.
    pub csrf: String,
    /// Expiry, UTC seconds.
    pub expires_at: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Row id (increasing).
    pub id: i64,
    /// When, UTC seconds.
    pub at: i64,
    /// Who: a user name, `local owner` or `cli`.
    pub actor: String,
    /// What: `review.confirm`, `user.add`, `import.upload`, ...
    pub action: String,
    /// On what (a comment id, a user name, a file name).
    pub target: Option<String>,
    /// Anything else worth keeping (a note, the new role).
    pub detail: Option<String>,
}

/// What to write to the audit log.
#[derive(Debug, Clone, Copy)]
pub struct NewAuditEntry<'a> {
    /// When, UTC seconds.
    pub at: i64,
    /// Who.
    pub actor: &'a str,
    /// What.
    pub action: &'a str,
    /// On what.
    pub target: Option<&'a str>,
    /// Anything else.
    pub detail: Option<&'a str>,
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.password_hash IS NOT NULL, u.created_at";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        // The CHECK constraint admits only known roles; an unknown one (a
        // hand-edited database) gets the least power rather than an error.
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        has_password: r.get(3)?,
        created_at: r.get(4)?,
    })
}

impl Store {
    fn team_sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sql(&self.path, e)
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"
            ))
            .map_err(|e| self.team_sql(e))?;
        let rows = st
            .query_map([], user_from_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.team_sql(e))?;
        Ok(rows)
    }

    /// The user called `name` (case-insensitive) with their password hash.
    pub fn user_with_hash(&self, name: &str) -> Result<Option<(User, Option<String>)>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.name = ?1"),
                params![name],
                |r| Ok((user_from_row(r)?, r.get(5)?)),
            )
            .optional()
            .map_err(|e| self.team_sql(e))
    }

    /// Adds a user. Returns `None` when the name is taken.
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        at: i64,
    ) -> Result<Option<User>, StoreError> {
        let changed = self
            .conn
            .execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO NOTHING",
                params![name, role.name(), password_hash, at],
            )
            .map_err(|e| self.team_sql(e))?;
        if changed == 0 {
            return Ok(None);
        }
        Ok(self.user_with_hash(name)?.map(|(u, _)| u))
    }

    /// Removes a user and their sessions. Returns false when there is no such user.
    pub fn remove_user(&mut self, name: &str) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute("DELETE FROM users WHERE name = ?1", params![name])
            .map_err(|e| self.team_sql(e))?;
        Ok(changed > 0)
    }

    /// Sets a user's password hash and ends their sessions (a changed
    /// password signs everyone out). Returns false when there is no such user.
    pub fn set_password_hash(&mut self, name: &str, hash: &str) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .savepoint()
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let changed = tx
            .execute(
                "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                params![name, hash],
            )
            .and_then(|n| {
                tx.execute(
                    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?1)",
                    params![name],
                )
                .map(|_| n)
            })
            .map_err(|e| StoreError::sql(&self.path, e))?;
        tx.commit().map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(changed > 0)
    }

    /// Changes a user's role and ends their sessions. Returns false when
    /// there is no such user.
    pub fn set_role(&mut self, name: &str, role: Role) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .savepoint()
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let changed = tx
            .execute(
                "UPDATE users SET role = ?2 WHERE name = ?1",
                params![name, role.name()],
            )
            .and_then(|n| {
                tx.execute(
                    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?1)",
                    params![name],
                )
                .map(|_| n)
            })
            .map_err(|e| StoreError::sql(&self.path, e))?;
        tx.commit().map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(changed > 0)
    }

    /// How many owners can sign in (have a password).
    pub fn owners_with_password(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM users WHERE role = 'owner' AND password_hash IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.team_sql(e))
    }

    /// How many users can sign in.
    pub fn users_with_password(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.team_sql(e))
    }

    /// Records a new session. `token_hash` is a hash of the cookie's token.
    pub fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, user_id, csrf, at, expires_at],
            )
            .map_err(|e| self.team_sql(e))?;
        Ok(())
    }

    /// The unexpired session whose token hashes to `token_hash`, with its user.
    pub fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRow>, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf, s.expires_at FROM sessions s
                     JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2"
                ),
                params![token_hash, now],
                |r| {
                    Ok(SessionRow {
                        user: user_from_row(r)?,
                        csrf: r.get(5)?,
                        expires_at: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.team_sql(e))
    }

    /// Ends one session (sign-out).
    pub fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                params![token_hash],
            )
            .map_err(|e| self.team_sql(e))?;
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub fn purge_sessions(&mut self, now: i64) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])
            .map_err(|e| self.team_sql(e))?;
        Ok(n as u64)
    }

    /// Appends one line to the audit log.
    pub fn audit(&mut self, entry: &NewAuditEntry<'_>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![entry.at, entry.actor, entry.action, entry.target, entry.detail],
            )
            .map_err(|e| self.team_sql(e))?;
        Ok(())
    }

    /// Runs `change` and appends `entry` to the audit log in one
    /// transaction: both are stored, or neither. `change` must not open a
    /// transaction of its own (savepoints are fine).
    pub fn audited<T>(
        &mut self,
        entry: &NewAuditEntry<'_>,
        change: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.audited_if(entry, change, |_| true)
    }

    /// [`Store::audited`], keeping the change and its audit line only when
    /// `keep` says the change happened (e.g. a decision on a comment that
    /// exists); otherwise both are rolled back and the result returned.
    pub fn audited_if<T>(
        &mut self,
        entry: &NewAuditEntry<'_>,
        change: impl FnOnce(&mut Store) -> Result<T, StoreError>,
        keep: impl FnOnce(&T) -> bool,
    ) -> Result<T, StoreError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.team_sql(e))?;
        let result = change(self).and_then(|value| {
            let kept = keep(&value);
            if kept {
                self.audit(entry)?;
            }
            Ok((value, kept))
        });
        match result {
            Ok((value, kept)) => {
                let end = if kept { "COMMIT" } else { "ROLLBACK" };
                self.conn.execute_batch(end).map_err(|e| self.team_sql(e))?;
                Ok(value)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The audit log, newest first, `limit` lines after skipping `offset`.
    pub fn audit_log(&self, limit: u32, offset: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, at, actor, action, target, detail FROM audit_log
                 ORDER BY id DESC LIMIT ?1 OFFSET ?2",
            )
            .map_err(|e| self.team_sql(e))?;
        let rows = st
            .query_map(params![limit, offset], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    target: r.get(4)?,
                    detail: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.team_sql(e))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn users_sessions_and_audit_round_trip() {
        let (_dir, mut s) = store();
        let u = s
            .add_user("Sam", Role::Owner, Some("$argon2id$x"), 10)
            .unwrap()
            .unwrap();
        assert_eq!(u.role, Role::Owner);
        assert!(
            s.add_user("sam", Role::Viewer, None, 11).unwrap().is_none(),
            "names are case-insensitive"
        );
        assert_eq!(s.owners_with_password().unwrap(), 1);
        s.create_session("h1", u.id, "c1", 10, 100).unwrap();
        assert_eq!(s.session("h1", 50).unwrap().unwrap().csrf, "c1");
        assert!(s.session("h1", 100).unwrap().is_none(), "expired");
        assert!(s.set_role("sam", Role::Analyst).unwrap());
        assert!(
            s.session("h1", 50).unwrap().is_none(),
            "a role change ends sessions"
        );
        s.create_session("h2", u.id, "c2", 10, 100).unwrap();
        assert!(s.set_password_hash("SAM", "$argon2id$y").unwrap());
        assert!(
            s.session("h2", 50).unwrap().is_none(),
            "a new password ends sessions"
        );
        let entry = NewAuditEntry {
            at: 5,
            actor: "sam",
            action: "user.add",
            target: Some("kim"),
            detail: None,
        };
        let added = s
            .audited(&entry, |s| s.add_user("kim", Role::Viewer, None, 5))
            .unwrap();
        assert!(added.is_some());
        let log = s.audit_log(10, 0).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, "user.add");
        assert!(s.remove_user("kim").unwrap());
        assert_eq!(s.users().unwrap().len(), 1);
    }

    #[test]
    fn a_failed_change_leaves_no_audit_line() {
        let (_dir, mut s) = store();
        let entry = NewAuditEntry {
            at: 5,
            actor: "sam",
            action: "x",
            target: None,
            detail: None,
        };
        let r: Result<(), _> = s.audited(&entry, |s| {
            s.add_user("kim", Role::Viewer, None, 5)?;
            Err(StoreError::Missing("nothing".into()))
        });
        assert!(r.is_err());
        assert!(s.audit_log(10, 0).unwrap().is_empty());
        assert!(s.users().unwrap().is_empty(), "rolled back");
    }
}
