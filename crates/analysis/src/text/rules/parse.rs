//! The rule file format: the TOML shape, checked strictly, and the
//! validation that turns a file's rules into [`Rule`]s (languages,
//! severity, terms normalised, patterns compiled once to report errors).

use serde::Deserialize;

use super::compile::compile_one;
use super::{Rule, Scheme, LANGS};
use crate::text::error::RuleError;
use crate::text::normalize::normalize;

impl Scheme {
    fn parse(s: &str) -> Option<Scheme> {
        match s {
            "kmb" => Some(Scheme::Kmb),
            "safety" => Some(Scheme::Safety),
            "claims" => Some(Scheme::Claims),
            _ => None,
        }
    }
}

/// The shape of a rule file, checked strictly so a misspelt field
/// (`unles = [...]`) is an error rather than a silently ignored rule part.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scheme: String,
    version: String,
    status: Option<String>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    label: String,
    lang: Vec<String>,
    severity: Option<i64>,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    unless_patterns: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    requires_patterns: Vec<String>,
    note: Option<String>,
    claim: Option<toml::Table>,
}

/// Parses one rule file into its validated rules, its scheme and its
/// version. `source_name` is only used in error messages and
/// [`Rule::source_name`].
pub(super) fn parse_file(
    text: &str,
    source_name: &str,
) -> Result<(Vec<Rule>, Scheme, String), RuleError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Toml {
        source_name: source_name.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let file_err = |field, message: String| RuleError::File {
        source_name: source_name.to_string(),
        field,
        message,
    };
    let scheme = Scheme::parse(&raw.scheme).ok_or_else(|| {
        file_err(
            "scheme",
            format!(
                "expected `kmb`, `safety` or `claims`, found `{}`",
                raw.scheme
            ),
        )
    })?;
    if raw.version.trim().is_empty() {
        return Err(file_err(
            "version",
            "expected a version, found nothing".into(),
        ));
    }
    let mut rules = Vec::with_capacity(raw.rule.len());
    for r in raw.rule {
        let mut rule = validate(r, scheme, &raw.version, source_name)?;
        rule.file_status.clone_from(&raw.status);
        rules.push(rule);
    }
    Ok((rules, scheme, raw.version))
}

fn validate(
    r: RawRule,
    scheme: Scheme,
    version: &str,
    source_name: &str,
) -> Result<Rule, RuleError> {
    let err = |field: &'static str, message: String| RuleError::Rule {
        source_name: source_name.to_string(),
        rule_id: r.id.clone(),
        field,
        message,
    };
    if r.id.trim().is_empty() {
        return Err(err("id", "expected an id, found nothing".into()));
    }
    if r.label.trim().is_empty() {
        return Err(err("label", "expected a label, found nothing".into()));
    }
    if r.lang.is_empty() {
        return Err(err(
            "lang",
            "expected at least one of `en`, `fr`, `*`, found `[]`".into(),
        ));
    }
    let mut langs = Vec::new();
    for l in &r.lang {
        if l == "*" {
            langs.clear();
            break;
        }
        if !LANGS.contains(&l.as_str()) {
            return Err(err(
                "lang",
                format!("expected `en`, `fr` or `*`, found `{l}`"),
            ));
        }
        langs.push(l.clone());
    }
    let severity = match r.severity {
        Some(s @ 1..=4) => Some(s as u8),
        Some(s) => return Err(err("severity", format!("expected 1 to 4, found {s}"))),
        None if scheme == Scheme::Safety => {
            return Err(err(
                "severity",
                "expected 1 to 4 (required for safety rules), found nothing".into(),
            ))
        }
        None => None,
    };
    if r.terms.is_empty() && r.patterns.is_empty() {
        return Err(err(
            "terms",
            "empty rule: expected at least one term or pattern".into(),
        ));
    }
    let norm_terms = |field: &'static str, terms: &[String]| -> Result<Vec<String>, RuleError> {
        terms
            .iter()
            .map(|t| {
                let n = normalize(t).text;
                if n.is_empty() {
                    Err(err(
                        field,
                        format!("term `{t}` is empty after normalisation"),
                    ))
                } else {
                    Ok(n)
                }
            })
            .collect()
    };
    let terms = norm_terms("terms", &r.terms)?;
    let unless = norm_terms("unless", &r.unless)?;
    let requires = norm_terms("requires", &r.requires)?;
    for (field, list) in [
        ("patterns", &r.patterns),
        ("unless_patterns", &r.unless_patterns),
        ("requires_patterns", &r.requires_patterns),
    ] {
        for p in list {
            compile_one(p).map_err(|e| err(field, format!("invalid regex `{p}`: {e}")))?;
        }
    }
    Ok(Rule {
        id: r.id.clone(),
        label: r.label.clone(),
        scheme,
        version: version.to_string(),
        source_name: source_name.to_string(),
        file_status: None,
        lang_mask: Rule::mask_of(&langs),
        langs,
        severity,
        terms,
        patterns: r.patterns.clone(),
        unless,
        unless_patterns: r.unless_patterns.clone(),
        requires,
        requires_patterns: r.requires_patterns.clone(),
        note: r.note.clone(),
        claim: r.claim.clone(),
    })
}

