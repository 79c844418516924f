//! `GET /settings` and `POST /settings/users`: accounts and roles (owners
//! only), the project's privacy settings as the server sees them, and the
//! audit log. Every change is written to the audit log in the same
//! transaction. The last owner who can sign in cannot be removed or demoted.

use crate::auth::{can, check_new_password, hash_password, Viewer};
use crate::error::WebError;
use crate::layout::{csrf_field, minute, page, respond};
use crate::state::AppState;
use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use uptake_store::{NewAuditEntry, Role};

/// Audit lines shown.
const AUDIT_SHOWN: u32 = 100;

/// A change to the accounts.
#[derive(Debug, Default, serde::Deserialize)]
pub struct UserForm {
    /// Anti-forgery token.
    #[serde(default)]
    pub csrf: String,
    /// `add`, `role`, `password` or `remove`.
    #[serde(default)]
    pub action: String,
    /// The account.
    #[serde(default)]
    pub name: String,
    /// Role (add, role).
    pub role: Option<String>,
    /// Password (add, password).
    pub password: Option<String>,
}

/// `GET /settings`.
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    viewer.require(can::manage(viewer.role), "manage accounts and settings")?;
    let (users, audit) = state
        .db(|store| Ok((store.users()?, store.audit_log(AUDIT_SHOWN, 0)?)))
        .await?;
    let config = state.config();
    let body = html! {
        section {
            h2 { "Accounts" }
            @if viewer.local {
                p.hint { "You are the local owner: no account can sign in yet, so the server answers only on this computer without a password. Add an owner with a password to use accounts (then everyone signs in, you too) or to serve the team on the network." }
            }
            table {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { "Can sign in" } th scope="col" { "Since" } th scope="col" { "Change" } } }
                tbody { @for u in &users { tr {
                    th scope="row" { (u.name) }
                    td { (u.role.name()) }
                    td { @if u.has_password { "yes" } @else { "no (no password)" } }
                    td { (minute(u.created_at)) }
                    td {
                        form.inline method="post" action="/settings/users" {
                            (csrf_field(&viewer)) input type="hidden" name="action" value="role"; input type="hidden" name="name" value=(u.name);
                            select name="role" aria-label={ "Role of " (u.name) } { @for r in Role::ALL { option value=(r.name()) selected[r == u.role] { (r.name()) } } }
                            button type="submit" { "Set role" }
                        }
                        form.inline method="post" action="/settings/users" {
                            (csrf_field(&viewer)) input type="hidden" name="action" value="password"; input type="hidden" name="name" value=(u.name);
                            input type="password" name="password" autocomplete="new-password" aria-label={ "New password for " (u.name) } minlength="10";
                            button type="submit" { "Set password" }
                        }
                        form.inline method="post" action="/settings/users" {
                            (csrf_field(&viewer)) input type="hidden" name="action" value="remove"; input type="hidden" name="name" value=(u.name);
                            button type="submit" { "Remove" }
                        }
                    }
                } } }
            }
            h3 { "Add an account" }
            form method="post" action="/settings/users" {
                (csrf_field(&viewer)) input type="hidden" name="action" value="add";
                label { "Name " input type="text" name="name" required maxlength="64" autocomplete="off"; }
                label { "Role " select name="role" { @for r in Role::ALL { option value=(r.name()) selected[r == Role::Viewer] { (r.name()) } } } }
                label { "Password " input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                button type="submit" { "Add" }
            }
            p.notes { "Roles: owner (everything), analyst (reads everything, raw handles where the project keeps them, decides flags, uploads), coder (coding), moderator (review queue), viewer (reads pseudonymised pages)." }
        }
        section {
            h2 { "Project" }
            dl.facts {
                dt { "Database" } dd { code { (config.db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()) } " in the project's data folder" }
                dt { "Raw handles kept" } dd { @if config.store_handles { "yes: shown to owners and analysts only" } @else { "no: everyone appears as a keyed pseudonym" } }
                dt { "Campaigns" } dd { (config.campaigns.len()) }
                dt { "Largest upload" } dd { (config.max_upload_bytes >> 20) " MB" }
            }
            p.notes { "These come from uptake.toml; change them there (or with " code { "uptake campaign" } ") and restart the server." }
        }
        section {
            h2 { "Audit log" }
            table {
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "On" } th scope="col" { "Detail" } } }
                tbody { @for a in &audit { tr {
                    td { (minute(a.at)) } td { (a.actor) } td { code { (a.action) } }
                    td { (a.target.as_deref().unwrap_or("")) } td { (a.detail.as_deref().unwrap_or("")) }
                } } }
            }
        }
    };
    Ok(respond(page(
        config,
        &viewer,
        "/settings",
        "Settings",
        body,
    )))
}

