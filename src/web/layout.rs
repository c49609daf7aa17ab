use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A form post whose server function failed outright comes back to its page with the error in
/// `__err` (see web/error.rs): shown above the page, so the person is never left guessing. Every
/// frame (customer and back office) starts its main column with it.
#[component]
pub fn FailureAlert() -> impl IntoView {
    use_query_map()
        .with_untracked(|query| query.get("__err"))
        .map(|encoded| {
            let message = super::error::from_query(&encoded).to_string();
            view! { <div class="alert error" role="alert">{message}</div> }
        })
}

/// The frame of every page: header with navigation, the main column, a footer.
#[component]
pub fn Page(
    title: &'static str,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <leptos_meta::Title text=format!("{title} · Contacts Portal")/>
        <header class="site-header">
            <a class="brand" href="/">"Contacts Portal"</a>
            <nav class="site-nav" aria-label="Main">
                <a href="/register">"Create account"</a>
                <a href="/sign-in">"Sign in"</a>
                <a href="/profile">"Profile"</a>
            </nav>
        </header>
        <main class=if wide { "page wide" } else { "page" } id="main" data-title=title>
            <FailureAlert/>
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Contacts Portal — your details, in your hands."</p>
        </footer>
    }
}
