//! Development only (absent in production): what the outbox delivery "sent".

use axum::{extract::State, response::Html, routing::get, Json, Router};

use super::{
    html::{escape, page as html_page},
    problem::ApiResult,
};
use crate::{delivery::outbox::OutboxMessage, services::Core};

pub fn router(core: Core) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/outbox", get(outbox))
        .with_state(core)
}

/// The outbox for people: the newest messages in a table.
async fn page(State(core): State<Core>) -> ApiResult<Html<String>> {
    let Json(messages) = outbox(State(core)).await?;
    let rows: String = messages
        .iter()
        .take(200)
        .map(|m| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&m.created_at),
                escape(&m.channel),
                escape(&m.to),
                escape(m.code.as_deref().unwrap_or("(notice)")),
                escape(&m.body)
            )
        })
        .collect();
    let body = if messages.is_empty() {
        "<div class=\"empty\"><p>No messages yet. Register or ask for a code, then reload.</p></div>".to_owned()
    } else {
        format!(
            "<div class=\"table-wrap\"><table class=\"table\"><thead><tr><th>Sent</th><th>Channel</th><th>To</th>\
             <th>Code</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
    };
    Ok(Html(html_page(
        "Outbox (development)",
        &format!(
            "<h1>Outbox</h1><p class=\"lead\">Development only: the codes the portal would have sent, \
             newest first. JSON at <a href=\"/dev/outbox\">/dev/outbox</a>.</p>{body}"
        ),
    )))
}

/// The last 1,000 messages, newest first.
async fn outbox(State(core): State<Core>) -> ApiResult<Json<Vec<OutboxMessage>>> {
    Ok(Json(core.dev_outbox(1000).await?))
}
