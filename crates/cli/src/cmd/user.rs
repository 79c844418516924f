//! `uptake user`: the web app's accounts and roles.

use super::Ctx;
use anyhow::{anyhow, bail, Result};
use std::io::{BufRead, IsTerminal, Write};
use uptake_store::{NewAuditEntry, Role, Store};

/// Manage the web app's accounts and roles.
///
/// Roles: owner (everything, including accounts), analyst (reads everything,
/// raw handles where the project keeps them, decides flags, uploads), coder
/// (coding), moderator (the review queue), viewer (reads pseudonymised
/// pages). Passwords are read from standard input (not echoed on a
/// terminal) and stored as argon2id hashes. Every change is written to the
/// audit log. The last owner who can sign in cannot be removed or demoted.
///
/// Examples:
///   uptake user add sam --role owner
///   printf '%s\n' "$PASSWORD" | uptake user add kim --role moderator
///   uptake user passwd kim
///   uptake user list
///   uptake user remove kim
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Account actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add an account (asks for its password).
    Add {
        /// Sign-in name: letters, digits, `.`, `-`, `_`, `@`.
        name: String,
        /// owner, analyst, coder, moderator or viewer.
        #[arg(long, value_parser = ["owner", "analyst", "coder", "moderator", "viewer"])]
        role: String,
        /// Make the account without a password (it cannot sign in until `uptake user passwd`).
        #[arg(long)]
        no_password: bool,
    },
    /// Remove an account and end its sessions.
    Remove {
        /// The account.
        name: String,
    },
    /// Set an account's password (ends its sessions).
    Passwd {
        /// The account.
        name: String,
    },
    /// Change an account's role (ends its sessions).
    Role {
        /// The account.
        name: String,
        /// The new role.
        #[arg(value_parser = ["owner", "analyst", "coder", "moderator", "viewer"])]
        role: String,
    },
    /// List the accounts.
    List,
}

/// Reads a password from standard input; on a terminal, asks twice without echo.
fn read_password(name: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\n', '\r']).to_string();
        uptake_web::auth::check_new_password(&p).map_err(|e| anyhow!("{e}"))?;
        return Ok(p);
    }
    let ask = |prompt: &str| -> Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let echo_off = set_echo(false);
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        if echo_off {
            set_echo(true);
            eprintln!();
        }
        read?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let first = ask(&format!("Password for {name}: "))?;
    uptake_web::auth::check_new_password(&first).map_err(|e| anyhow!("{e}"))?;
    if ask("Again: ")? != first {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

/// Turns terminal echo off or on with `stty`; false when that is not possible.
fn set_echo(on: bool) -> bool {
    std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success())
}

fn valid_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !ok {
        bail!("`{name}`: a name has 1 to 64 letters, digits, `.`, `-`, `_` or `@`");
    }
    Ok(())
}

fn hash(password: &str) -> Result<String> {
    uptake_web::auth::hash_password(password).map_err(|e| anyhow!("{e}"))
}

fn entry<'a>(action: &'a str, target: &'a str, detail: Option<&'a str>) -> NewAuditEntry<'a> {
    NewAuditEntry {
        at: chrono::Utc::now().timestamp(),
        actor: "cli",
        action,
        target: Some(target),
        detail,
    }
}

/// Refuses to take away the last owner who can sign in.
fn keep_last_owner(store: &Store, name: &str) -> Result<()> {
    if let Some((u, _)) = store.user_with_hash(name)? {
        if u.role == Role::Owner && u.has_password && store.owners_with_password()? == 1 {
            bail!("`{}` is the last owner who can sign in: add another owner first; nothing was changed", u.name);
        }
    }
    Ok(())
}

/// Runs `uptake user`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    match args.action {
        Action::Add {
            name,
            role,
            no_password,
        } => {
            valid_name(&name)?;
            let role = Role::parse(&role).ok_or_else(|| anyhow!("no role `{role}`"))?;
            if store.user_with_hash(&name)?.is_some() {
                bail!("there is already an account `{name}`; nothing was changed");
            }
            let hash = if no_password {
                None
            } else {
                Some(hash(&read_password(&name)?)?)
            };
            let detail = format!("role {role}");
            let added = store.audited_if(
                &entry("user.add", &name, Some(&detail)),
                |s| s.add_user(&name, role, hash.as_deref(), chrono::Utc::now().timestamp()),
                Option::is_some,
            )?;
            if added.is_none() {
                bail!("there is already an account `{name}`; nothing was changed");
            }
            super::print(&format!(
                "added `{name}` ({role}){}\n",
                if no_password {
                    "; it cannot sign in until `uptake user passwd`"
                } else {
                    ""
                }
            ))
        }
        Action::Remove { name } => {
            keep_last_owner(&store, &name)?;
            if !store.audited_if(
                &entry("user.remove", &name, None),
                |s| s.remove_user(&name),
                |done| *done,
            )? {
                bail!("no account `{name}`");
            }
            super::print(&format!("removed `{name}` and ended its sessions\n"))
        }
        Action::Passwd { name } => {
            if store.user_with_hash(&name)?.is_none() {
                bail!("no account `{name}`");
            }
            let hash = hash(&read_password(&name)?)?;
            if !store.audited(&entry("user.password", &name, None), |s| {
                s.set_password_hash(&name, &hash)
            })? {
                bail!("no account `{name}`");
            }
            super::print(&format!(
                "set the password of `{name}` and ended its sessions\n"
            ))
        }
        Action::Role { name, role } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow!("no role `{role}`"))?;
            if role != Role::Owner {
                keep_last_owner(&store, &name)?;
            }
            let detail = format!("role {role}");
            if !store.audited(&entry("user.role", &name, Some(&detail)), |s| {
                s.set_role(&name, role)
            })? {
                bail!("no account `{name}`");
            }
            super::print(&format!("`{name}` is now {role}; its sessions ended\n"))
        }
        Action::List => {
            let users = store.users()?;
            if users.is_empty() {
                return super::print("No accounts: `uptake serve` runs for the local owner on 127.0.0.1 only. Add one with `uptake user add NAME --role owner`.\n");
            }
            let mut out = String::new();
            for u in users {
                out.push_str(&format!(
                    "{:<24} {:<10} {}\n",
                    u.name,
                    u.role.name(),
                    if u.has_password {
                        "can sign in"
                    } else {
                        "no password"
                    }
                ));
            }
            super::print(&out)
        }
    }
}
