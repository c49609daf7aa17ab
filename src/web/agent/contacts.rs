//! `/agent/contacts`: search and a paged table of contacts; **New contact**.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::layout::AgentPage;
use crate::views::ContactPage;
use crate::web::error::PortalError;
use crate::web::i18n::{tr, tr_message, tr_with};

pub const PAGE_SIZE: i64 = 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactsState {
    pub is_admin: bool,
    pub search: String,
    pub page: ContactPage,
}

#[server(endpoint = "page/agent-contacts")]
pub async fn agent_contacts_page(
    search: Option<String>,
    page: Option<String>,
) -> Result<Option<ContactsState>, PortalError> {
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(None);
    };
    let page = page.and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1);
    let search = search.unwrap_or_default();
    let found = ssr::core()?
        .search_contacts(
            Some(search.as_str()).filter(|s| !s.trim().is_empty()),
            page,
            PAGE_SIZE,
        )
        .await?;
    Ok(Some(ContactsState {
        is_admin: agent.is_admin(),
        search,
        page: found,
    }))
}

fn page_link(search: &str, page: i64) -> String {
    let mut url = format!("/agent/contacts?page={page}");
    if !search.is_empty() {
        url.push_str("&search=");
        url.push_str(&urlencode(search));
    }
    url
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[component]
pub fn AgentContactsPage() -> impl IntoView {
    let query = use_query_map();
    let state = Resource::new_blocking(
        move || query.with(|q| (q.get("search"), q.get("page"))),
        |(search, page)| agent_contacts_page(search, page),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some(s)) => view! { <ContactsView state=s/> }.into_any(),
                    Ok(None) => view! { <p><a href="/agent/sign-in">{tr("Sign in")}</a></p> }.into_any(),
                    Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContactsView(state: ContactsState) -> impl IntoView {
    let ContactsState {
        is_admin,
        search,
        page,
    } = state;
    let paging = page.paging.clone();
    let empty = page.content.is_empty();
    let searching = !search.trim().is_empty();
    let last_page = ((paging.total + paging.size - 1) / paging.size).max(1);
    let prev = (paging.page > 1).then(|| page_link(&search, paging.page - 1));
    let next = paging.has_more.then(|| page_link(&search, paging.page + 1));
    let total = crate::web::format::readable_count(paging.total, crate::web::i18n::page_language());
    let summary = match (searching, paging.total == 1) {
        (true, true) => tr_with("1 contact matches “{search}”.", &[("search", &search)]),
        (true, false) => tr_with(
            "{count} contacts match “{search}”.",
            &[("count", &total), ("search", &search)],
        ),
        (false, true) => tr("1 contact in all."),
        (false, false) => tr_with("{count} contacts in all.", &[("count", &total)]),
    };
    let rows = page
        .content
        .into_iter()
        .map(|c| {
            let href = format!("/agent/contacts/{}", urlencode(&c.id));
            let name = c.display_name();
            let kind = if c.contact_type == crate::domain::ContactType::Company {
                tr("Company")
            } else {
                tr("Person")
            };
            view! {
                <tr>
                    <td><a href=href>{name}</a></td>
                    <td>{kind}</td>
                    <td><code>{c.code}</code></td>
                    <td>{c.email.unwrap_or_default()}</td>
                    <td>{c.phone.as_deref().map(crate::web::format::readable_phone).unwrap_or_default()}</td>
                    <td>{if c.is_verified { tr("Yes") } else { tr("No") }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AgentPage is_admin>
            <h1>{tr("Contacts")}</h1>
            <div class="toolbar">
                <form method="get" action="/agent/contacts" class="row" role="search">
                    <div class="field">
                        <label for="search">{tr("Search")}</label>
                        <input type="search" id="search" name="search" value=search.clone() placeholder=tr("Name, company, email, phone, code or ID")/>
                    </div>
                    <button type="submit" class="btn">{tr("Search")}</button>
                </form>
                <a class="btn" href="/agent/contacts/new">{tr("New contact")}</a>
            </div>
            {if empty && !searching {
                view! { <div class="empty"><p>{tr("No contacts yet.")}</p><p>{tr("Create the first one with ")} <a href="/agent/contacts/new">{tr("New contact")}</a>"."</p></div> }.into_any()
            } else if empty {
                view! { <div class="empty"><p>{tr_with("No contact matches “{search}”.", &[("search", &search)])}</p><p>{tr("Check the spelling, or search by code, email, phone or ID. ")} <a href="/agent/contacts">{tr("Show all contacts")}</a></p></div> }.into_any()
            } else {
                view! {
                    <p class="muted">{summary}</p>
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr><th scope="col">{tr("Name")}</th><th scope="col">{tr("Type")}</th><th scope="col">{tr("Code")}</th><th scope="col">{tr("Email")}</th><th scope="col">{tr("Phone")}</th><th scope="col">{tr("Verified")}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <nav class="pager" aria-label=tr("Pages")>
                        {prev.map(|href| view! { <a href=href rel="prev">{tr("Previous")}</a> })}
                        <span class="current">{tr_with("Page {page} of {pages}", &[("page", &paging.page.to_string()), ("pages", &last_page.to_string())])}</span>
                        {next.map(|href| view! { <a href=href rel="next">{tr("Next")}</a> })}
                    </nav>
                }.into_any()
            }}
        </AgentPage>
    }
}
