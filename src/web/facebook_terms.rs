//! `/facebook/terms`: someone new came back from Facebook; before a contact is made for them they
//! accept the terms of service here (the same rule as every other sign-up).

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::tr;

use super::{
    forms::{CheckField, FormMessages, FormState},
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "facebook-terms";

/// The form, or `None` (after a redirect to `/sign-in`) when no Facebook sign-up is waiting.
#[server(endpoint = "page/facebook-terms")]
pub async fn facebook_terms_page() -> Result<Option<FormState>, PortalError> {
    use super::ssr;
    use crate::services::auth::facebook::FacebookProfile;
    let session = ssr::session().await?;
    let waiting: Option<FacebookProfile> = session.get(super::facebook::PROFILE_KEY).await?;
    if waiting.is_none() {
        ssr::see_other("/sign-in");
        return Ok(None);
    }
    Ok(Some(ssr::take_flash(&session, FORM).await?))
}

#[server(endpoint = "facebook/terms")]
pub async fn accept_facebook_terms(terms: Option<String>) -> Result<(), PortalError> {
    use super::ssr;
    use crate::services::auth::facebook::FacebookProfile;
    let session = ssr::session().await?;
    let waiting: Option<FacebookProfile> = session.get(super::facebook::PROFILE_KEY).await?;
    let Some(profile) = waiting else {
        ssr::see_other("/sign-in");
        return Ok(());
    };
    if terms.is_none() {
        let form = super::outcome::into_form(
            FormState::default(),
            crate::services::auth::authenticate::terms_not_accepted(),
        )?;
        ssr::flash(&session, FORM, form).await?;
        ssr::see_other("/facebook/terms");
        return Ok(());
    }
    let outcome = ssr::core()?
        .facebook_accept_terms(
            profile,
            Some(ssr::request_language()),
            false,
            ssr::client_ip().as_deref(),
        )
        .await;
    match outcome {
        Ok(outcome) => {
            let (path, language) = super::facebook::land(&ssr::core()?, &session, outcome).await?;
            language.into_iter().for_each(ssr::remember_language);
            ssr::see_other(path);
        }
        Err(error) => {
            let form = super::outcome::into_form(FormState::default(), error)?;
            ssr::flash(&session, FORM, form).await?;
            ssr::see_other("/facebook/terms");
        }
    }
    Ok(())
}

#[component]
pub fn FacebookTermsPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| facebook_terms_page());
    view! {
        <Page title="Create your account with Facebook">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.ok().flatten().unwrap_or_default();
                    view! {
                        <h1>{tr("Create your account with Facebook")}</h1>
                        <p class="lead">{tr("One more step: we make your account once you accept the terms of service.")}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=AcceptFacebookTerms::url() novalidate>
                            <CheckField form=form.clone() name="terms" label="I accept the terms of service"/>
                            <div class="actions">
                                <button type="submit" class="btn">{tr("Create account")}</button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}
