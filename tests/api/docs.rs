//! The documents that name tests must name tests that exist.

use std::{fs, path::Path};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `file` defines a test function `name`: `fn name(` with a test attribute
/// (`#[test]`, `#[tokio::test]`, `#[tokio::test(flavor = …)]`) on it, nothing but attributes,
/// doc comments and `async` between the two. A helper or a comment of that name is not a test.
fn defines(file: &Path, name: &str) -> bool {
    fs::read_to_string(file)
        .map(|text| defines_test(&text, name))
        .unwrap_or(false)
}

fn defines_test(text: &str, name: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let signature = [format!("fn {name}("), format!("async fn {name}(")];
    lines.iter().enumerate().any(|(i, line)| {
        let is_fn = signature.iter().any(|s| line.starts_with(s.as_str()))
            || line.starts_with(&format!("pub {}", signature[0]))
            || line.starts_with(&format!("pub {}", signature[1]));
        is_fn
            && lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.starts_with("#[") || l.starts_with("///") || l.is_empty())
                .any(|l| is_test_attribute(l))
    })
}

fn is_test_attribute(line: &str) -> bool {
    let inner = line.trim_start_matches("#[").trim_end_matches(']');
    let path = inner.split('(').next().unwrap_or_default().trim();
    path == "test" || path.ends_with("::test")
}

#[test]
fn the_guard_takes_only_test_functions() {
    let text = r#"
/// A helper.
fn helper_only() {}
// fn commented_out() is not a test
#[test]
fn plain() {}
/// A test with a doc.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_flavour() {}
#[tokio::test]
#[should_panic]
async fn stacked() {}
#[allow(dead_code)]
fn attributed_helper() {}
"#;
    for name in ["plain", "with_flavour", "stacked"] {
        assert!(defines_test(text, name), "{name} is a test");
    }
    for name in [
        "helper_only",
        "commented_out",
        "attributed_helper",
        "missing",
    ] {
        assert!(!defines_test(text, name), "{name} is not a test");
    }
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
