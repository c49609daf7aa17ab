//! `/verify`: type the code that was just sent; or ask for a new one (after the cool-down).

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::{later, later_with, tr, tr_message, tr_with};
use serde::{Deserialize, Serialize};

use super::{
    forms::{FormMessages, FormState, TextField},
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "verify";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VerifyState {
    pub form: FormState,
    /// Where the code went (masked); `None` when no code is pending in this session.
    pub sent_to: Option<String>,
    /// How long a code lives (the `OTP_TTL_SECS` setting).
    pub minutes: u64,
    /// While a new code cannot be sent yet: when it can ("You can ask for a new code in 42 s.").
    pub resend_wait: Option<String>,
}

#[server(endpoint = "page/verify")]
pub async fn verify_page() -> Result<VerifyState, PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    let session = ssr::session().await?;
    let form = ssr::take_flash(&session, FORM).await?;
    let pending: Option<PendingCode> = session.get(PENDING_KEY).await?;
    let core = ssr::core()?;
    let wait = match &pending {
        Some(p) => {
            core.resend_wait_secs(&p.auth_otp, ssr::client_ip().as_deref())
                .await?
        }
        None => 0,
    };
    Ok(VerifyState {
        form,
        sent_to: pending.map(|p| p.obfuscated_value),
        minutes: (core.settings().limits.otp_ttl.as_secs() / 60).max(1),
        resend_wait: (wait > 0).then(|| super::outcome::resend_available_message(wait)),
    })
}

#[server(endpoint = "verify")]
pub async fn verify_code(code: Option<String>) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::services::auth::{codes::typed_code, OtpLookup};

    let session = ssr::session().await?;
    let pending: Option<PendingCode> = session.get(PENDING_KEY).await?;
    let Some(pending) = pending else {
        let form = FormState {
            alert: Some(later(
                "There is no code waiting. Sign in or create an account first.",
            )),
            ..Default::default()
        };
        ssr::flash(&session, FORM, form).await?;
        ssr::see_other("/verify");
        return Ok(());
    };
    let typed = code.unwrap_or_default();
    let form = FormState::default().with_value("code", typed.clone());
    let outcome = match typed_code(crate::domain::Field::Code, &typed) {
        Ok(code) => {
            ssr::core()?
                .validate_otp(
                    OtpLookup::Handle(pending.auth_otp),
                    code,
                    false,
                    ssr::client_ip().as_deref(),
                )
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        // An identity added to this sign-in: nobody is signed in anew.
        Ok(added) if added.sign_in.is_none() => {
            session.remove_value(PENDING_KEY).await?;
            let notice = FormState {
                notice: Some(later("Added: you can now sign in with it too.")),
                ..Default::default()
            };
            ssr::flash(&session, "profile-identities", notice).await?;
            ssr::see_other("/profile");
        }
        Ok(signed_in) => {
            ssr::sign_in_session(&session, &signed_in).await?;
            match signed_in.pending_identity {
                // A claim asked for another way to sign in: it is proven by a code of its own.
                Some(next) => {
                    let notice = FormState {
                        notice: Some(later_with(
                            "You are signed in. To add {target} as a way to sign in, enter the code we just sent to it.",
                            &[("target", &next.obfuscated_value)],
                        )),
                        ..Default::default()
                    };
                    let next = PendingCode {
                        auth_otp: next.auth_otp,
                        obfuscated_value: next.obfuscated_value,
                    };
                    session.insert(PENDING_KEY, next).await?;
                    ssr::flash(&session, FORM, notice).await?;
                    ssr::see_other("/verify");
                }
                None => ssr::see_other("/profile"),
            }
        }
        Err(error) => {
            ssr::flash(&session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/verify");
        }
    }
    Ok(())
}

#[server(endpoint = "verify/resend")]
pub async fn resend_code() -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::services::CodeError;

    let session = ssr::session().await?;
    let pending: Option<PendingCode> = session.get(PENDING_KEY).await?;
    let mut form = FormState::default();
    match pending {
        Some(pending) => {
            let core = ssr::core()?;
            match core
                .resend_code(&pending.auth_otp, ssr::client_ip().as_deref())
                .await
            {
                Ok(challenge) => {
                    let renewed = PendingCode {
                        auth_otp: challenge.auth_otp,
                        ..pending
                    };
                    session.insert(PENDING_KEY, renewed).await?;
                    form.notice = Some(later("We sent you a new code."));
                }
                Err(CodeError::TooManyRequests { retry_after_secs }) => {
                    form.alert = Some(super::outcome::resend_wait_message(retry_after_secs));
                }
                Err(error) => form = super::outcome::into_form(form, error)?,
            }
        }
        None => {
            form.alert = Some(later(
                "There is no code waiting. Sign in or create an account first.",
            ))
        }
    }
    ssr::flash(&session, FORM, form).await?;
    ssr::see_other("/verify");
    Ok(())
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| verify_page());
    view! {
        <Page title="Enter your code">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let VerifyState { form, sent_to, minutes, resend_wait } = state.await.unwrap_or_default();
                    let wait_id = resend_wait.as_ref().map(|_| "resend-wait");
                    let lead = match sent_to {
                        Some(to) => tr_with(
                            "We sent a 6-digit code to {to}. It is valid for {minutes} minutes.",
                            &[("to", &to), ("minutes", &minutes.to_string())],
                        ),
                        None => tr("Enter the 6-digit code we sent you."),
                    };
                    view! {
                        <h1>{tr("Enter your code")}</h1>
                        <p class="lead">{lead}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=VerifyCode::url() novalidate>
                            <TextField form=form.clone() name="code" label="Code" inputmode="numeric" autocomplete="one-time-code" input_class="code-input" maxlength=7/>
                            <div class="actions">
                                <button type="submit" class="btn">{tr("Verify")}</button>
                            </div>
                        </form>
                        <form class="form" method="post" action=ResendCode::url()>
                            <div class="actions">
                                <button type="submit" class="btn secondary" aria-describedby=wait_id>{tr("Send a new code")}</button>
                            </div>
                            {resend_wait.map(|w| view! { <p class="hint" id="resend-wait">{tr_message(&w)}</p> })}
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}
