use super::*;

/// Every page and what it shows: every text these files hand to `tr`, `tr_with`, `later`,
/// `later_with` or to a component's `label`, `legend`, `hint` or `title`.
const PAGES: &[&str] = &[
    "layout.rs",
    "home.rs",
    "register.rs",
    "verify.rs",
    "sign_in.rs",
    "claim.rs",
    "password.rs",
    "profile.rs",
    "facebook_terms.rs",
    "facebook.rs",
    "forms.rs",
    "outcome.rs",
    "agent/layout.rs",
    "agent/sign_in.rs",
    "agent/contacts.rs",
    "agent/contact.rs",
    "agent/contact_form.rs",
    "agent/new_contact.rs",
    "agent/deliveries.rs",
    "agent/admin.rs",
];

const MARKERS: &[&str] = &[
    "tr(",
    "tr_with(",
    "later(",
    "later_with(",
    "label=",
    "legend=",
    "hint=",
    "title=",
];

/// The string literals right after each marker (whitespace between them allowed).
fn marked_texts(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in MARKERS {
        for (at, _) in source.match_indices(marker) {
            // `str(` is not `tr(`: the marker must start a word.
            let before = source[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = source[at + marker.len()..].trim_start();
            let Some(literal) = rest.strip_prefix('"') else {
                continue;
            };
            let mut text = String::new();
            let mut chars = literal.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(next) = chars.next() {
                            text.push(next);
                        }
                    }
                    '"' => break,
                    c => text.push(c),
                }
            }
            found.push(text);
        }
    }
    found
}

fn greek() -> &'static HashMap<String, String> {
    catalogue(LanguageCode::GREEK).expect("a Greek catalogue")
}

#[test]
fn every_offered_language_but_english_has_a_catalogue_and_a_name() {
    for language in crate::domain::language::OFFERED {
        let named = crate::web::forms::LANGUAGES
            .iter()
            .any(|(code, _)| *code == language.as_str());
        assert!(named, "{language} is in the language choice");
        let has_catalogue = CATALOGUES.iter().any(|(l, _)| l == language);
        assert_eq!(
            has_catalogue,
            *language != LanguageCode::ENGLISH,
            "{language}"
        );
    }
}

#[test]
fn the_greek_catalogue_parses_and_has_no_entry_twice() {
    let entries = parse_po(include_str!("../locales/el.po")).expect("el.po parses");
    assert!(entries.len() > 100, "{} entries", entries.len());
    let mut seen = std::collections::HashSet::new();
    for (id, text) in &entries {
        assert!(seen.insert(id.clone()), "twice: {id:?}");
        for slot in pieces(id).iter().filter_map(|p| match p {
            Piece::Slot(name) => Some(*name),
            Piece::Text(_) => None,
        }) {
            assert!(
                text.contains(&format!("{{{slot}}}")),
                "{id:?}: the translation drops {{{slot}}}"
            );
        }
    }
    assert_eq!(greek().len(), entries.len());
}

#[test]
fn every_text_of_every_page_is_in_greek() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/");
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in PAGES {
        let source = std::fs::read_to_string(format!("{folder}{file}")).unwrap();
        for text in marked_texts(&source) {
            checked += 1;
            if !greek().contains_key(&text) && !missing.contains(&text) {
                missing.push(text);
            }
        }
    }
    // The choices radio groups offer, labelled by `RadioGroup` (the languages name themselves).
    use crate::web::agent::{admin, new_contact};
    for (_, label) in [
        admin::ORG_TYPES,
        admin::ROLES,
        admin::KEY_KINDS,
        new_contact::TYPES,
    ]
    .concat()
    {
        checked += 1;
        if !greek().contains_key(label) && !missing.contains(&label.to_owned()) {
            missing.push(label.to_owned());
        }
    }
    // Texts chosen by a condition before they reach `tr`.
    for text in ["on", "off"] {
        if !greek().contains_key(text) {
            missing.push(text.to_owned());
        }
    }
    assert!(
        checked > 300,
        "only {checked} texts found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "{} texts have no Greek in src/web/locales/el.po:\n{}",
        missing.len(),
        missing
            .iter()
            .map(|m| format!("msgid {m:?}\nmsgstr \"\"\n"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_errors_a_customer_can_meet_are_in_greek() {
    use crate::domain::{Email, Field, LanguageCode, PersonName, PhoneNumber};
    let mut errors = vec![
        Email::parse(Field::Email, "").unwrap_err(),
        Email::parse(Field::Email, "maria").unwrap_err(),
        PersonName::parse(Field::FirstName, "First name", "").unwrap_err(),
        PersonName::parse(Field::LastName, "Last name", &"x".repeat(101)).unwrap_err(),
        PersonName::parse(Field::LastName, "Last name", "a\u{202e}b").unwrap_err(),
        LanguageCode::parse_optional(Field::LanguageCode, Some("XX")).unwrap_err(),
    ];
    for (number, country) in [
        ("", "CYP"),
        ("12", "CYP"),
        ("99123456", ""),
        ("99123456", "XYZ"),
    ] {
        errors.push(
            PhoneNumber::parse_national(Field::Stored, Field::Stored, number, country).unwrap_err(),
        );
    }
    for error in errors {
        let english = error.message.clone();
        let shown = translate_message(LanguageCode::GREEK, &english);
        assert_ne!(shown, english, "no Greek for {english:?}");
        assert!(!shown.contains('{'), "{english:?} became {shown:?}");
    }
}

#[test]
fn messages_with_values_are_found_by_their_shape() {
    let greek = |english| translate_message(LanguageCode::GREEK, english);
    assert_eq!(
        greek("First name is required"),
        "Το πεδίο «Όνομα» είναι υποχρεωτικό"
    );
    assert_eq!(
        greek("Too many attempts. Please wait 57 seconds and try again."),
        "Πάρα πολλές προσπάθειες. Περιμένετε 57 δευτερόλεπτα και δοκιμάστε ξανά."
    );
    // Unknown text, and every text in English, stays as it is.
    assert_eq!(greek("Nothing like this"), "Nothing like this");
    assert_eq!(
        translate_message(LanguageCode::ENGLISH, "First name is required"),
        "First name is required"
    );
    assert_eq!(match_pattern("{a} is {b}", "x is y").unwrap().len(), 2);
    assert_eq!(match_pattern("{a} is required", " is required"), None);
    assert_eq!(match_pattern("Hello {name}.", "Hello Maria!"), None);
}

#[test]
fn po_files_are_read_as_gettext_writes_them() {
    let entries = parse_po(
        "# a comment\nmsgid \"\"\nmsgstr \"Content-Type: text/plain\"\n\n\
         msgid \"Say \\\"hi\\\"\"\nmsgstr \"\"\n\"Πείτε \"\n\"«γεια»\"\n\nmsgid \"Untranslated\"\nmsgstr \"\"\n",
    )
    .unwrap();
    assert_eq!(
        entries,
        vec![("Say \"hi\"".to_owned(), "Πείτε «γεια»".to_owned())]
    );
    assert!(parse_po("msgstr \"x\"").is_err());
    assert!(parse_po("msgid x").is_err());
}
