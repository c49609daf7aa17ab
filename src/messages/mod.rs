//! What the portal's SMS and emails say, in the recipient's language, from Project Fluent
//! templates. English and Greek are compiled in; an operator's folder (`MESSAGE_TEMPLATES_DIR`)
//! holds `<language>.ftl` files whose messages replace the shipped ones with the same id, or add
//! a language, without a rebuild. A message a language lacks is taken from English, so a
//! contact whose language has no templates still gets every message.
//!
//! Templates are checked when the server starts (syntax, ids, variables): a typo in an
//! operator's file stops the start with its name, instead of a code that never arrives.

mod catalogue;

use std::{collections::HashMap, path::Path};

use fluent_bundle::{FluentArgs, FluentValue};

use crate::{
    delivery::{Channel, OtpMessage},
    domain::{Identity, LanguageCode, Purpose},
};
use catalogue::Catalogue;
pub use catalogue::TemplateError;

/// The templates compiled into the binary, English first (the fallback).
const SHIPPED: &[(LanguageCode, &str)] = &[
    (LanguageCode::ENGLISH, include_str!("en.ftl")),
    (LanguageCode::GREEK, include_str!("el.ftl")),
];

/// A code's message, before it is put into words.
pub struct CodeText<'a> {
    pub purpose: Purpose,
    pub code: &'a str,
    /// How long the code stays valid.
    pub minutes: u64,
    /// An added identity's code names it (masked).
    pub target: &'a str,
    /// A reset code's message also carries the reset token.
    pub reset_token: Option<&'a str>,
}

