//! `/agent/sign-in`: Email, Password → Sign in → `/agent/contacts`.

use crate::web::i18n::{later, tr};
use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Deserialize, Serialize};

use crate::{
    web::error::PortalError,
    web::{
        forms::{FormMessages, FormState, TextField},
        layout::Page,
    },
};

const FORM: &str = "agent-sign-in";

#[server(endpoint = "page/agent-sign-in")]
pub async fn agent_sign_in_page() -> Result<FormState, PortalError> {
    let session = crate::web::ssr::session().await?;
    crate::web::ssr::take_flash(&session, FORM).await
}

/// What the agent's sign-in form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AgentSignInForm {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[server(endpoint = "agent/sign-in")]
pub async fn agent_sign_in(#[server(flatten)] sign_in: AgentSignInForm) -> Result<(), PortalError> {
    use crate::{services::CredentialError, web::ssr};
    let session = ssr::session().await?;
    let email = sign_in.email.unwrap_or_default();
    let mut form = FormState::default().with_value("email", email.clone());
    match ssr::core()?
        .agent_sign_in(
            &email,
            sign_in.password.unwrap_or_default(),
            ssr::client_ip().as_deref(),
        )
        .await
    {
        Ok(agent) => {
            crate::web::session::sign_in_agent(&session, &agent.id).await?;
            ssr::see_other("/agent/contacts");
            return Ok(());
        }
        Err(CredentialError::InvalidCredentials) => {
            form.alert = Some(later("The email or password is not correct."))
        }
        Err(error) => form = crate::web::outcome::into_form(form, error)?,
    }
    ssr::flash(&session, FORM, form).await?;
    ssr::see_other("/agent/sign-in");
    Ok(())
}

#[server(endpoint = "agent/sign-out")]
pub async fn agent_sign_out() -> Result<(), PortalError> {
    use crate::web::ssr;
    let session = ssr::session().await?;
    crate::web::session::sign_out_agent(&session).await?;
    ssr::see_other("/agent/sign-in");
    Ok(())
}

#[component]
pub fn AgentSignInPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| agent_sign_in_page());
    view! {
        <Page title="Back office sign-in">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! {
                        <h1>{tr("Back office")}</h1>
                        <p class="lead">{tr("Sign in with your agent account.")}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=AgentSignIn::url() novalidate>
                            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="username"/>
                            <TextField form=form.clone() name="password" label="Password" kind="password" autocomplete="current-password"/>
                            <div class="actions">
                                <button type="submit" class="btn">{tr("Sign in")}</button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}
