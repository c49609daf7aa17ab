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

/// Whether this browser is signed in as a customer (what the header offers).
#[server(endpoint = "page/header")]
pub async fn signed_in_header() -> Result<bool, super::error::PortalError> {
    let session = super::ssr::session().await?;
    Ok(super::ssr::signed_in_contact(&session).await?.is_some())
}

/// The customer's navigation: signed out, how to get in; signed in, their profile. The link of
/// the page shown is marked (`aria-current`, by the router's `A`).
#[component]
fn SiteNav() -> impl IntoView {
    use leptos_router::components::A;
    let signed_in = Resource::new_blocking(|| (), |_| signed_in_header());
    view! {
        <nav class="site-nav" aria-label="Main">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    if signed_in.await.unwrap_or(false) {
                        view! { <A href="/profile">"Profile"</A> }.into_any()
                    } else {
                        view! {
                            <A href="/register">"Create account"</A>
                            <A href="/sign-in">"Sign in"</A>
                        }
                        .into_any()
                    }
                })}
            </Suspense>
        </nav>
    }
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
            <SiteNav/>
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