/// A message with no code: it tells someone what was done (or tried) with their email or phone.
pub enum Notice<'a> {
    /// Someone tried to add this identity, which is someone else's, to their own account.
    IdentityTaken { kind: IdentityKind },
    /// `what` (masked) was added to the account.
    IdentityAdded { what: &'a str },
    /// A password was set for signing in with `what` (masked).
    PasswordAdded { what: &'a str },
    /// `what` (masked; `None`: a Facebook account) was removed from the account.
    IdentityRemoved { what: Option<&'a str> },
}

#[derive(Clone, Copy)]
pub enum IdentityKind {
    Email,
    Phone,
}

impl IdentityKind {
    pub fn of(identity: &Identity) -> Self {
        match identity {
            Identity::Email(_) => IdentityKind::Email,
            Identity::Phone(_) => IdentityKind::Phone,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone",
        }
    }
}

/// Every template, by language, and the business name they speak for.
pub struct Messages {
    business: String,
    catalogues: HashMap<LanguageCode, Catalogue>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut languages: Vec<_> = self.catalogues.keys().map(LanguageCode::as_str).collect();
        languages.sort_unstable();
        f.debug_struct("Messages")
            .field("business", &self.business)
            .field("languages", &languages)
            .finish()
    }
}

impl Messages {
    /// The shipped templates, with an operator's folder over them when one is set.
    pub fn load(business: &str, overrides: Option<&Path>) -> Result<Self, TemplateError> {
        let mut sources: HashMap<LanguageCode, Vec<(String, String)>> = HashMap::new();
        for (language, text) in SHIPPED {
            let name = format!("{} (shipped)", language.as_str().to_ascii_lowercase());
            sources
                .entry(*language)
                .or_default()
                .push((name, (*text).to_owned()));
        }
        if let Some(folder) = overrides {
            for (language, name, text) in catalogue::read_folder(folder)? {
                sources.entry(language).or_default().push((name, text));
            }
        }
        let english_ids = Catalogue::ids_of(SHIPPED[0].1);
        let mut catalogues = HashMap::new();
        for (language, files) in sources {
            let catalogue = Catalogue::build(language, &files, &english_ids)?;
            catalogues.insert(language, catalogue);
        }
        let messages = Self {
            business: business.to_owned(),
            catalogues,
        };
        messages.check_every_message_renders()?;
        Ok(messages)
    }

    /// The languages messages are written in (shipped or added by the operator).
    pub fn languages(&self) -> Vec<LanguageCode> {
        let mut languages: Vec<_> = self.catalogues.keys().copied().collect();
        languages.sort_unstable_by_key(|l| l.as_str().to_owned());
        languages
    }

    /// The message that carries a code to `to`.
    pub fn code(&self, language: LanguageCode, to: &Identity, text: &CodeText<'_>) -> OtpMessage {
        let mut args = self.args();
        args.set("code", text.code);
        args.set("minutes", FluentValue::from(text.minutes));
        args.set("target", text.target);
        let intro = self.say(language, "code-intro", &args);
        let mut sentences = vec![
            self.say(language, purpose_id(text.purpose), &args),
            self.say(language, "code-validity", &args),
        ];
        if let Some(token) = text.reset_token {
            args.set("token", token);
            sentences.push(self.say(language, "code-reset-token", &args));
        }
        let rest = sentences.join(" ");
        let html = format!(
            "<p>{}</p>\
             <p style=\"font-size:2em;letter-spacing:0.2em;font-family:monospace\"><strong>{}</strong></p>\
             {}",
            escape(&intro),
            escape(text.code),
            sentences
                .iter()
                .map(|s| format!("<p>{}</p>", escape(s)))
                .collect::<String>()
        );
        OtpMessage {
            channel: to.channel(),
            to: to.value().to_owned(),
            code: Some(text.code.to_owned()),
            subject: self.say(language, "code-subject", &args),
            // The word for "code" and the digits together let phones offer to fill it in.
            body: format!("{intro} {}. {rest}", text.code),
            html: Some(self.html_page(language, &html)),
        }
    }

    /// A notice (no code) to `channel` / `to`.
    pub fn notice(
        &self,
        language: LanguageCode,
        channel: Channel,
        to: &str,
        notice: &Notice<'_>,
    ) -> OtpMessage {
        let mut args = self.args();
        let id = match notice {
            Notice::IdentityTaken { kind } => {
                args.set("kind", kind.as_str());
                "notice-identity-taken"
            }
            Notice::IdentityAdded { what } => {
                args.set("what", *what);
                "notice-identity-added"
            }
            Notice::PasswordAdded { what } => {
                args.set("what", *what);
                "notice-password-added"
            }
            Notice::IdentityRemoved { what } => {
                args.set("kind", if what.is_some() { "other" } else { "facebook" });
                args.set("what", what.unwrap_or_default());
                "notice-identity-removed"
            }
        };
        let subject_id = match notice {
            Notice::IdentityTaken { .. } => "notice-identity-taken-subject",
            Notice::IdentityAdded { .. } | Notice::PasswordAdded { .. } => {
                "notice-identity-added-subject"
            }
            Notice::IdentityRemoved { .. } => "notice-identity-removed-subject",
        };
        let text = self.say(language, id, &args);
        OtpMessage {
            channel,
            to: to.to_owned(),
            code: None,
            subject: self.say(language, subject_id, &args),
            body: format!("{}: {text}", self.business),
            html: Some(self.html_page(language, &format!("<p>{}</p>", escape(&text)))),
        }
    }

    fn args(&self) -> FluentArgs<'static> {
        let mut args = FluentArgs::new();
        args.set("business", self.business.clone());
        args
    }

    /// The message `id` in `language`, else in English.
    fn say(&self, language: LanguageCode, id: &str, args: &FluentArgs<'_>) -> String {
        [language, LanguageCode::ENGLISH]
            .iter()
            .filter_map(|l| self.catalogues.get(l))
            .find_map(|c| c.render(id, args))
            // Every id the portal asks for is in the English templates (a unit test holds it),
            // and `load` rendered every one of them.
            .unwrap_or_else(|| id.to_owned())
    }

    fn html_page(&self, language: LanguageCode, content: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"{}\"><body style=\"font-family:system-ui,sans-serif\">\
             <p style=\"color:#555\"><strong>{}</strong></p>{content}</body></html>",
            language.as_str().to_ascii_lowercase(),
            escape(&self.business)
        )
    }

    /// Renders every message of every language with every variable set: a template that names
    /// a variable the portal never passes, or breaks in any other way, fails here.
    fn check_every_message_renders(&self) -> Result<(), TemplateError> {
        let mut args = self.args();
        args.set("code", "123456");
        args.set("minutes", FluentValue::from(10));
        args.set("target", "a***@example.com");
        args.set("token", "token");
        args.set("what", "a***@example.com");
        for kind in ["email", "phone", "facebook", "other"] {
            args.set("kind", kind);
            for catalogue in self.catalogues.values() {
                catalogue.check(&args)?;
            }
        }
        Ok(())
    }
}

fn purpose_id(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Register => "code-for-register",
        Purpose::SignIn => "code-for-sign-in",
        Purpose::Claim => "code-for-claim",
        Purpose::AddIdentity => "code-for-add-identity",
        Purpose::LinkFacebook => "code-for-link-facebook",
        Purpose::ResetPassword => "code-for-reset-password",
    }
}

/// Text for HTML (an email's body and attributes).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
