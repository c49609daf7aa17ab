use super::*;

fn shipped() -> Messages {
    Messages::load("Acme & Sons", None).expect("the shipped templates load")
}

fn email() -> Identity {
    Identity::from_stored("EMAIL", "maria@example.com").unwrap()
}

fn sign_in_code(minutes: u64) -> CodeText<'static> {
    CodeText {
        purpose: Purpose::SignIn,
        code: "482913",
        minutes,
        target: "",
        reset_token: None,
    }
}

fn all_notices() -> [Notice<'static>; 5] {
    [
        Notice::IdentityTaken {
            kind: IdentityKind::Email,
        },
        Notice::IdentityAdded { what: "m***@x.com" },
        Notice::PasswordAdded { what: "m***@x.com" },
        Notice::IdentityRemoved {
            what: Some("m***@x.com"),
        },
        Notice::IdentityRemoved { what: None },
    ]
}

fn folder(files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("portal-templates-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn every_shipped_language_has_every_message_and_no_other() {
    let english = Catalogue::ids_of(SHIPPED[0].1);
    assert!(english.len() >= 15, "{english:?}");
    for (language, text) in SHIPPED {
        let mut ids = Catalogue::ids_of(text);
        ids.sort();
        let mut wanted = english.clone();
        wanted.sort();
        assert_eq!(ids, wanted, "{language}: missing or extra messages");
    }
    let messages = shipped();
    for language in [LanguageCode::ENGLISH, LanguageCode::GREEK] {
        assert_eq!(messages.catalogues[&language].ids().len(), english.len());
    }
    // Every id the portal asks for is in the templates (`say` would print the id otherwise).
    for purpose in Purpose::ALL {
        assert!(
            english.contains(&purpose_id(purpose).to_owned()),
            "{purpose:?}"
        );
    }
}

#[test]
fn a_code_reads_in_the_contacts_language_with_the_business_name() {
    let messages = shipped();
    let greek = messages.code(LanguageCode::GREEK, &email(), &sign_in_code(10));
    assert_eq!(
        greek.body,
        "Ο κωδικός σας για Acme & Sons είναι 482913. Χρησιμοποιήστε τον για να συνδεθείτε. \
         Ισχύει για 10 λεπτά. Αν δεν τον ζητήσατε, αγνοήστε αυτό το μήνυμα."
    );
    assert_eq!(greek.subject, "Ο κωδικός σας για Acme & Sons είναι 482913");
    let html = greek.html.as_deref().unwrap();
    assert!(html.contains("<html lang=\"el\">"), "{html}");
    assert!(html.contains("<strong>Acme &amp; Sons</strong>"), "{html}");
    assert!(html.contains("<strong>482913</strong>"), "{html}");
    assert!(!html.contains("Acme & Sons"), "unescaped: {html}");

    let english = messages.code(LanguageCode::ENGLISH, &email(), &sign_in_code(1));
    assert_eq!(
        english.body,
        "Your Acme & Sons code is 482913. Use it to sign in. It is valid for 1 minute. \
         If you did not ask for it, ignore this message."
    );
    for message in [&greek, &english] {
        assert!(
            !message.body.contains(['\u{2068}', '\u{2069}']),
            "isolation marks would reach an SMS: {:?}",
            message.body
        );
        assert_eq!(message.code.as_deref(), Some("482913"));
        assert_eq!(message.to, "maria@example.com");
    }
}

#[test]
fn every_purpose_and_notice_has_its_own_words_in_each_language() {
    let messages = shipped();
    for language in [LanguageCode::ENGLISH, LanguageCode::GREEK] {
        let mut bodies = Vec::new();
        for purpose in Purpose::ALL {
            let text = CodeText {
                purpose,
                code: "111111",
                minutes: 10,
                target: "n***@example.com",
                reset_token: Some("tok.111111"),
            };
            let message = messages.code(language, &email(), &text);
            assert!(message.body.contains("111111"), "{}", message.body);
            bodies.push(message.body);
        }
        for notice in all_notices() {
            let message = messages.notice(language, Channel::Sms, "+35799000000", &notice);
            assert_eq!(message.code, None);
            assert!(
                message.body.starts_with("Acme & Sons: "),
                "{}",
                message.body
            );
            assert!(!message.subject.is_empty());
            bodies.push(message.body);
        }
        let distinct: std::collections::HashSet<_> = bodies.iter().collect();
        assert_eq!(distinct.len(), bodies.len(), "{language}: {bodies:#?}");
        let greek = bodies.iter().all(|b| b.contains('ο') || b.contains('α'));
        assert_eq!(greek, language == LanguageCode::GREEK, "{bodies:#?}");
    }
    let add = messages.code(
        LanguageCode::ENGLISH,
        &email(),
        &CodeText {
            purpose: Purpose::AddIdentity,
            target: "n***@example.com",
            ..sign_in_code(10)
        },
    );
    assert!(
        add.body
            .contains("add n***@example.com as a way to sign in"),
        "{}",
        add.body
    );
    let reset = messages.code(
        LanguageCode::GREEK,
        &email(),
        &CodeText {
            purpose: Purpose::ResetPassword,
            reset_token: Some("abc.482913"),
            ..sign_in_code(10)
        },
    );
    assert!(
        reset.body.ends_with("δέχεται αυτό: abc.482913"),
        "{}",
        reset.body
    );
    let removed = messages.notice(
        LanguageCode::ENGLISH,
        Channel::Email,
        "maria@example.com",
        &Notice::IdentityRemoved { what: None },
    );
    assert!(
        removed.body.contains(": A Facebook account was removed"),
        "{}",
        removed.body
    );
}

#[test]
fn a_language_without_templates_is_written_in_english() {
    let messages = shipped();
    let french = LanguageCode::parse_optional(crate::domain::Field::Stored, Some("FR"))
        .unwrap()
        .unwrap();
    let message = messages.code(french, &email(), &sign_in_code(10));
    assert_eq!(
        message,
        messages
            .code(LanguageCode::ENGLISH, &email(), &sign_in_code(10))
            .with_lang_of_html(french)
    );
}

impl OtpMessage {
    /// The same message as another language's page would carry it (only `<html lang>` differs).
    fn with_lang_of_html(mut self, language: LanguageCode) -> Self {
        self.html = self.html.map(|html| {
            html.replacen(
                "lang=\"en\"",
                &format!("lang=\"{}\"", language.as_str().to_ascii_lowercase()),
                1,
            )
        });
        self
    }
}

#[test]
fn an_operators_folder_replaces_messages_and_adds_languages() {
    let dir = folder(&[
        (
            "el.ftl",
            "code-for-sign-in = Μπείτε με αυτόν, { $business }.\n",
        ),
        ("fr.ftl", "code-intro = Votre code { $business } est\n"),
        ("README.md", "not a template"),
    ]);
    let messages = Messages::load("Acme", Some(&dir)).unwrap();
    let greek = messages.code(LanguageCode::GREEK, &email(), &sign_in_code(10));
    assert!(
        greek
            .body
            .contains("482913. Μπείτε με αυτόν, Acme. Ισχύει για 10 λεπτά."),
        "{}",
        greek.body
    );
    let french = LanguageCode::parse_optional(crate::domain::Field::Stored, Some("fr"))
        .unwrap()
        .unwrap();
    assert!(messages.languages().contains(&french));
    let message = messages.code(french, &email(), &sign_in_code(10));
    // Its own words where it has them, English for the rest.
    assert!(
        message
            .body
            .starts_with("Votre code Acme est 482913. Use it to sign in."),
        "{}",
        message.body
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_broken_override_stops_the_start_and_names_the_file_and_message() {
    let cases = [
        ("el.ftl", "code-subject = {", "el.ftl"),
        (
            "el.ftl",
            "code-subjekt = Κωδικός\n",
            "`code-subjekt` is not a message",
        ),
        ("el.ftl", "code-subject = { $kode }\n", "`code-subject`"),
        (
            "greek.ftl",
            "code-subject = x\n",
            "two-letter language code",
        ),
    ];
    for (name, text, expected) in cases {
        let dir = folder(&[(name, text)]);
        let error = Messages::load("Acme", Some(&dir)).unwrap_err().to_string();
        assert!(error.contains(expected), "{text:?}: {error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
    let missing = std::env::temp_dir().join("portal-templates-that-do-not-exist");
    let error = Messages::load("Acme", Some(&missing))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot read the message templates folder"),
        "{error}"
    );
}
