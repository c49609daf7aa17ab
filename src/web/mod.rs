//! The portal: server-rendered Leptos pages whose forms post to server functions. Every page
//! works without JavaScript; no WebAssembly is built or needed.

pub mod agent;
pub mod assets;
pub mod claim;
pub mod error;
#[cfg(feature = "ssr")]
pub mod facebook;
pub mod facebook_terms;
pub mod format;
pub mod forms;
pub mod home;
pub mod i18n;
pub mod layout;
#[cfg(feature = "ssr")]
pub mod outcome;
pub mod password;
pub mod profile;
pub mod register;
#[cfg(feature = "ssr")]
pub mod session;
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod verify;

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The whole HTML document around the routed page.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::page_security_policy();
    #[cfg(feature = "ssr")]
    let language = ssr::request_language();
    #[cfg(not(feature = "ssr"))]
    let language = crate::domain::LanguageCode::ENGLISH;
    provide_context(i18n::PageLanguage(language));
    view! {
        <!DOCTYPE html>
        <html lang=language.as_str().to_ascii_lowercase()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <leptos_meta::MetaTags/>
                <link rel="stylesheet" href=assets::url(assets::STYLESHEET)/>
                <link rel="icon" href=assets::url(assets::FAVICON) type="image/svg+xml"/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Every page waits for its data before the first byte (`SsrMode::Async`), so the HTML is
/// complete without scripts.
#[component]
pub fn App() -> impl IntoView {
    leptos_meta::provide_meta_context();
    view! {
        // Each page names itself (layout.rs); this is the title of any that does not.
        <leptos_meta::Title text="Contacts Portal"/>
        <Router>
            <Routes fallback=home::NotFound>
                <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=register::RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/verify") view=verify::VerifyPage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in") view=sign_in::SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/profile") view=profile::ProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/claim") view=claim::ClaimPage ssr=SsrMode::Async/>
                <Route path=path!("/facebook/terms") view=facebook_terms::FacebookTermsPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=password::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=password::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/sign-in") view=agent::sign_in::AgentSignInPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts") view=agent::contacts::AgentContactsPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts/new") view=agent::new_contact::NewContactPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts/:id") view=agent::contact::AgentContactPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts/:id/edit") view=agent::contact::AgentEditContactPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/organisations") view=agent::admin::OrganisationsPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/deliveries") view=agent::deliveries::DeliveriesPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/agents") view=agent::admin::AgentsPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/api-keys") view=agent::admin::ApiKeysPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/audit") view=agent::admin::AuditPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
