//! `uptake serve` end to end in headless Chromium: runs `node e2e/run.mjs`
//! (playwright-core driving Debian's `/usr/bin/chromium`, axe-core on every
//! page) against this build's `uptake` binary. See e2e/README.md.
//!
//! Needs Node.js, `npm ci` in `e2e/` and `/usr/bin/chromium`. Without them
//! the test is skipped with a note, unless `CI` is set (`.ci/run` sets it
//! and installs them): then a missing piece is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../e2e")
}

/// What is missing to run the end-to-end tests, if anything.
fn missing(dir: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("`node` not found (apt-get install nodejs npm)".into());
    }
    for module in ["playwright-core/package.json", "axe-core/axe.min.js"] {
        if !dir.join("node_modules").join(module).is_file() {
            return Some(format!(
                "e2e/node_modules/{module} not found (run `npm ci` in e2e/)"
            ));
        }
    }
    if !Path::new(CHROMIUM).is_file() {
        return Some(format!("{CHROMIUM} not found (apt-get install chromium)"));
    }
    None
}

#[test]
fn the_web_app_works_end_to_end_in_chromium() {
    let dir = e2e_dir();
    if let Some(why) = missing(&dir) {
        if std::env::var_os("CI").is_some() {
            panic!("{why}: `.ci/run` must install it for the end-to-end test");
        }
        eprintln!("note: skipping the end-to-end browser test: {why}");
        return;
    }
    let mut cmd = Command::new("node");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .current_dir(&dir)
        .arg(dir.join("run.mjs"))
        .arg("--uptake")
        .arg(env!("CARGO_BIN_EXE_uptake"))
        .arg("--chromium")
        .arg(CHROMIUM);
    for var in ["HOME", "TMPDIR"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    let out = cmd.output().expect("run node e2e/run.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Shown with `--nocapture`, and on failure.
    println!("{stdout}");
    assert!(
        out.status.success(),
        "e2e/run.mjs failed ({})\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("0 serious/critical"),
        "no accessibility summary:\n{stdout}"
    );
}
