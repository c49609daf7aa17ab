//! `/sign-in`: a code to a phone or email on file, or email + password.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    forms::{CountrySelect, FormMessages, FormState, MethodChoice, TextField},
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

fn typed(
    method: &str,
    country_code: &Option<String>,
    phone_number: &Option<String>,
    email: &Option<String>,
) -> FormState {
    let mut form = FormState::default().with_value("method", method);
    form.keep(&[
        ("country_code", country_code),
        ("phone_number", phone_number),
        ("email", email),
    ]);
    form
}

/// **Send code**: always leads to `/verify`, whether or not the identity is on file (no enumeration).
#[server(endpoint = "sign-in/code")]
pub async fn send_sign_in_code(
    method: Option<String>,
    country_code: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    password: Option<String>,
) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::{
        domain::{Email, PhoneNumber, Provider, ValidationErrors},
        services::auth::Identity,
    };
    let _ = password;
    let session = ssr::session().await?;
    let method = super::forms::chosen_method(method.as_deref());
    let form = typed(method.as_str(), &country_code, &phone_number, &email);
    let mut errors = ValidationErrors::default();
    let identity = if method == Provider::Email {
        errors
            .check(Email::parse("email", email.as_deref().unwrap_or("")))
            .map(Identity::Email)
    } else {
        errors
            .check(PhoneNumber::parse_any(
                "phone_number",
                "country_code",
                phone_number.as_deref().unwrap_or(""),
                country_code.as_deref().unwrap_or(""),
            ))
            .map(Identity::Phone)
    };
    let outcome = match identity {
        Some(identity) => ssr::core()?
            .request_otp(identity.clone(), ssr::client_ip().as_deref())
            .await
            .map(|c| (c, identity)),
        None => Err(errors.into()),
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
            ssr::flash(&session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/sign-in");
        }
    }
    Ok(())
}

/// **Sign in**: email + password.
#[server(endpoint = "sign-in/password")]
pub async fn sign_in_with_password(
    method: Option<String>,
    country_code: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    password: Option<String>,
) -> Result<(), PortalError> {
    use super::ssr;
    use crate::{
        domain::{FieldError, Provider},
        services::auth::IdentityInput,
    };
    let session = ssr::session().await?;
    let method = super::forms::chosen_method(method.as_deref());
    let mut form = typed(method.as_str(), &country_code, &phone_number, &email);
    if method != Provider::Email {
        form.errors.push(FieldError::new(
            "password",
            "ERROR",
            "Password sign-in works with Email: choose Email, or press Send code.",
        ));
        ssr::flash(&session, FORM, form).await?;
        ssr::see_other("/sign-in");
        return Ok(());
    }
    let input = IdentityInput {
        provider: Some(Provider::Email.as_str().into()),
        email,
        password,
        ..Default::default()
    };
    match ssr::core()?
        .authenticate_password(input, false, ssr::client_ip().as_deref())
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
                        <h1>"Sign in"</h1>
                        <p class="lead">"We will send a code to your phone or email. With a password you can sign in at once."</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=SendSignInCode::url() novalidate>
                            <MethodChoice form=form.clone() legend="Sign in with"/>
                            <CountrySelect form=form.clone()/>
                            <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel" autocomplete="tel-national" class="only-phone"/>
                            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="email" class="only-email"/>
                            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="current-password" class="only-email"/>
                            <div class="actions">
                                <button type="submit" class="btn">"Send code"</button>
                                <button type="submit" class="btn secondary" formaction=SignInWithPassword::url()>"Sign in"</button>
                            </div>
                        </form>
                        {facebook.then(|| view! {
                            <p><a class="btn secondary" href="/auth/facebook/start">"Continue with Facebook"</a></p>
                        })}
                        <p class="muted">
                            <a href="/forgot-password">"Forgot your password?"</a>" · "
                            <a href="/claim">"Already a customer? Claim your account"</a>" · "
                            <a href="/register">"Create an account"</a>
                        </p>
                    }
                })}
            </Suspense>
        </Page>
    }
}