/// Checks an account name: 1 to 64 letters, digits, `.`, `-`, `_`, `@`.
pub fn valid_user_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
        && name != crate::auth::LOCAL_OWNER
}

/// `POST /settings/users`.
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<UserForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&f.csrf)?;
    viewer.require(can::manage(viewer.role), "manage accounts and settings")?;
    let name = f.name.trim().to_string();
    if !valid_user_name(&name) {
        return Err(WebError::BadRequest(
            "a name has 1 to 64 letters, digits, `.`, `-`, `_` or `@`".into(),
        ));
    }
    let role = match f.role.as_deref() {
        Some(r) => {
            Some(Role::parse(r).ok_or_else(|| WebError::BadRequest(format!("no role `{r}`")))?)
        }
        None => None,
    };
    let hash = match (f.action.as_str(), f.password.as_deref()) {
        ("add" | "password", Some(p)) => {
            check_new_password(p).map_err(WebError::BadRequest)?;
            let p = p.to_string();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&p))
                    .await
                    .map_err(|e| WebError::Internal(e.to_string()))??,
            )
        }
        ("add" | "password", None) => return Err(WebError::BadRequest("give a password".into())),
        _ => None,
    };
    let action = f.action.clone();
    let actor = viewer.name.clone();
    state
        .db(move |store| {
            let at = chrono::Utc::now().timestamp();
            let target = store.user_with_hash(&name)?;
            // The last owner who can sign in stays.
            let last_owner = match &target {
                Some((u, _)) => {
                    u.role == Role::Owner && u.has_password && store.owners_with_password()? == 1
                }
                None => false,
            };
            let audit_action = format!("user.{action}");
            let detail = role.map(|r| format!("role {r}"));
            let entry = NewAuditEntry {
                at,
                actor: &actor,
                action: &audit_action,
                target: Some(&name),
                detail: detail.as_deref(),
            };
            match action.as_str() {
                "add" => {
                    let role = role.ok_or_else(|| WebError::BadRequest("give a role".into()))?;
                    let added = store.audited_if(
                        &entry,
                        |s| s.add_user(&name, role, hash.as_deref(), at),
                        Option::is_some,
                    )?;
                    if added.is_none() {
                        return Err(WebError::BadRequest(format!(
                            "there is already an account `{name}`"
                        )));
                    }
                }
                "role" => {
                    let role = role.ok_or_else(|| WebError::BadRequest("give a role".into()))?;
                    if last_owner && role != Role::Owner {
                        return Err(WebError::BadRequest(
                            "this is the last owner who can sign in: add another owner first"
                                .into(),
                        ));
                    }
                    if !store.audited_if(&entry, |s| s.set_role(&name, role), |done| *done)? {
                        return Err(WebError::NotFound);
                    }
                }
                "password" => {
                    let hash =
                        hash.ok_or_else(|| WebError::BadRequest("give a password".into()))?;
                    if !store.audited_if(
                        &entry,
                        |s| s.set_password_hash(&name, &hash),
                        |done| *done,
                    )? {
                        return Err(WebError::NotFound);
                    }
                }
                "remove" => {
                    if last_owner {
                        return Err(WebError::BadRequest(
                            "this is the last owner who can sign in: add another owner first"
                                .into(),
                        ));
                    }
                    if !store.audited_if(&entry, |s| s.remove_user(&name), |done| *done)? {
                        return Err(WebError::NotFound);
                    }
                }
                other => return Err(WebError::BadRequest(format!("no action `{other}`"))),
            }
            Ok(())
        })
        .await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/settings")]).into_response())
}
