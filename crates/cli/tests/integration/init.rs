//! `uptake init` and finding the project.

use super::Sandbox;

#[test]
fn init_creates_config_database_and_private_secret() {
    let sb = Sandbox::new();
    let run = sb
        .run(&["init", "study", "--name", "GAC KMb", "--handle", "@our_lab"])
        .ok();
    assert!(
        run.stdout.contains("created project `GAC KMb`"),
        "{}",
        run.stdout
    );
    let root = sb.path().join("study");
    let config = std::fs::read_to_string(root.join("uptake.toml")).unwrap_or_default();
    assert!(config.contains("handle = \"our_lab\""), "{config}");
    assert!(root.join(".uptake/uptake.db").is_file());
    let secret = std::fs::read(root.join(".uptake/secret")).unwrap_or_default();
    assert_eq!(secret.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join(".uptake/secret"))
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn init_twice_is_refused_and_changes_nothing() {
    let sb = Sandbox::new();
    sb.run(&["init", "study"]).ok();
    let before = std::fs::read(sb.path().join("study/.uptake/secret")).unwrap_or_default();
    let run = sb.run(&["init", "study"]).fails_with(1);
    assert!(
        run.stderr.contains("already an uptake project"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(sb.path().join("study/.uptake/secret")).unwrap_or_default(),
        before
    );
}

#[test]
fn commands_find_the_project_from_a_subfolder_or_with_project() {
    let sb = Sandbox::new();
    sb.project();
    std::fs::create_dir_all(sb.path().join("p/sub/deeper")).unwrap_or_else(|e| panic!("{e}"));
    let run = sb.run_in("p/sub/deeper", &["status"]).ok();
    assert!(run.stdout.contains("project `test`"), "{}", run.stdout);
    sb.run(&["--project", "p", "status"]).ok();
}

#[test]
fn outside_a_project_the_error_says_how_to_create_one() {
    let sb = Sandbox::new();
    let run = sb.run(&["videos"]).fails_with(1);
    assert!(
        run.stderr
            .starts_with("error: not inside an uptake project"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("uptake init"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    sb.run(&["videos", "--format", "pdf"]).fails_with(2);
    sb.run(&["no-such-command"]).fails_with(2);
}
