//! The documents that name tests must name tests that exist.

use std::{fs, path::Path};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `file` defines a test function `name`.
fn defines(file: &Path, name: &str) -> bool {
    fs::read_to_string(file)
        .map(|text| text.contains(&format!("fn {name}(")))
        .unwrap_or(false)
}

/// `module::test` (tests/api) and `src/…rs::test` references in backticks.
fn references(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|r| r.contains("::") && !r.contains(' ') && !r.contains('(') && !r.contains('<'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn security_md_names_only_tests_that_exist() {
    let text = fs::read_to_string(root().join("SECURITY.md")).expect("SECURITY.md");
    let refs = references(&text);
    assert!(refs.len() > 40, "SECURITY.md names its tests: {refs:?}");
    let mut missing = Vec::new();
    for reference in &refs {
        let (path, name) = reference.rsplit_once("::").unwrap();
        let file = if path.ends_with(".rs") {
            root().join(path)
        } else {
            root().join("tests/api").join(format!("{path}.rs"))
        };
        if !defines(&file, name) {
            missing.push(reference.clone());
        }
    }
    for (file, title) in [
        (
            "account_safety.test.mjs",
            "a claim adds a new email only after its own code",
        ),
        (
            "account_safety.test.mjs",
            "a deleted contact's browser session ends",
        ),
    ] {
        let path = root().join("end2end/tests").join(file);
        let source = fs::read_to_string(&path).unwrap_or_default();
        if !text.contains(title) || !source.contains(title) {
            missing.push(format!("{file}: {title}"));
        }
    }
    assert!(
        missing.is_empty(),
        "SECURITY.md names tests that do not exist: {missing:#?}"
    );
}
