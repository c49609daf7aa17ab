use leptos::prelude::*;

use crate::web::i18n::tr;

use super::layout::Page;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Page title="Contacts Portal">
            <h1>{tr("Welcome")}</h1>
            <p class="lead">{tr("Create an account or sign in with a one-time code sent to your phone or email.")}</p>
            <div class="actions">
                <a class="btn" href="/register">{tr("Create account")}</a>
                <a class="btn secondary" href="/sign-in">{tr("Sign in")}</a>
            </div>
        </Page>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Page title="Not found">
            <h1>{tr("Page not found")}</h1>
            <p class="lead">{tr("There is nothing at this address. ")} <a href="/">{tr("Go to the start page")}</a></p>
        </Page>
    }
}
