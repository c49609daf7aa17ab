//! `/sign-in`: a code to a phone or email on file, or email + password.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::tr;

use super::{
    forms::{CountrySelect, FormMessages, FormState, IdentityFields, MethodChoice, TextField},
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "sign-in";

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SignInState {
    pub form: FormState,
    pub facebook: bool,
}

#[server(endpoint = "page/sign-in")]
pub async fn sign_in_page() -> Result<SignInState, PortalError> {
    let session = super::ssr::session().await?;
    let form = super::ssr::take_flash(&session, FORM).await?;
    Ok(SignInState {
        form,
        facebook: super::ssr::core()?.facebook_enabled(),
    })
}

/// What the sign-in form sends (both of its buttons send all of it).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SignInForm {
    #[serde(flatten)]
    pub identity: IdentityFields,
}

impl SignInForm {
    fn typed(&self) -> FormState {
        let mut form = FormState::default();
        self.identity.keep(&mut form);
        form
    }
}

/// **Send code**: always leads to `/verify`, whether or not the identity is on file (no enumeration).
#[server(endpoint = "sign-in/code")]
pub async fn send_sign_in_code(#[server(flatten)] sign_in: SignInForm) -> Result<(), PortalError> {
    let session = super::ssr::session().await?;
    send_code(&session, sign_in).await
}

#[cfg(feature = "ssr")]
async fn send_code(
    session: &tower_sessions::Session,
    sign_in: SignInForm,
) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::domain::Field;
    let form = sign_in.typed();
    let outcome = match sign_in.identity.input().require(Field::SignIn) {
        Ok(parsed) => ssr::core()?
            .request_otp(parsed.identity.clone(), ssr::client_ip().as_deref())
            .await
            .map(|c| (c, parsed.identity)),
        Err(errors) => Err(errors.into()),
    };
    match outcome {
        Ok((challenge, identity)) => {
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: identity.obfuscated(),
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(error) => {
            ssr::flash(session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/sign-in");
        }
    }
    Ok(())
}

/// **Sign in**, the form's default button (what Enter presses): with an email and a password,
/// signs in with them; with no password, or with a phone, sends a code as **Send code** does.
#[server(endpoint = "sign-in/password")]
pub async fn sign_in_with_password(
    #[server(flatten)] sign_in: SignInForm,
) -> Result<(), PortalError> {
    use super::ssr;
    use crate::domain::Provider;
    let session = ssr::session().await?;
    let has_password = sign_in
        .identity
        .password
        .as_deref()
        .is_some_and(|p| !p.is_empty());
    if sign_in.identity.method() != Provider::Email || !has_password {
        return send_code(&session, sign_in).await;
    }
    let form = sign_in.typed();
    match ssr::core()?
        .authenticate_password(sign_in.identity.input(), false, ssr::client_ip().as_deref())
        .await
    {
        Ok(signed_in) => {
            ssr::sign_in_session(&session, &signed_in).await?;
            ssr::see_other("/profile");
        }
        Err(error) => {
            ssr::flash(&session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/sign-in");
        }
    }
    Ok(())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| sign_in_page());
    view! {
        <Page title="Sign in">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let SignInState { form, facebook } = state.await.unwrap_or_default();
                    view! {
                        <h1>{tr("Sign in")}</h1>
                        <p class="lead">{tr("We will send a code to your phone or email. With an email and its password you sign in at once.")}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=SignInWithPassword::url() novalidate>
                            <MethodChoice form=form.clone() legend="Sign in with"/>
                            <CountrySelect form=form.clone()/>
                            <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel" autocomplete="tel-national" class="only-phone"/>
                            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="email" class="only-email"/>
                            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="current-password" class="only-email"/>
                            <div class="actions">
                                // The first button is the one Enter presses.
                                <button type="submit" class="btn">{tr("Sign in")}</button>
                                <button type="submit" class="btn secondary" formaction=SendSignInCode::url()>{tr("Send code")}</button>
                            </div>
                        </form>
                        {facebook.then(|| view! {
                            <p><a class="btn secondary" href="/auth/facebook/start">{tr("Continue with Facebook")}</a></p>
                        })}
                        <p class="muted">
                            <a href="/forgot-password">{tr("Forgot your password?")}</a>" · "
                            <a href="/claim">{tr("Already a customer? Claim your account")}</a>" · "
                            <a href="/register">{tr("Create an account")}</a>
                        </p>
                    }
                })}
            </Suspense>
        </Page>
    }
}
