//! `/register`: a customer signs up with a name and a phone or email, then proves it on `/verify`.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    forms::{CheckField, CountrySelect, FormMessages, FormState, MethodChoice, TextField},
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "register";

#[server(endpoint = "page/register")]
pub async fn register_page() -> Result<FormState, PortalError> {
    let session = super::ssr::session().await?;
    super::ssr::take_flash(&session, FORM).await
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "register")]
pub async fn submit_registration(
    title: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    method: Option<String>,
    country_code: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    password: Option<String>,
    terms: Option<String>,
    email_opt_out: Option<String>,
    sms_opt_out: Option<String>,
) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::{
        domain::Provider,
        services::auth::{IdentityInput, RegisterInput},
    };

    let session = ssr::session().await?;
    let method = super::forms::chosen_method(method.as_deref());
    let is_email = method == Provider::Email;
    let mut form = FormState::default();
    form.keep(&[
        ("title", &title),
        ("first_name", &first_name),
        ("last_name", &last_name),
        ("country_code", &country_code),
        ("phone_number", &phone_number),
        ("email", &email),
        ("terms", &terms),
        ("email_opt_out", &email_opt_out),
        ("sms_opt_out", &sms_opt_out),
    ]);
    form.values.insert("method".into(), method.as_str().into());
    let input = RegisterInput {
        title,
        first_name,
        last_name,
        identity: IdentityInput {
            provider: Some(method.as_str().into()),
            // Only the chosen method's fields count.
            email: email.filter(|_| is_email),
            password: password.filter(|_| is_email),
            phone_number: phone_number.filter(|_| !is_email),
            country_code: country_code.filter(|_| !is_email),
            token: None,
        },
        service_acceptance: terms.is_some(),
        email_opt_out: email_opt_out.is_some(),
        sms_opt_out: sms_opt_out.is_some(),
    };
    let core = ssr::core()?;
    let client_ip = ssr::client_ip();
    match core.register(input, client_ip.as_deref()).await {
        Ok(challenge) => {
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: challenge.obfuscated_value,
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(error) => {
            ssr::flash(&session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/register");
        }
    }
    Ok(())
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| register_page());
    view! {
        <Page title="Create your account">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! { <RegisterForm form/> }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn RegisterForm(form: FormState) -> impl IntoView {
    view! {
        <h1>"Create your account"</h1>
        <p class="lead">"We will send you a 6-digit code to confirm it is you."</p>
        <FormMessages form=form.clone()/>
        <form class="form card" method="post" action=SubmitRegistration::url() novalidate>
            <TextField form=form.clone() name="title" label="Title" autocomplete="honorific-prefix" hint="Optional, for example Mr, Ms or Dr"/>
            <TextField form=form.clone() name="first_name" label="First name" autocomplete="given-name" maxlength=100/>
            <TextField form=form.clone() name="last_name" label="Last name" autocomplete="family-name" maxlength=100/>
            <MethodChoice form=form.clone() legend="Sign up with"/>
            <CountrySelect form=form.clone()/>
            <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel" autocomplete="tel-national" class="only-phone"/>
            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="email" class="only-email"/>
            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="new-password" class="only-email" hint="At least 8 characters. Leave empty to sign in with a code each time."/>
            <CheckField form=form.clone() name="terms" label="I accept the terms of service"/>
            <CheckField form=form.clone() name="email_opt_out" label="No marketing emails"/>
            <CheckField form=form.clone() name="sms_opt_out" label="No marketing SMS"/>
            <div class="actions">
                <button type="submit" class="btn">"Create account"</button>
            </div>
        </form>
        <p class="muted">"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
    }
}
