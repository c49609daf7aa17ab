//! `/forgot-password` and `/reset-password`: a code to the email on file, then a new password.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::{later, later_with, tr};

use super::{
    forms::{FormMessages, FormState, TextField},
    layout::Page,
};
use crate::web::error::PortalError;

const FORGOT: &str = "forgot-password";
const RESET: &str = "reset-password";
const RESET_KEY: &str = "reset_otp";

#[server(endpoint = "page/password")]
pub async fn password_page(form: String) -> Result<FormState, PortalError> {
    let session = super::ssr::session().await?;
    super::ssr::take_flash(&session, &form).await
}

#[server(endpoint = "forgot-password")]
pub async fn forgot_password(email: Option<String>) -> Result<(), PortalError> {
    use super::ssr;
    let session = ssr::session().await?;
    let email = email.unwrap_or_default();
    let form = FormState::default().with_value("email", email.clone());
    match ssr::core()?
        .forgot_password(&email, ssr::client_ip().as_deref())
        .await
    {
        Ok(challenge) => {
            session.insert(RESET_KEY, challenge.auth_otp).await?;
            let notice = FormState {
                notice: Some(later_with(
                    "If {email} has an account, we sent it a code.",
                    &[("email", &email)],
                )),
                ..Default::default()
            };
            ssr::flash(&session, RESET, notice).await?;
            ssr::see_other("/reset-password");
        }
        Err(error) => {
            ssr::flash(&session, FORGOT, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/forgot-password");
        }
    }
    Ok(())
}

/// What the new-password form sends: the emailed code and the new password.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ResetPasswordForm {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[server(endpoint = "reset-password")]
pub async fn reset_password(
    #[server(flatten)] reset: ResetPasswordForm,
) -> Result<(), PortalError> {
    let ResetPasswordForm { code, password } = reset;
    use super::ssr;
    use crate::services::{auth::codes::typed_code, CodeError};
    let session = ssr::session().await?;
    let handle: Option<String> = session.get(RESET_KEY).await?;
    let typed = code.unwrap_or_default();
    let form = FormState::default().with_value("code", typed.clone());
    let outcome = match (handle, typed_code(crate::domain::Field::Code, &typed)) {
        (None, _) => Err(CodeError::InvalidOtp),
        (Some(_), Err(error)) => Err(error),
        (Some(handle), Ok(code)) => {
            ssr::core()?
                .reset_password(
                    &handle,
                    &code,
                    password.unwrap_or_default(),
                    ssr::client_ip().as_deref(),
                )
                .await
        }
    };
    match outcome {
        Ok(()) => {
            session.flush().await?;
            let session = ssr::session().await?;
            let notice = FormState {
                notice: Some(later(
                    "Your password was changed. Sign in with your new password.",
                )),
                ..Default::default()
            };
            let email = crate::domain::Provider::Email.as_str();
            ssr::flash(&session, "sign-in", notice.with_value("method", email)).await?;
            ssr::see_other("/sign-in");
        }
        Err(error) => {
            ssr::flash(&session, RESET, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/reset-password");
        }
    }
    Ok(())
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let state = Resource::new_blocking(|| FORGOT.to_owned(), password_page);
    view! {
        <Page title="Forgot your password?">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! {
                        <h1>{tr("Forgot your password?")}</h1>
                        <p class="lead">{tr("We will send a code to your email so you can choose a new password.")}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=ForgotPassword::url() novalidate>
                            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="email"/>
                            <div class="actions"><button type="submit" class="btn">{tr("Send code")}</button></div>
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let state = Resource::new_blocking(|| RESET.to_owned(), password_page);
    view! {
        <Page title="Choose a new password">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! {
                        <h1>{tr("Choose a new password")}</h1>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=ResetPassword::url() novalidate>
                            <TextField form=form.clone() name="code" label="Code" inputmode="numeric" autocomplete="one-time-code" input_class="code-input" maxlength=7/>
                            <TextField form=form.clone() name="password" label="New password" kind="password" autocomplete="new-password" hint="At least 8 characters, not a common password."/>
                            <div class="actions"><button type="submit" class="btn">{tr("Set new password")}</button></div>
                        </form>
                        <p class="muted"><a href="/forgot-password">{tr("Send a new code")}</a></p>
                    }
                })}
            </Suspense>
        </Page>
    }
}
