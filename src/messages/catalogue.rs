//! One language's templates: the Fluent bundle, built from the shipped file and the operator's.

use std::path::Path;

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource};
use fluent_syntax::ast;

use crate::domain::{Field, LanguageCode};

/// Why the templates could not be used; the server does not start with them.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the message templates folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("message templates, {file}: {detail}")]
    Invalid { file: String, detail: String },
}

fn invalid(file: &str, detail: impl Into<String>) -> TemplateError {
    TemplateError::Invalid {
        file: file.to_owned(),
        detail: detail.into(),
    }
}

pub(super) struct Catalogue {
    language: LanguageCode,
    bundle: FluentBundle<FluentResource>,
    ids: Vec<String>,
}

impl Catalogue {
    /// The message ids (not terms) a template file defines.
    pub fn ids_of(text: &str) -> Vec<String> {
        let resource = match FluentResource::try_new(text.to_owned()) {
            Ok(resource) | Err((resource, _)) => resource,
        };
        message_ids(&resource)
    }

    /// `files` in order, each message of a later one replacing the same message of an earlier
    /// one; every message id must be one of `known` (the portal never asks for any other).
    pub fn build(
        language: LanguageCode,
        files: &[(String, String)],
        known: &[String],
    ) -> Result<Self, TemplateError> {
        let tag = language.as_str().to_ascii_lowercase();
        let langid = tag
            .parse()
            .map_err(|_| invalid(&tag, "not a language the templates can be written in"))?;
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Unicode isolation marks around every variable would reach SMS as stray characters.
        bundle.set_use_isolating(false);
        let mut ids = Vec::new();
        for (file, text) in files {
            let resource = FluentResource::try_new(text.clone()).map_err(|(_, errors)| {
                let detail = errors
                    .iter()
                    .map(|e| format!("{} at line {}", e, line_of(text, e.pos.start)))
                    .collect::<Vec<_>>()
                    .join("; ");
                invalid(file, detail)
            })?;
            for id in message_ids(&resource) {
                if !known.contains(&id) {
                    return Err(invalid(
                        file,
                        format!(
                            "`{id}` is not a message the portal sends (it sends: {})",
                            known.join(", ")
                        ),
                    ));
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            bundle.add_resource_overriding(resource);
        }
        Ok(Self {
            language,
            bundle,
            ids,
        })
    }

    /// `None` when this language has no such message.
    pub fn render(&self, id: &str, args: &FluentArgs<'_>) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(args), &mut errors);
        Some(text.into_owned())
    }

    pub fn check(&self, args: &FluentArgs<'_>) -> Result<(), TemplateError> {
        let file = self.language.as_str().to_ascii_lowercase();
        for id in &self.ids {
            let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
                return Err(invalid(&file, format!("`{id}` has no text")));
            };
            let mut errors = Vec::new();
            self.bundle.format_pattern(pattern, Some(args), &mut errors);
            if let Some(error) = errors.first() {
                return Err(invalid(&file, format!("`{id}`: {error}")));
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub fn ids(&self) -> &[String] {
        &self.ids
    }
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).unwrap_or(text).lines().count().max(1)
}

/// The operator's `<language>.ftl` files (`el.ftl`, `FR.ftl`), sorted by name; other files are
/// left alone (a README, say).
pub(super) fn read_folder(
    folder: &Path,
) -> Result<Vec<(LanguageCode, String, String)>, TemplateError> {
    let unreadable = |source| TemplateError::Folder {
        path: folder.display().to_string(),
        source,
    };
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .map_err(unreadable)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let language = LanguageCode::parse_optional(Field::Stored, Some(stem))
            .ok()
            .flatten()
            .ok_or_else(|| {
                invalid(
                    &name,
                    "the file name must be a two-letter language code, such as el.ftl",
                )
            })?;
        let text = std::fs::read_to_string(&path).map_err(unreadable)?;
        files.push((language, name, text));
    }
    Ok(files)
}
