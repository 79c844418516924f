//! The project folder: `uptake.toml`, `.uptake/uptake.db`, `.uptake/secret`.

use anyhow::{bail, Context as _, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use uptake_model::PseudonymSecret;
use uptake_store::Store;

/// Name of the configuration file at the project root.
pub const CONFIG_FILE: &str = "uptake.toml";
/// Name of the folder holding the database and the secret.
pub const DATA_DIR: &str = ".uptake";
/// Database file inside [`DATA_DIR`].
pub const DB_FILE: &str = "uptake.db";
/// Secret file inside [`DATA_DIR`].
pub const SECRET_FILE: &str = "secret";

/// `uptake.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[project]`.
    #[serde(default)]
    pub project: ProjectSection,
    /// `[account]`.
    #[serde(default)]
    pub account: AccountSection,
    /// `[privacy]`.
    #[serde(default)]
    pub privacy: PrivacySection,
    /// `[studio]`.
    #[serde(default)]
    pub studio: StudioSection,
    /// `[audience]`.
    #[serde(default)]
    pub audience: AudienceSection,
    /// `[[campaigns]]`.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// `[rules]`.
    #[serde(default)]
    pub rules: RulesSection,
    /// `[claims]`.
    #[serde(default)]
    pub claims: ClaimsSection,
}

/// `[rules]`: the team's own comment-analysis rule files.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule files (TOML, crates/analysis/rules/README.md), relative to the project.
    #[serde(default)]
    pub files: Vec<String>,
}

/// `[claims]`: the team's own misinformation claims libraries.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsSection {
    /// Claims libraries (TOML, docs/claims.md), relative to the project.
    #[serde(default)]
    pub libraries: Vec<String>,
}

/// `[audience]`: who the videos were made for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudienceSection {
    /// ISO 3166 codes of the territories the videos were made for.
    #[serde(default)]
    pub territories: Vec<String>,
}

/// `[[campaigns]]`: videos that disseminate one research output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Short name used on the command line.
    pub name: String,
    /// Title of the research output.
    #[serde(default)]
    pub output_title: Option<String>,
    /// Its DOI.
    #[serde(default)]
    pub doi: Option<String>,
    /// A link to it.
    #[serde(default)]
    pub link: Option<String>,
    /// The campaign's videos (TikTok ids).
    #[serde(default)]
    pub videos: Vec<String>,
}

/// `[project]`: who this project is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// A name for reports.
    #[serde(default)]
    pub name: String,
    /// True when the project holds synthetic example data: every output says so.
    #[serde(default)]
    pub synthetic_data: bool,
}

/// `[account]`: the project's own TikTok account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSection {
    /// The handle without `@`; Studio files do not contain it.
    #[serde(default)]
    pub handle: String,
}

/// `[privacy]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySection {
    /// Keep raw handles of people who are not the project's account (off by default).
    #[serde(default)]
    pub store_handles: bool,
}

/// `[studio]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudioSection {
    /// `[studio.headers]`: header as found in a file → the English header it means.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
}

/// An opened project.
#[derive(Debug)]
pub struct Project {
    /// Root folder (holds `uptake.toml`).
    pub root: PathBuf,
    /// Parsed configuration.
    pub config: Config,
}

impl Project {
    /// Finds the project containing `start` (walking up), or at `explicit`.
    pub fn find(explicit: Option<&Path>, start: &Path) -> Result<Project> {
        if let Some(dir) = explicit {
            if dir.join(CONFIG_FILE).is_file() {
                return Project::load(dir);
            }
            bail!(
                "`{}` is not an uptake project (no `{CONFIG_FILE}`); create one with `uptake init {}`",
                dir.display(),
                dir.display()
            );
        }
        let mut dir = Some(start);
        while let Some(d) = dir {
            if d.join(CONFIG_FILE).is_file() {
                return Project::load(d);
            }
            dir = d.parent();
        }
        bail!(
            "not inside an uptake project (no `{CONFIG_FILE}` in `{}` or any folder above it); \
             create one with `uptake init [DIR] --name NAME`, try the example with `uptake demo`, \
             or pass `--project DIR`",
            start.display()
        )
    }

    fn load(root: &Path) -> Result<Project> {
        let path = root.join(CONFIG_FILE);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let config: Config = toml::from_str(&text)
            .with_context(|| format!("`{}` is not a valid uptake configuration", path.display()))?;
        Ok(Project {
            root: root.to_path_buf(),
            config,
        })
    }

    /// Creates a new project in `root` (created if needed; must not already
    /// be a project). Writes `uptake.toml`, the database and a fresh secret.
    pub fn create(root: &Path, config: &Config) -> Result<Project> {
        if root.join(CONFIG_FILE).exists() {
            bail!(
                "`{}` is already an uptake project (it has `{CONFIG_FILE}`); nothing was changed",
                root.display()
            );
        }
        fs::create_dir_all(root.join(DATA_DIR))
            .with_context(|| format!("cannot create `{}`", root.join(DATA_DIR).display()))?;
        write_secret(&root.join(DATA_DIR).join(SECRET_FILE))?;
        Store::create(&root.join(DATA_DIR).join(DB_FILE))?;
        let text = render_config(config);
        fs::write(root.join(CONFIG_FILE), text)
            .with_context(|| format!("cannot write `{}`", root.join(CONFIG_FILE).display()))?;
        Project::load(root)
    }

