//! Loading the comment-analysis rules: uptake's built-in files plus the
//! project's own (`[rules] files` and `[claims] libraries` in uptake.toml).

use crate::project::Project;
use anyhow::{Context as _, Result};
use uptake_analysis::text::rules::{RuleSet, Scheme};

/// The schemes, in the order `uptake analyze` runs them.
pub const SCHEMES: [Scheme; 3] = [Scheme::Kmb, Scheme::Safety, Scheme::Claims];

/// Parses a scheme name given on the command line.
pub fn scheme(name: &str) -> Option<Scheme> {
    SCHEMES.into_iter().find(|s| s.as_str() == name)
}

/// All rules of the project, merged into one set (one pass per comment).
pub fn load_rules(project: &Project) -> Result<RuleSet> {
    let mut sets = Vec::new();
    for (name, text) in uptake_analysis::builtin_rules::FILES {
        sets.push(RuleSet::from_toml_str(text, name).with_context(|| {
            format!("built-in rule file `{name}` does not load; this is a bug in uptake")
        })?);
    }
    let own = project
        .config
        .rules
        .files
        .iter()
        .chain(&project.config.claims.libraries);
    for file in own {
        let path = project.root.join(file);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read rule file `{}` (listed in uptake.toml)",
                path.display()
            )
        })?;
        sets.push(RuleSet::from_toml_str(&text, &path.display().to_string())?);
    }
    Ok(RuleSet::merge(sets)?)
}
