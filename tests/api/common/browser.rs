//! A browser without JavaScript, by hand: GET a page, POST its form, follow the 303 by hand,
//! carry the session cookie by hand.

use reqwest::{header, redirect::Policy, Response, StatusCode};

use super::TestApp;

pub const SESSION_COOKIE: &str = "portal_session";
pub const LANGUAGE_COOKIE: &str = "portal_lang";

/// A cookie-keeping, non-redirect-following client for one person.
pub struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub session: Option<String>,
    /// Sent as `Accept-Language` with every request, when set.
    pub accept_language: Option<&'static str>,
    /// The language the portal was asked to keep (its cookie).
    pub language: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: super::client_builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            session: None,
            accept_language: None,
            language: None,
        }
    }

    fn keep_cookie(&mut self, response: &Response) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let Some(pair) = value.split(';').next() else {
                continue;
            };
            let Some((name, content)) = pair.trim().split_once('=') else {
                continue;
            };
            let expired = value.to_ascii_lowercase().contains("max-age=0");
            let kept = (!content.is_empty() && !expired).then(|| content.to_owned());
            match name {
                SESSION_COOKIE => self.session = kept,
                LANGUAGE_COOKIE => self.language = kept,
                _ => {}
            }
        }
    }

    fn with_cookie(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(languages) = self.accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, languages);
        }
        let cookies: Vec<String> = [
            self.session
                .as_ref()
                .map(|id| format!("{SESSION_COOKIE}={id}")),
            self.language
                .as_ref()
                .map(|l| format!("{LANGUAGE_COOKIE}={l}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if cookies.is_empty() {
            request
        } else {
            request.header(header::COOKIE, cookies.join("; "))
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let request = self
            .client
            .get(self.app.url(path))
            .header(header::ACCEPT, "text/html");
        let response = self.with_cookie(request).send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    pub async fn get_html(&mut self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let request = self
            .client
            .post(self.app.url(path))
            .header(header::ACCEPT, "text/html")
            .form(form);
        let response = self.with_cookie(request).send().await.unwrap();
        self.keep_cookie(&response);
        response
    }
}

/// The registration form, by phone in Cyprus, terms accepted.
pub fn register_form<'a>(
    first: &'a str,
    last: &'a str,
    national: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", ""),
        ("first_name", first),
        ("last_name", last),
        ("method", "PHONE"),
        ("country_code", "CYP"),
        ("phone_number", national),
        ("email", ""),
        ("password", ""),
        ("terms", "on"),
    ]
}

/// Saves the profile form with these names and language (`/profile`'s "Save").
pub async fn save_profile(
    browser: &mut Browser<'_>,
    first: &str,
    last: &str,
    language: &str,
) -> Response {
    browser
        .post_form(
            "/api/profile/save",
            &[
                ("title", ""),
                ("first_name", first),
                ("last_name", last),
                ("language_code", language),
            ],
        )
        .await
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn assert_see_other(response: &Response, to: &str) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response), to);
}

/// The text of an HTML page with tags and Leptos' hydration comments stripped, so that phrases
/// can be searched whatever markup sits between their words.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An agent with `role` (`admin` or `agent`), made as the command line makes one, signed in
/// through `/agent/sign-in`: a browser holding an agent session.
pub async fn signed_in_agent<'a>(app: &'a TestApp, email: &str, role: &str) -> Browser<'a> {
    let password = "Agent-Passw0rd-long";
    app.core
        .create_agent(
            &portal::services::Actor::System,
            email,
            role,
            password.into(),
        )
        .await
        .expect("an agent");
    let mut browser = Browser::new(app);
    let response = browser
        .post_form(
            "/api/agent/sign-in",
            &[("email", email), ("password", password)],
        )
        .await;
    assert_see_other(&response, "/agent/contacts");
    browser
}

/// A form control (`input`, `select`, `textarea`) or button of a page, with what a person (or a
/// screen reader) knows it by.
#[derive(Clone, Debug, PartialEq)]
pub struct Control {
    pub tag: String,
    pub attrs: Vec<(String, String)>,
    /// The texts of the labels bound to it (`<label for=its id>`, or a label around it).
    pub labels: Vec<String>,
    /// The legend of the fieldset it is in.
    pub group: Option<String>,
    /// Buttons: their text. Others: empty.
    pub text: String,
    /// The `action` of the form it is in.
    pub form_action: Option<String>,
}

impl Control {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Where pressing this button posts: its `formaction`, else its form's `action`.
    pub fn posts_to(&self) -> Option<&str> {
        self.attr("formaction").or(self.form_action.as_deref())
    }
}

enum Node {
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A small HTML tokenizer, enough for the well-formed markup the server renders.
fn nodes(html: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push(Node::Text(unescape(rest)));
            break;
        };
        if lt > 0 {
            out.push(Node::Text(unescape(&rest[..lt])));
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(gt) = tag_end(rest) else { break };
        let inside = &rest[1..gt];
        rest = &rest[gt + 1..];
        if inside.starts_with('!') {
            continue;
        }
        if let Some(name) = inside.strip_prefix('/') {
            out.push(Node::Close(name.trim().to_ascii_lowercase()));
            continue;
        }
        let inside = inside.trim_end_matches('/');
        let name_end = inside
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inside.len());
        let name = inside[..name_end].to_ascii_lowercase();
        out.push(Node::Open(name.clone(), attributes(&inside[name_end..])));
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |at| &rest[at..]);
        }
    }
    out
}

