use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::tr;

/// The back-office frame: its own navigation, wide main column.
#[component]
pub fn AgentPage(#[prop(optional)] is_admin: bool, children: Children) -> impl IntoView {
    view! {
        <leptos_meta::Title text=format!("{} · {}", tr("Back office"), tr("Contacts Portal"))/>
        <header class="site-header">
            <a class="brand" href="/agent/contacts">{tr("Contacts Portal · Back office")}</a>
            <nav class="site-nav" aria-label=tr("Back office")>
                <a href="/agent/contacts">{tr("Contacts")}</a>
                <a href="/agent/organisations">{tr("Organisations")}</a>
                <a href="/agent/deliveries">{tr("Deliveries")}</a>
                {is_admin.then(|| view! {
                    <a href="/agent/agents">{tr("Agents")}</a>
                    <a href="/agent/api-keys">{tr("API keys")}</a>
                    <a href="/agent/audit">{tr("Audit")}</a>
                })}
            </nav>
            <form method="post" action=super::sign_in::AgentSignOut::url() class="row">
                <button type="submit" class="link">{tr("Sign out")}</button>
            </form>
        </header>
        <main class="page wide" id="main">
            <crate::web::layout::FailureAlert/>
            {children()}
        </main>
    }
}