    /// The database path.
    pub fn db_path(&self) -> PathBuf {
        self.root.join(DATA_DIR).join(DB_FILE)
    }

    /// Opens the database (migrating an older schema).
    pub fn open_store(&self) -> Result<Store> {
        Ok(Store::open(&self.db_path())?)
    }

    /// Reads the pseudonymisation secret.
    pub fn secret(&self) -> Result<PseudonymSecret> {
        let path = self.root.join(DATA_DIR).join(SECRET_FILE);
        let bytes = fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            anyhow::anyhow!(
                "`{}` should hold 32 bytes, found {}; it was damaged (pseudonyms depend on it: \
                 restore it from a backup)",
                path.display(),
                bytes.len()
            )
        })?;
        Ok(PseudonymSecret::from_bytes(arr))
    }

    /// The campaign called `name`, or an error listing the campaigns.
    pub fn campaign(&self, name: &str) -> Result<&Campaign> {
        self.config.campaigns.iter().find(|c| c.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.config.campaigns.iter().map(|c| c.name.as_str()).collect();
            anyhow::anyhow!(
                "no campaign `{name}` in `{CONFIG_FILE}`; campaigns: {} (add one with `uptake campaign add`)",
                if names.is_empty() { "none".to_string() } else { names.join(", ") }
            )
        })
    }

    /// The own account's handle, if configured.
    pub fn account_handle(&self) -> Option<String> {
        let h = self.config.account.handle.trim().trim_start_matches('@');
        (!h.is_empty()).then(|| h.to_string())
    }

    /// How comment text shows the people it `@mentions`: as their `@u_…`
    /// pseudonyms unless the project keeps handles (`[privacy]
    /// store_handles`); the own account's handle always shows.
    pub fn mentions(&self) -> Result<Mentions> {
        Ok(Mentions {
            secret: (!self.config.privacy.store_handles)
                .then(|| self.secret())
                .transpose()?,
            own: self.account_handle(),
        })
    }
}

/// Masks `@mentions` in comment text for output ([`Project::mentions`]).
pub struct Mentions {
    /// `None` when the project keeps handles: text is shown as written.
    secret: Option<PseudonymSecret>,
    own: Option<String>,
}

impl Mentions {
    /// `text` with its mentions pseudonymised (see
    /// [`uptake_model::mask_mentions`]).
    pub fn mask(&self, text: String) -> String {
        match &self.secret {
            Some(secret) => {
                match uptake_model::mask_mentions(&text, secret, "tiktok", self.own.as_deref()) {
                    std::borrow::Cow::Borrowed(_) => text,
                    std::borrow::Cow::Owned(masked) => masked,
                }
            }
            None => text,
        }
    }
}

fn write_secret(path: &Path) -> Result<()> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("cannot get random bytes: {e}"))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    file.write_all(&bytes)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// Quotes a string for TOML.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes a commented `uptake.toml`.
pub fn render_config(c: &Config) -> String {
    let mut out = String::new();
    out.push_str("# uptake project configuration. See README.md and docs/ for every option.\n\n");
    out.push_str("[project]\n");
    out.push_str(&format!("name = {}\n", toml_string(&c.project.name)));
    if c.project.synthetic_data {
        out.push_str("# This project holds SYNTHETIC example data: every output says so.\n");
    }
    out.push_str(&format!(
        "synthetic_data = {}\n\n",
        c.project.synthetic_data
    ));
    out.push_str("[account]\n");
    out.push_str("# Your TikTok handle without @. Studio files do not name the account.\n");
    out.push_str(&format!("handle = {}\n\n", toml_string(&c.account.handle)));
    out.push_str("[privacy]\n");
    out.push_str(
        "# Keep the raw handles of people other than your own account. Off by default:\n\
         # commenters and other authors are stored under keyed pseudonyms.\n",
    );
    out.push_str(&format!("store_handles = {}\n\n", c.privacy.store_handles));
    out.push_str("[audience]\n");
    out.push_str("# ISO 3166 codes of the territories your videos are made for, e.g. [\"CA\"].\n");
    out.push_str(&format!(
        "territories = [{}]\n\n",
        c.audience
            .territories
            .iter()
            .map(|t| toml_string(t))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str("[studio.headers]\n");
    out.push_str(
        "# Map TikTok Studio headers in a language uptake does not know yet to the English\n\
         # header they mean, for example:\n# \"Visualizações de vídeos\" = \"Video Views\"\n",
    );
    for (k, v) in &c.studio.headers {
        out.push_str(&format!("{} = {}\n", toml_string(k), toml_string(v)));
    }
    for campaign in &c.campaigns {
        out.push_str(&render_campaign(campaign));
    }
    out
}

/// A `[[campaigns]]` block.
pub fn render_campaign(c: &Campaign) -> String {
    let mut out = String::from("\n[[campaigns]]\n");
    out.push_str(&format!("name = {}\n", toml_string(&c.name)));
    for (key, value) in [
        ("output_title", &c.output_title),
        ("doi", &c.doi),
        ("link", &c.link),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(v)));
        }
    }
    out.push_str(&format!(
        "videos = [{}]\n",
        c.videos
            .iter()
            .map(|v| toml_string(v))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out
}