/// The index of the `>` that ends the tag `text` starts with (quotes may hold a `>`).
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return attrs;
        }
        let name_end = text
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(text.len());
        let name = text[..name_end].to_ascii_lowercase();
        text = text[name_end..].trim_start();
        let value = match text.strip_prefix('=') {
            Some(after) => {
                let after = after.trim_start();
                match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                        let value = &after[1..end.min(after.len())];
                        text = after.get(end + 1..).unwrap_or("");
                        value
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        text = &after[end..];
                        &after[..end]
                    }
                }
            }
            None => "",
        };
        attrs.push((name, unescape(value)));
    }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every form control and button of a page, each with its labels, fieldset legend and form.
pub fn controls(html: &str) -> Vec<Control> {
    struct Label {
        target: Option<String>,
        text: String,
        wrapped: Vec<usize>,
    }
    let mut found: Vec<Control> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let mut open_label: Option<Label> = None;
    let mut form_action: Option<String> = None;
    let mut legend: Option<String> = None;
    let mut in_legend = false;
    let mut button: Option<usize> = None;
    for node in nodes(html) {
        match node {
            Node::Open(name, attrs) => match name.as_str() {
                "form" => {
                    form_action = attrs
                        .iter()
                        .find(|(n, _)| n == "action")
                        .map(|(_, v)| v.clone())
                }
                "fieldset" => legend = None,
                "legend" => {
                    legend = Some(String::new());
                    in_legend = true;
                }
                "label" => {
                    open_label = Some(Label {
                        target: attrs
                            .iter()
                            .find(|(n, _)| n == "for")
                            .map(|(_, v)| v.clone()),
                        text: String::new(),
                        wrapped: Vec::new(),
                    })
                }
                "input" | "select" | "textarea" | "button" => {
                    if let Some(label) = open_label.as_mut() {
                        label.wrapped.push(found.len());
                    }
                    if name == "button" {
                        button = Some(found.len());
                    }
                    found.push(Control {
                        tag: name,
                        attrs,
                        labels: Vec::new(),
                        group: legend.clone(),
                        text: String::new(),
                        form_action: form_action.clone(),
                    });
                }
                _ => {}
            },
            Node::Close(name) => match name.as_str() {
                "form" => form_action = None,
                "fieldset" => legend = None,
                "legend" => in_legend = false,
                "label" => labels.extend(open_label.take()),
                "button" => button = None,
                _ => {}
            },
            Node::Text(text) => {
                if let Some(label) = open_label.as_mut() {
                    label.text.push_str(&text);
                }
                if in_legend {
                    if let Some(l) = legend.as_mut() {
                        l.push_str(&text);
                    }
                }
                if let Some(i) = button {
                    found[i].text.push_str(&text);
                }
            }
        }
    }
    for control in &mut found {
        control.text = squash(&control.text);
        control.group = control.group.as_deref().map(squash);
    }
    for label in labels {
        let text = squash(&label.text);
        let bound: Vec<usize> = match &label.target {
            Some(id) => (0..found.len())
                .filter(|&i| found[i].attr("id") == Some(id.as_str()))
                .collect(),
            None => label.wrapped.clone(),
        };
        for i in bound {
            found[i].labels.push(text.clone());
        }
    }
    found
}

/// The controls a person finds by the label `text` (exactly), checked to be bound for real: a
/// `<label for>` naming the control's `id`, or a label around it.
pub fn labelled<'c>(controls: &'c [Control], text: &str) -> Vec<&'c Control> {
    controls
        .iter()
        .filter(|c| c.labels.iter().any(|l| l == text))
        .collect()
}

/// The one control labelled `text`, which must be named `name` (panics with the page's
/// controls otherwise).
pub fn field<'c>(controls: &'c [Control], text: &str, name: &str) -> &'c Control {
    let found = labelled(controls, text);
    assert_eq!(
        found.len(),
        1,
        "one control labelled {text:?}, found {found:?} among {controls:#?}"
    );
    assert_eq!(
        found[0].attr("name"),
        Some(name),
        "{text:?}: {:?}",
        found[0]
    );
    found[0]
}

/// The one button reading `text`, which must post to `action`.
pub fn button<'c>(controls: &'c [Control], text: &str, action: &str) -> &'c Control {
    let found: Vec<&Control> = controls
        .iter()
        .filter(|c| c.tag == "button" && c.text == text)
        .collect();
    assert_eq!(found.len(), 1, "one button {text:?}: {controls:#?}");
    assert_eq!(
        found[0].posts_to(),
        Some(action),
        "{text:?}: {:?}",
        found[0]
    );
    found[0]
}

/// The text of the element whose `id` is `id` (its first text, enough for a hint or an error).
pub fn text_by_id(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!(r#"id="{id}""#))?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some(squash(&unescape(&html[start..end])))
}
