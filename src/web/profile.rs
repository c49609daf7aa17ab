//! `/profile`: who I am, how I sign in, the organisations I belong to; edit; sign out.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::{later, tr, tr_message, tr_with};
use serde::{Deserialize, Serialize};

use super::{
    forms::{
        CheckField, CountrySelect, FormMessages, FormState, IdentityFields, LanguageChoice,
        MethodChoice, TextField,
    },
    layout::Page,
};
use crate::{domain::Provider, views::Profile, web::error::PortalError};

const FORM: &str = "profile";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProfileState {
    pub profile: Profile,
    pub form: FormState,
    pub password_form: FormState,
    pub identity_form: FormState,
    /// What removing a way to sign in left.
    pub identities_form: FormState,
}

/// `None` (after a redirect to `/sign-in`) when nobody is signed in.
#[server(endpoint = "page/profile")]
pub async fn profile_page() -> Result<Option<ProfileState>, PortalError> {
    use super::ssr;
    let session = ssr::session().await?;
    let Some(customer) = ssr::signed_in_contact(&session).await? else {
        ssr::see_other("/sign-in");
        return Ok(None);
    };
    let profile = match ssr::core()?.profile(&customer).await {
        Ok(profile) => profile,
        Err(crate::services::ContactError::ContactNotFound) => {
            session.flush().await?;
            ssr::see_other("/sign-in");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let mut form = ssr::take_flash(&session, FORM).await?;
    if form.values.is_empty() {
        let c = &profile.contact;
        form = form
            .with_value("title", c.title.clone().unwrap_or_default())
            .with_value("first_name", c.first_name.clone().unwrap_or_default())
            .with_value("last_name", c.last_name.clone().unwrap_or_default())
            .with_value("email_opt_out", if c.email_opt_out { "on" } else { "" })
            .with_value("sms_opt_out", if c.sms_opt_out { "on" } else { "" })
            .with_value("language_code", c.language_code.clone().unwrap_or_default());
    }
    let password_form = ssr::take_flash(&session, "profile-password").await?;
    let identity_form = ssr::take_flash(&session, "profile-identity").await?;
    let identities_form = ssr::take_flash(&session, "profile-identities").await?;
    Ok(Some(ProfileState {
        profile,
        form,
        password_form,
        identity_form,
        identities_form,
    }))
}

/// What "Edit your details" sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email_opt_out: Option<String>,
    #[serde(default)]
    pub sms_opt_out: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

#[server(endpoint = "profile/save")]
pub async fn save_profile(#[server(flatten)] details: DetailsForm) -> Result<(), PortalError> {
    use super::ssr;
    use crate::services::contacts::ProfileUpdate;
    let session = ssr::session().await?;
    let Some(customer) = ssr::signed_in_contact(&session).await? else {
        ssr::see_other("/sign-in");
        return Ok(());
    };
    let mut form = FormState::default();
    form.keep(&[
        ("title", &details.title),
        ("first_name", &details.first_name),
        ("last_name", &details.last_name),
        ("email_opt_out", &details.email_opt_out),
        ("sms_opt_out", &details.sms_opt_out),
        ("language_code", &details.language_code),
    ]);
    let language = details
        .language_code
        .as_deref()
        .and_then(|raw| crate::domain::LanguageCode::from_stored(&raw.trim().to_ascii_uppercase()));
    let update = ProfileUpdate {
        title: Some(details.title),
        first_name: Some(details.first_name.unwrap_or_default()),
        last_name: Some(details.last_name.unwrap_or_default()),
        email_opt_out: Some(details.email_opt_out.is_some()),
        sms_opt_out: Some(details.sms_opt_out.is_some()),
        avatar: None,
        language_code: details.language_code,
    };
    let form = match ssr::core()?.update_profile(&customer, update).await {
        Ok(_) => {
            language.into_iter().for_each(ssr::remember_language);
            FormState {
                notice: Some(later("Saved")),
                ..Default::default()
            }
        }
        Err(crate::services::ContactError::ContactNotFound) => return ended(&session).await,
        Err(error) => super::outcome::into_form(form, error)?,
    };
    ssr::flash(&session, FORM, form).await?;
    ssr::see_other("/profile");
    Ok(())
}

/// What "Change password" sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[server(endpoint = "profile/password")]
pub async fn change_password(
    #[server(flatten)] passwords: PasswordForm,
) -> Result<(), PortalError> {
    let PasswordForm {
        current_password,
        password,
    } = passwords;
    use super::ssr;
    let session = ssr::session().await?;
    let Some(customer) = ssr::signed_in_contact(&session).await? else {
        ssr::see_other("/sign-in");
        return Ok(());
    };
    let core = ssr::core()?;
    match core
        .change_password(
            &customer,
            current_password.unwrap_or_default(),
            password.unwrap_or_default(),
            ssr::client_ip().as_deref(),
        )
        .await
    {
        Ok(()) => {
            // Every session of the contact has ended, this one included.
            let session = ssr::session().await?;
            session.flush().await?;
            let notice = FormState {
                notice: Some(later("Your password was changed. Sign in again.")),
                ..Default::default()
            };
            ssr::flash(
                &session,
                "sign-in",
                notice.with_value("method", Provider::Email.as_str()),
            )
            .await?;
            ssr::see_other("/sign-in");
        }
        Err(crate::services::CredentialError::ContactNotFound) => return ended(&session).await,
        Err(error) => {
            ssr::flash(
                &session,
                "profile-password",
                super::outcome::into_form(FormState::default(), error)?,
            )
            .await?;
            ssr::see_other("/profile");
        }
    }
    Ok(())
}

/// What "Add a way to sign in" sends (no password here: one is set with "Change password").
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NewIdentityForm {
    #[serde(flatten)]
    pub identity: IdentityFields,
}

#[server(endpoint = "profile/identity")]
pub async fn add_identity(#[server(flatten)] added: NewIdentityForm) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::services::CodeError;
    let session = ssr::session().await?;
    let Some(signed_in) = ssr::signed_in(&session).await? else {
        ssr::see_other("/sign-in");
        return Ok(());
    };
    let mut form = FormState::default();
    added.identity.keep(&mut form);
    let mut input = added.identity.input();
    input.password = None;
    match ssr::core()?
        .add_identity(&signed_in, input, ssr::client_ip().as_deref())
        .await
    {
        Ok(added) => {
            let challenge = added.challenge;
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: challenge.obfuscated_value,
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(CodeError::ContactNotFound) => return ended(&session).await,
        Err(error) => {
            ssr::flash(
                &session,
                "profile-identity",
                super::outcome::into_form(form, error)?,
            )
            .await?;
            ssr::see_other("/profile");
        }
    }
    Ok(())
}

/// The session's contact is gone (deleted, its id perhaps given to someone new): the session
/// ends and the browser goes to `/sign-in`.
#[cfg(feature = "ssr")]
async fn ended(session: &tower_sessions::Session) -> Result<(), PortalError> {
    session.flush().await?;
    super::ssr::see_other("/sign-in");
    Ok(())
}

#[server(endpoint = "profile/identity/remove")]
pub async fn remove_identity(identity_id: Option<String>) -> Result<(), PortalError> {
    use super::ssr;
    let session = ssr::session().await?;
    let Some(customer) = ssr::signed_in_contact(&session).await? else {
        ssr::see_other("/sign-in");
        return Ok(());
    };
    let core = ssr::core()?;
    let form = match core
        .remove_identity(&customer, identity_id.as_deref().unwrap_or_default())
        .await
    {
        Ok(()) => FormState {
            notice: Some(later("Removed. We told your email and phone about it.")),
            ..Default::default()
        },
        Err(crate::services::ContactError::ContactNotFound) => return ended(&session).await,
        Err(error) => super::outcome::into_form(FormState::default(), error)?,
    };
    ssr::flash(&session, "profile-identities", form).await?;
    ssr::see_other("/profile");
    Ok(())
}

#[server(endpoint = "sign-out")]
pub async fn sign_out() -> Result<(), PortalError> {
    use super::ssr;
    let session = ssr::session().await?;
    session.flush().await?;
    ssr::see_other("/sign-in");
    Ok(())
}

/// Ends every sign-in of the contact: every browser and app, this one too, and every code
/// still pending.
#[server(endpoint = "sign-out/everywhere")]
pub async fn sign_out_everywhere() -> Result<(), PortalError> {
    use super::ssr;
    let session = ssr::session().await?;
    if let Some(customer) = ssr::signed_in_contact(&session).await? {
        match ssr::core()?.sign_out_everywhere(&customer).await {
            Ok(()) | Err(crate::services::ContactError::ContactNotFound) => {}
            Err(error) => return Err(error.into()),
        }
    }
    session.flush().await?;
    ssr::see_other("/sign-in");
    Ok(())
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| profile_page());
    view! {
        <Page title="Your profile">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(Some(ProfileState { profile, form, password_form, identity_form, identities_form })) => {
                            let has_password = profile.identities.iter().any(|i| i.has_password);
                            view! {
                                <ProfileView profile form identities_form/>
                                <CredentialForms password_form identity_form has_password/>
                            }.into_any()
                        }
                        Ok(None) => view! { <p><a href="/sign-in">{tr("Sign in")}</a>{tr(" to see your profile.")}</p> }.into_any(),
                        Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn ProfileView(profile: Profile, form: FormState, identities_form: FormState) -> impl IntoView {
    let contact = profile.contact.clone();
    let name = contact.display_name();
    let verified = contact.is_verified;
    let identities = profile.identities.clone();
    let organisations = profile.organisations.clone();
    view! {
        <h1>{name}</h1>
        <ul class="badges">
            {if verified {
                view! { <li class="badge ok">{tr("Verified")}</li> }.into_any()
            } else {
                view! { <li class="badge warn">{tr("Not verified")}</li> }.into_any()
            }}
        </ul>
        <FormMessages form=form.clone()/>
        <section class="card stack" aria-labelledby="details-heading">
            <h2 id="details-heading">{tr("Your details")}</h2>
            <dl class="details">
                <dt>{tr("Customer code")}</dt><dd>{contact.code.clone()}</dd>
                <dt>{tr("Email")}</dt><dd>{contact.email.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{tr("Phone")}</dt><dd>{contact.phone.as_deref().map_or_else(|| "—".into(), super::format::readable_phone)}</dd>
            </dl>
        </section>
        <section class="card stack" aria-labelledby="identities-heading">
            <h2 id="identities-heading">{tr("How you sign in")}</h2>
            <FormMessages form=identities_form/>
            <ul class="plain">
                {identities.into_iter().map(|i| {
                    let kind = match i.provider { Provider::Phone => tr("Phone"), Provider::Email => tr("Email"), Provider::Facebook => tr("Facebook") };
                    let shown = super::format::readable_phone(&i.value);
                    let state = match (i.verified, i.has_password) {
                        (true, true) => tr("verified, with a password"),
                        (true, false) => tr("verified"),
                        (false, true) => tr("not verified, with a password"),
                        (false, false) => tr("not verified"),
                    };
                    let label = tr_with("Remove {kind} {value}", &[("kind", &kind), ("value", &shown)]);
                    view! {
                        <li>
                            {format!("{kind}: ")}<strong>{shown}</strong>{format!(" ({state})")}
                            <form class="inline" method="post" action=RemoveIdentity::url()>
                                <input type="hidden" name="identity_id" value=i.id/>
                                <button type="submit" class="link" aria-label=label>{tr("Remove")}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="card stack" aria-labelledby="orgs-heading">
            <h2 id="orgs-heading">{tr("Organisations")}</h2>
            {if organisations.is_empty() {
                view! { <p class="muted">{tr("You do not belong to any organisation yet.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {organisations.into_iter().map(|o| view! { <li>{o.name}" "<span class="muted">{format!("({})", o.org_type)}</span></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <form class="form card" method="post" action=SaveProfile::url() novalidate>
            <h2>{tr("Edit your details")}</h2>
            <TextField form=form.clone() name="title" label="Title" autocomplete="honorific-prefix"/>
            <TextField form=form.clone() name="first_name" label="First name" autocomplete="given-name" maxlength=100/>
            <TextField form=form.clone() name="last_name" label="Last name" autocomplete="family-name" maxlength=100/>
            <CheckField form=form.clone() name="email_opt_out" label="No marketing emails"/>
            <CheckField form=form.clone() name="sms_opt_out" label="No marketing SMS"/>
            <LanguageChoice form=form.clone()/>
            <div class="actions">
                <button type="submit" class="btn">{tr("Save")}</button>
            </div>
        </form>
        <form method="post" action=SignOut::url()>
            <div class="actions">
                <button type="submit" class="btn secondary">{tr("Sign out")}</button>
            </div>
        </form>
        <form method="post" action=SignOutEverywhere::url()>
            <div class="actions">
                <button type="submit" class="btn secondary">{tr("Sign out everywhere")}</button>
            </div>
            <p class="hint">{tr("Ends every sign-in of your account, in every browser and app.")}</p>
        </form>
    }
}

#[component]
fn CredentialForms(
    password_form: FormState,
    identity_form: FormState,
    has_password: bool,
) -> impl IntoView {
    // With no password yet there is no current one to ask for.
    let (intro, action) = if has_password {
        (
            tr("Changing it signs you out everywhere."),
            tr("Change password"),
        )
    } else {
        (
            tr("You have no password yet: set one to sign in with your email without a code."),
            tr("Set password"),
        )
    };
    view! {
        <form class="form card" method="post" action=ChangePassword::url() novalidate>
            <h2>{tr("Password")}</h2>
            <p class="muted">{intro}</p>
            <FormMessages form=password_form.clone()/>
            {has_password.then(|| view! {
                <TextField form=password_form.clone() name="current_password" label="Current password" kind="password" autocomplete="current-password"/>
            })}
            <TextField form=password_form.clone() name="password" label="New password" kind="password" autocomplete="new-password" hint="At least 8 characters."/>
            <div class="actions"><button type="submit" class="btn secondary">{action}</button></div>
        </form>
        <form class="form card" method="post" action=AddIdentity::url() novalidate>
            <h2>{tr("Add a way to sign in")}</h2>
            <FormMessages form=identity_form.clone()/>
            <MethodChoice form=identity_form.clone() legend="Add"/>
            <CountrySelect form=identity_form.clone()/>
            <TextField form=identity_form.clone() name="phone_number" label="Phone number" kind="tel" class="only-phone"/>
            <TextField form=identity_form.clone() name="email" label="Email" kind="email" class="only-email"/>
            <div class="actions"><button type="submit" class="btn secondary">{tr("Send code")}</button></div>
        </form>
    }
}
