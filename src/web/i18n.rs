//! The portal's pages in the visitor's language. As in gettext, the English text is the key: a
//! page writes `tr("Sign in")` (components translate their labels themselves), and the Greek
//! catalogue `locales/el.po` (gettext's PO format, which translators' tools edit) says it in
//! Greek. Text without a translation shows in English; a unit test fails while any text of the
//! customer's pages has none.
//!
//! The language: the `portal_lang` cookie (the switch at the foot of every page sets it, and
//! signing in or saving the profile sets it to the contact's language), else the browser's
//! `Accept-Language`, else English.

use std::{collections::HashMap, sync::OnceLock};

use crate::domain::LanguageCode;

/// The cookie that keeps the visitor's choice.
pub const LANGUAGE_COOKIE: &str = "portal_lang";

/// The `Set-Cookie` value that keeps `language` for a year (`None`: the pages are not written
/// in it).
pub fn language_cookie(language: LanguageCode) -> Option<String> {
    language.offered().then(|| {
        format!(
            "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            language.as_str()
        )
    })
}

/// The language this page is rendered in (in the request's context).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLanguage(pub LanguageCode);

/// The page's language (English outside a request).
pub fn page_language() -> LanguageCode {
    leptos::prelude::use_context::<PageLanguage>()
        .map(|l| l.0)
        .unwrap_or(LanguageCode::ENGLISH)
}

/// `english` in the page's language.
pub fn tr(english: &str) -> String {
    translate(page_language(), english).to_owned()
}

/// `english` in the page's language, then each `{name}` replaced by its value.
pub fn tr_with(english: &str, args: &[(&str, &str)]) -> String {
    later_with(&tr(english), args)
}

/// Text made now and shown later (a notice a server function leaves for the next page): in
/// English, marked for the catalogue, and put into the page's language when it is shown
/// (`tr_message`).
pub fn later(english: &str) -> String {
    english.to_owned()
}

/// `later` with `{name}` values filled in; `tr_message` finds the entry by its shape.
pub fn later_with(english: &str, args: &[(&str, &str)]) -> String {
    let mut text = english.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A message made on the server (a field's error, a notice) in the page's language: its exact
/// text, else an entry with `{placeholders}` it matches, whose values are translated in turn
/// ("{label} is required" with "First name").
pub fn tr_message(english: &str) -> String {
    translate_message(page_language(), english)
}

pub fn translate_message(language: LanguageCode, english: &str) -> String {
    let Some(catalogue) = catalogue(language) else {
        return english.to_owned();
    };
    if let Some(exact) = catalogue.get(english) {
        return exact.clone();
    }
    let mut patterns: Vec<_> = catalogue
        .iter()
        .filter(|(id, _)| id.contains('{'))
        .collect();
    // The most specific pattern (the most literal text) wins.
    patterns.sort_by_key(|(id, _)| std::cmp::Reverse(literal_len(id)));
    for (pattern, translated) in patterns {
        if let Some(values) = match_pattern(pattern, english) {
            let mut text = translated.clone();
            for (name, value) in values {
                // A value may be a message itself ("Too many attempts. {wait}"); it is shorter.
                text = text.replace(&format!("{{{name}}}"), &translate_message(language, &value));
            }
            return text;
        }
    }
    english.to_owned()
}

fn literal_len(pattern: &str) -> usize {
    pieces(pattern)
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            Piece::Slot(_) => 0,
        })
        .sum()
}

enum Piece<'a> {
    Text(&'a str),
    Slot(&'a str),
}

fn pieces(pattern: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Slot(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The values of `pattern`'s slots in `text`, when the text has the pattern's shape (each slot
/// takes at least one character, up to the next literal text).
fn match_pattern(pattern: &str, text: &str) -> Option<Vec<(String, String)>> {
    let pieces = pieces(pattern);
    let mut values = Vec::new();
    let mut rest = text;
    let mut i = 0;
    while i < pieces.len() {
        match pieces[i] {
            Piece::Text(literal) => rest = rest.strip_prefix(literal)?,
            Piece::Slot(name) => {
                let value = match pieces.get(i + 1) {
                    Some(Piece::Text(next)) => {
                        let end = rest.get(1..)?.find(next)? + 1;
                        let value = &rest[..end];
                        rest = &rest[end..];
                        value
                    }
                    // Two slots side by side cannot be told apart.
                    Some(Piece::Slot(_)) => return None,
                    None => std::mem::take(&mut rest),
                };
                if value.is_empty() {
                    return None;
                }
                values.push((name.to_owned(), value.to_owned()));
            }
        }
        i += 1;
    }
    rest.is_empty().then_some(values)
}

pub fn translate(language: LanguageCode, english: &str) -> &str {
    catalogue(language)
        .and_then(|c| c.get(english))
        .map(String::as_str)
        .unwrap_or(english)
}

/// The pages' catalogues, by language (English is the text itself). A language added here is
/// also listed in `domain::language::OFFERED` and `web::forms::LANGUAGES`.
const CATALOGUES: &[(LanguageCode, &str)] = &[(LanguageCode::GREEK, include_str!("locales/el.po"))];

fn catalogue(language: LanguageCode) -> Option<&'static HashMap<String, String>> {
    static PARSED: OnceLock<HashMap<LanguageCode, HashMap<String, String>>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            CATALOGUES
                .iter()
                .map(|(language, text)| {
                    // A broken catalogue is caught by the unit tests; its pages then show English.
                    let entries = parse_po(text).unwrap_or_default();
                    (*language, entries.into_iter().collect())
                })
                .collect()
        })
        .get(&language)
}

/// The (msgid, msgstr) pairs of a PO file: comments, `msgctxt` and plural forms are not used
/// here; an entry with an empty `msgstr` is untranslated and left out.
pub fn parse_po(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut entries = Vec::new();
    let mut id: Option<String> = None;
    let mut value: Option<String> = None;
    let mut finish = |id: &mut Option<String>, value: &mut Option<String>| {
        if let (Some(i), Some(v)) = (id.take(), value.take()) {
            if !i.is_empty() && !v.is_empty() {
                entries.push((i, v));
            }
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        let at = |why: &str| format!("line {}: {why}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("msgid ") {
            finish(&mut id, &mut value);
            id = Some(unquote(rest).ok_or_else(|| at("msgid needs a quoted string"))?);
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            if id.is_none() || value.is_some() {
                return Err(at("msgstr without its msgid"));
            }
            value = Some(unquote(rest).ok_or_else(|| at("msgstr needs a quoted string"))?);
        } else if line.starts_with('"') {
            let more = unquote(line).ok_or_else(|| at("a continuation must be a quoted string"))?;
            match (&mut id, &mut value) {
                (_, Some(v)) => v.push_str(&more),
                (Some(i), None) => i.push_str(&more),
                (None, None) => return Err(at("a string outside an entry")),
            }
        } else {
            return Err(at("expected msgid, msgstr, a quoted string or a comment"));
        }
    }
    finish(&mut id, &mut value);
    Ok(entries)
}

fn unquote(raw: &str) -> Option<String> {
    let inner = raw.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
