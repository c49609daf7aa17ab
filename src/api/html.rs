//! The few pages the API serves itself (the outbox, the API reference) are plain HTML strings.

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole page in the portal's style.
pub fn page(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"page wide\">\
         {main}</main></body></html>",
        escape(title),
        crate::web::assets::url(crate::web::assets::STYLESHEET)
    )
}
