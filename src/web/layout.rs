use leptos::prelude::*;

/// The frame of every page: header with navigation, the main column, a footer.
#[component]
pub fn Page(
    title: &'static str,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
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
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Contacts Portal — your details, in your hands."</p>
        </footer>
    }
}
