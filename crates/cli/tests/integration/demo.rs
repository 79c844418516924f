//! `uptake demo`: README's first command.

use super::Sandbox;

#[test]
fn demo_builds_the_example_project_and_prints_the_table() {
    let sb = Sandbox::new();
    let run = sb.run(&["demo", "d"]).ok();
    let out = &run.stdout;
    assert!(out.starts_with("SYNTHETIC EXAMPLE DATA"), "{out}");
    let video_rows = out
        .lines()
        .filter(|l| l.starts_with("2025-") || l.starts_with("2026-"))
        .count();
    assert_eq!(video_rows, 13, "{out}");
    // The most-viewed synthetic video, from the Business API response (truth.json).
    assert!(out.contains("412,600"), "{out}");
    assert!(out.contains("Median"), "{out}");
    assert!(out.contains("The demo project is in"), "{out}");
    assert!(sb.path().join("d/example-data/README.md").is_file());

    // Running it again changes nothing.
    let again = sb.run(&["demo", "d"]).ok();
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    assert!(!again.stdout.contains("imported `"), "{}", again.stdout);
}

#[test]
fn demo_refuses_a_real_project() {
    let sb = Sandbox::new();
    sb.project();
    let run = sb.run(&["demo", "p"]).fails_with(1);
    assert!(run.stderr.contains("not a demo"), "{}", run.stderr);
}
