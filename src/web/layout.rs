use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{
    error::PortalError,
    i18n::{tr, tr_message},
};

/// A form post whose server function failed outright comes back to its page with the error in
/// `__err` (see web/error.rs): shown above the page, so the person is never left guessing. Every
/// frame (customer and back office) starts its main column with it.
#[component]
pub fn FailureAlert() -> impl IntoView {
    use_query_map()
        .with_untracked(|query| query.get("__err"))
        .map(|encoded| {
            let message = tr_message(&super::error::from_query(&encoded).to_string());
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
        <nav class="site-nav" aria-label=tr("Main")>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    if signed_in.await.unwrap_or(false) {
                        view! { <A href="/profile">{tr("Profile")}</A> }.into_any()
                    } else {
                        view! {
                            <A href="/register">{tr("Create account")}</A>
                            <A href="/sign-in">{tr("Sign in")}</A>
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
        <leptos_meta::Title text=format!("{} · {}", tr(title), tr("Contacts Portal"))/>
        <header class="site-header">
            <a class="brand" href="/">{tr("Contacts Portal")}</a>
            <SiteNav/>
        </header>
        <main class=if wide { "page wide" } else { "page" } id="main" data-title=title>
            <FailureAlert/>
            {children()}
        </main>
        <footer class="site-footer">
            <p>{tr("Contacts Portal — your details, in your hands.")}</p>
            <LanguageSwitch/>
        </footer>
    }
}

/// What the language switch sends: the language, and the page to go back to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub back: Option<String>,
}

/// Keeps the chosen language in the language cookie and goes back to the page it was chosen
/// on (a path on this site only: anything else goes home). An unknown language changes nothing.
#[server(endpoint = "language")]
pub async fn set_language(#[server(flatten)] choice: LanguageForm) -> Result<(), PortalError> {
    use crate::domain::LanguageCode;
    let chosen = choice
        .language
        .as_deref()
        .and_then(|raw| LanguageCode::from_stored(&raw.trim().to_ascii_uppercase()));
    if let Some(language) = chosen {
        super::ssr::remember_language(language);
    }
    let back = choice.back.unwrap_or_default();
    let local =
        back.starts_with('/') && !back.starts_with("//") && !back.contains(['\\', '\r', '\n']);
    super::ssr::see_other(if local { &back } else { "/" });
    Ok(())
}

/// Buttons for each language the portal is written in, each named in its own language; the one
/// shown is marked. A plain form: it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let shown = super::i18n::page_language();
    view! {
        <form class="language-switch" method="post" action=SetLanguage::url()>
            <input type="hidden" name="back" value=here/>
            <span class="muted">{tr("Language")}": "</span>
            {super::forms::LANGUAGES.iter().map(|(code, name)| {
                let current = shown.as_str() == *code;
                view! {
                    <button
                        type="submit"
                        class="link"
                        name="language"
                        value=*code
                        lang=code.to_ascii_lowercase()
                        aria-pressed=current.to_string()
                    >
                        {*name}
                    </button>
                }
            }).collect_view()}
        </form>
    }
}
