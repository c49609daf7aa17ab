use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The frame of every page: header with navigation, the main column, a footer. A form post whose
/// server function failed outright comes back here with the error in `__err` (see
/// web/error.rs); it is shown above the page, so the person is never left guessing.
#[component]
pub fn Page(
    title: &'static str,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let failure = use_query_map()
        .with_untracked(|query| query.get("__err"))
        .map(|encoded| super::error::from_query(&encoded).to_string());
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Contacts Portal"</a>
            <nav class="site-nav" aria-label="Main">
                <a href="/register">"Create account"</a>
                <a href="/sign-in">"Sign in"</a>
                <a href="/profile">"Profile"</a>
            </nav>
        </header>
        <main class=if wide { "page wide" } else { "page" } id="main" data-title=title>
            {failure.map(|message| view! { <div class="alert error" role="alert">{message}</div> })}
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Contacts Portal — your details, in your hands."</p>
        </footer>
    }
}
