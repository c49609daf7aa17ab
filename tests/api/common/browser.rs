//! A browser without JavaScript, by hand: GET a page, POST its form, follow the 303 by hand,
//! carry the session cookie by hand.

use reqwest::{header, redirect::Policy, Response, StatusCode};

use super::TestApp;

pub const SESSION_COOKIE: &str = "portal_session";

/// A cookie-keeping, non-redirect-following client for one person.
pub struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub session: Option<String>,
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
            if name != SESSION_COOKIE {
                continue;
            }
            let expired = value.to_ascii_lowercase().contains("max-age=0");
            self.session = (!content.is_empty() && !expired).then(|| content.to_owned());
        }
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.session {
            Some(id) => request.header(header::COOKIE, format!("{SESSION_COOKIE}={id}")),
            None => request,
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
