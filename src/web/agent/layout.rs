use leptos::{prelude::*, server_fn::ServerFn};

/// The back-office frame: its own navigation, wide main column.
#[component]
pub fn AgentPage(#[prop(optional)] is_admin: bool, children: Children) -> impl IntoView {
    view! {
        <leptos_meta::Title text="Back office · Contacts Portal"/>
        <header class="site-header">
            <a class="brand" href="/agent/contacts">"Contacts Portal · Back office"</a>
            <nav class="site-nav" aria-label="Back office">
                <a href="/agent/contacts">"Contacts"</a>
                <a href="/agent/organisations">"Organisations"</a>
                <a href="/agent/deliveries">"Deliveries"</a>
                {is_admin.then(|| view! {
                    <a href="/agent/agents">"Agents"</a>
                    <a href="/agent/api-keys">"API keys"</a>
                    <a href="/agent/audit">"Audit"</a>
                })}
            </nav>
            <form method="post" action=super::sign_in::AgentSignOut::url() class="row">
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
        <main class="page wide" id="main">
            <crate::web::layout::FailureAlert/>
            {children()}
        </main>
    }
}