#[cfg(test)]
mod tests {
    use crate::text::rules::RuleSet;

    fn error(text: &str) -> String {
        RuleSet::from_toml_str(text, "bad.toml")
            .unwrap_err()
            .to_string()
    }

    const HEAD: &str = "scheme = \"safety\"\nversion = \"v1\"\n";

    #[test]
    fn parse_errors_name_file_rule_and_field() {
        let rule = |body: &str| format!("{HEAD}[[rule]]\nid = \"r1\"\nlabel = \"x\"\n{body}\n");
        assert_eq!(
            error(&rule("lang = [\"de\"]\nseverity = 1\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `lang`: expected `en`, `fr` or `*`, found `de`"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nseverity = 1")),
            "`bad.toml` rule `r1`, field `terms`: empty rule: expected at least one term or pattern"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nseverity = 9\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `severity`: expected 1 to 4, found 9"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `severity`: expected 1 to 4 (required for safety rules), found nothing"
        );
        let bad_regex = error(&rule("lang = [\"en\"]\nseverity = 1\npatterns = ['(kys']"));
        assert!(
            bad_regex.starts_with("`bad.toml` rule `r1`, field `patterns`: invalid regex `(kys`: "),
            "{bad_regex}"
        );
        assert!(bad_regex.contains("unclosed group"), "{bad_regex}");
        let look = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nunless_patterns = ['(?=x)']\nterms = [\"a\"]",
        ));
        assert!(
            look.contains("field `unless_patterns`: invalid regex"),
            "{look}"
        );
        let dup = format!(
            "{HEAD}[[rule]]\nid = \"r1\"\nlabel = \"x\"\nlang = [\"*\"]\nseverity = 1\nterms = [\"a\"]\n\
             [[rule]]\nid = \"r1\"\nlabel = \"y\"\nlang = [\"*\"]\nseverity = 1\nterms = [\"b\"]\n"
        );
        assert_eq!(
            error(&dup),
            "`bad.toml` rule `r1`, field `id`: duplicate id, first defined in `bad.toml`"
        );
        assert_eq!(
            error("scheme = \"spam\"\nversion = \"v\"\n"),
            "`bad.toml`, field `scheme`: expected `kmb`, `safety` or `claims`, found `spam`"
        );
        let typo = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nterms = [\"a\"]\nunles = [\"b\"]",
        ));
        assert!(
            typo.starts_with("`bad.toml`: ") && typo.contains("unles"),
            "{typo}"
        );
        let toml = error("scheme = ");
        assert!(toml.starts_with("`bad.toml`: "), "{toml}");
        let empty_term = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nterms = [\"\\u200b\"]",
        ));
        assert!(empty_term.contains("field `terms`: term"), "{empty_term}");
    }

    /// The real rule files, written by hand under `crates/analysis/rules/`,
    /// all load, and load together.
    #[test]
    fn shipped_rule_files_load() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for p in entries.flatten().map(|e| e.path()) {
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e == "toml") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
            &mut paths,
        );
        paths.sort();
        let mut sets = Vec::new();
        for p in &paths {
            let text = std::fs::read_to_string(p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            sets.push(RuleSet::from_toml_str(&text, &name).unwrap_or_else(|e| panic!("{e}")));
        }
        let all = RuleSet::merge(sets).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.rules().is_empty(), paths.is_empty());
    }
}
