//! The customer's pages in the visitor's language: the language switch (a cookie), else the
//! browser's `Accept-Language`, else English; signing in and saving the profile follow the
//! contact's language. Without JavaScript, as every test here.

use reqwest::StatusCode;

use crate::common::{
    browser::{assert_see_other, location, register_form, save_profile, text_by_id, Browser},
    e164, spawn_app, spawn_app_with, unique_phone, TestApp,
};

fn html_lang(html: &str) -> &str {
    let at = html.find("<html lang=\"").expect("<html lang> is set") + 12;
    &html[at..at + html[at..].find('"').unwrap()]
}

fn title(html: &str) -> &str {
    let at = html.find("<title>").expect("a title") + 7;
    &html[at..at + html[at..].find("</title>").unwrap()]
}

async fn switch(browser: &mut Browser<'_>, language: &str, back: &str) -> reqwest::Response {
    browser
        .post_form("/api/language", &[("language", language), ("back", back)])
        .await
}

#[tokio::test]
async fn pages_follow_the_browser_then_the_switch() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let html = browser.get_html("/register").await;
    assert_eq!(html_lang(&html), "en");
    assert_eq!(title(&html), "Create your account · Contacts Portal");

    browser.accept_language = Some("el-CY,el;q=0.9,en;q=0.5");
    let html = browser.get_html("/register").await;
    assert_eq!(html_lang(&html), "el");
    assert_eq!(
        title(&html),
        "Δημιουργήστε τον λογαριασμό σας · Contacts Portal"
    );
    for greek in [
        "Όνομα",
        "Επώνυμο",
        "Αποδέχομαι τους όρους χρήσης",
        "Δημιουργία λογαριασμού",
    ] {
        assert!(html.contains(greek), "{greek} is on the page");
    }
    assert!(!html.contains("First name"), "no English label is left");

    // The switch wins over the browser, on every page, and goes back where it was pressed.
    let response = switch(&mut browser, "EN", "/sign-in").await;
    assert_see_other(&response, "/sign-in");
    assert_eq!(browser.language.as_deref(), Some("EN"));
    let html = browser.get_html("/sign-in").await;
    assert_eq!(html_lang(&html), "en");
    assert!(html.contains(">Sign in</h1>"), "{}", title(&html));
    let response = switch(&mut browser, "el", "/").await;
    assert_see_other(&response, "/");
    assert_eq!(html_lang(&browser.get_html("/").await), "el");
    let agents = browser.get_html("/agent/sign-in").await;
    assert_eq!(
        title(&agents),
        "Σύνδεση στη διαχείριση · Contacts Portal",
        "the back office too"
    );
    let missing = browser.get("/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&missing.text().await.unwrap()), "el");
}

#[tokio::test]
async fn the_switch_goes_back_only_to_this_site_and_keeps_only_offered_languages() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    for back in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "",
    ] {
        let response = switch(&mut browser, "EL", back).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(location(&response), "/", "{back}");
    }
    assert_eq!(browser.language.as_deref(), Some("EL"));
    // A language the pages are not written in, or no language: nothing changes.
    for language in ["FR", "XX", ""] {
        let response = switch(&mut browser, language, "/sign-in").await;
        assert_see_other(&response, "/sign-in");
        assert_eq!(browser.language.as_deref(), Some("EL"), "{language:?}");
    }
    // A cookie written by hand with a language the portal does not offer is ignored.
    browser.language = Some("FR".into());
    assert_eq!(html_lang(&browser.get_html("/").await), "en");
}

/// Registers by phone through the form in `browser`; the form's answer.
async fn register(
    browser: &mut Browser<'_>,
    first_name: &str,
    national: &str,
    language: &str,
) -> reqwest::Response {
    let mut form = register_form(first_name, "Georgiou", national);
    form.push(("language_code", language));
    browser.post_form("/api/register", &form).await
}

#[tokio::test]
async fn a_greek_visitor_reads_errors_in_greek_beside_their_field_with_what_was_typed() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    browser.accept_language = Some("el");
    let response = register(&mut browser, "", "12", "EL").await;
    assert_see_other(&response, "/register");
    let html = browser.get_html("/register").await;
    assert_eq!(
        text_by_id(&html, "first_name-error").as_deref(),
        Some("Το πεδίο «Όνομα» είναι υποχρεωτικό")
    );
    assert_eq!(
        text_by_id(&html, "phone_number-error").as_deref(),
        Some("Πληκτρολογήστε έγκυρο αριθμό τηλεφώνου για τη χώρα που επιλέξατε")
    );
    assert!(html.contains("Διορθώστε τα 2 πεδία που σημειώνονται παρακάτω."));
    assert!(html.contains(r#"value="12""#), "what was typed is kept");
    assert_eq!(app.contact_count().await, 0);
}

async fn signed_up_in<'a>(app: &'a TestApp, language: &str) -> (Browser<'a>, String) {
    let mut browser = Browser::new(app);
    let national = unique_phone();
    let response = register(&mut browser, "Eleni", &national, language).await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
    (browser, national)
}

#[tokio::test]
async fn signing_in_and_saving_the_profile_follow_the_contacts_language() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    // Registered in Greek from an English browser: signed in, the pages are Greek.
    let (mut browser, national) = signed_up_in(&app, "EL").await;
    assert_eq!(browser.language.as_deref(), Some("EL"));
    let html = browser.get_html("/profile").await;
    assert_eq!(html_lang(&html), "el");
    assert!(html.contains("Τα στοιχεία σας"));

    // The profile's language choice changes the contact and the pages at once.
    let response = save_profile(&mut browser, "Eleni", "Georgiou", "EN").await;
    assert_see_other(&response, "/profile");
    let html = browser.get_html("/profile").await;
    assert_eq!(html_lang(&html), "en");
    assert!(html.contains("Saved"), "the notice is in the new language");

    // Another browser (Greek by its settings) signing in to the now English contact is English.
    let mut other = Browser::new(&app);
    other.accept_language = Some("el");
    let response = other
        .post_form(
            "/api/sign-in/code",
            &[
                ("method", "PHONE"),
                ("country_code", "CYP"),
                ("phone_number", &national),
            ],
        )
        .await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    let response = other.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
    assert_eq!(other.language.as_deref(), Some("EN"));
    assert_eq!(html_lang(&other.get_html("/profile").await), "en");
}
