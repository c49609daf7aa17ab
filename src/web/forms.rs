//! What a form shows after a round trip: the values typed (never passwords), the errors per
//! field, and a message for the whole form. Pages render fields through these components so every
//! form labels, describes and marks errors the same way.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::i18n::{tr, tr_message, tr_with};
use crate::domain::Provider;

/// A problem with one field of a form, named as the form names it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FormError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FormError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn required(field: &str, label: &str) -> Self {
        Self::new(field, "REQUIRED", format!("{label} is required"))
    }
}

/// "Sign up with" / "Sign in with" / "Add": the method chosen, and the fields of both methods
/// (those of the method not chosen are ignored, never required). Part of every form that takes
/// an identity.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct IdentityFields {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

impl IdentityFields {
    pub fn method(&self) -> Provider {
        chosen_method(self.method.as_deref())
    }

    /// What was typed, to show again (never the password).
    pub fn keep(&self, form: &mut FormState) {
        form.values
            .insert("method".into(), self.method().as_str().into());
        form.keep(&[
            ("country_code", &self.country_code),
            ("phone_number", &self.phone_number),
            ("email", &self.email),
        ]);
    }

    /// The identity the chosen method names, with the password (emails only).
    #[cfg(feature = "ssr")]
    pub fn input(&self) -> crate::services::auth::IdentityInput {
        let is_email = self.method() == Provider::Email;
        crate::services::auth::IdentityInput {
            provider: Some(self.method().as_str().into()),
            email: self.email.clone().filter(|_| is_email),
            phone_number: self.phone_number.clone().filter(|_| !is_email),
            country_code: self.country_code.clone().filter(|_| !is_email),
            password: self.password.clone().filter(|_| is_email),
            token: None,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FormError>,
    /// A problem with the whole form (not one field), shown at the top.
    pub alert: Option<String>,
    /// Good news, shown at the top ("Saved").
    pub notice: Option<String>,
}

impl FormState {
    pub fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|v| v == "on" || v == "true")
    }

    pub fn error(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    }

    /// Keeps what was typed (absent fields as empty), so a re-rendered form shows it again.
    pub fn keep(&mut self, typed: &[(&str, &Option<String>)]) {
        for (name, value) in typed {
            self.values
                .insert((*name).to_owned(), (*value).clone().unwrap_or_default());
        }
    }

    pub fn with_value(mut self, name: &str, value: impl Into<String>) -> Self {
        self.values.insert(name.to_owned(), value.into());
        self
    }
}

/// The alert and notice banners of a form.
#[component]
pub fn FormMessages(form: FormState) -> impl IntoView {
    let count = form.errors.len();
    let summary = (count > 1).then(|| {
        tr_with(
            "Please correct the {count} fields marked below.",
            &[("count", &count.to_string())],
        )
    });
    view! {
        {form.alert.map(|a| view! { <div class="alert error" role="alert">{tr_message(&a)}</div> })}
        {summary.map(|s| view! { <div class="alert error" role="alert">{s}</div> })}
        {form.notice.map(|n| view! { <div class="alert success" role="status">{tr_message(&n)}</div> })}
    }
}

/// A labelled input with its error underneath, tied together with `aria-describedby`.
#[component]
pub fn TextField(
    form: FormState,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
    #[prop(optional)] input_class: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error = form.error(name);
    // Passwords are never sent back to the browser.
    let value = if kind == "password" {
        String::new()
    } else {
        form.value(name)
    };
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described = match (error.is_some(), hint.is_some()) {
        (true, true) => Some(format!("{error_id} {hint_id}")),
        (true, false) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    let field_class = match class {
        Some(c) => format!("field {c}"),
        None => "field".to_owned(),
    };
    view! {
        <div class=field_class>
            <label for=name>{tr(label)}</label>
            <input
                type=kind
                id=name
                name=name
                value=value
                class=input_class
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{tr(h)}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id>{tr_message(&e)}</p> })}
        </div>
    }
}

/// A checkbox with its label beside it.
#[component]
pub fn CheckField(form: FormState, name: &'static str, label: &'static str) -> impl IntoView {
    let error = form.error(name);
    let error_id = format!("{name}-error");
    let checked = form.checked(name);
    view! {
        <div class="field check">
            <input
                type="checkbox"
                id=name
                name=name
                checked=checked
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then(|| error_id.clone())
            />
            <label for=name>{tr(label)}</label>
            {error.map(|e| view! { <p class="field-error" id=error_id>{tr_message(&e)}</p> })}
        </div>
    }
}

/// The method a form's "Sign up with" / "Sign in with" chose: phone unless it says email.
pub fn chosen_method(raw: Option<&str>) -> Provider {
    match raw.and_then(|r| Provider::parse(crate::domain::Field::Stored, r).ok()) {
        Some(Provider::Email) => Provider::Email,
        _ => Provider::Phone,
    }
}

/// "Sign up with" / "Sign in with": Phone or Email, as radios that work without JavaScript.
#[component]
pub fn MethodChoice(form: FormState, legend: &'static str) -> impl IntoView {
    let email = chosen_method(Some(&form.value("method"))) == Provider::Email;
    view! {
        <fieldset class="choice">
            <legend>{tr(legend)}</legend>
            <label class="inline">
                <input type="radio" name="method" value=Provider::Phone.as_str() checked=!email/>
                {tr("Phone")}
            </label>
            <label class="inline">
                <input type="radio" name="method" value=Provider::Email.as_str() checked=email/>
                {tr("Email")}
            </label>
        </fieldset>
    }
}

/// Country (ISO 3166 alpha-3 values) for phone numbers.
#[component]
pub fn CountrySelect(
    form: FormState,
    #[prop(default = "field only-phone")] class: &'static str,
) -> impl IntoView {
    let chosen = form.value("country_code").to_ascii_uppercase();
    let error = form.error("country_code");
    let error_id = "country_code-error";
    let options = crate::domain::countries::COUNTRIES
        .iter()
        .map(|c| {
            view! { <option value=c.alpha3 selected=chosen == c.alpha3>{c.name}</option> }
        })
        .collect_view();
    view! {
        <div class=class>
            <label for="country_code">{tr("Country")}</label>
            <select
                id="country_code"
                name="country_code"
                autocomplete="country"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some(error_id)
            >
                <option value="" selected=chosen.is_empty()>{tr("Choose a country")}</option>
                {options}
            </select>
            {error.map(|e| view! { <p class="field-error" id=error_id>{tr_message(&e)}</p> })}
        </div>
    }
}

/// A radio group with a legend; `options` are (value, label) pairs.
#[component]
pub fn RadioGroup(
    form: FormState,
    name: &'static str,
    legend: &'static str,
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let chosen = form.value(name);
    let chosen = if chosen.is_empty() {
        options.first().map(|o| o.0.to_owned()).unwrap_or_default()
    } else {
        chosen
    };
    let error = form.error(name);
    let invalid = error.is_some().then_some("true");
    view! {
        <fieldset class="choice" aria-invalid=invalid>
            <legend>{tr(legend)}</legend>
            {options.iter().map(|(value, label)| view! {
                <label class="inline">
                    <input type="radio" name=name value=*value checked=chosen == *value/>
                    {tr(label)}
                </label>
            }).collect_view()}
            {error.map(|e| view! { <p class="field-error">{tr_message(&e)}</p> })}
        </fieldset>
    }
}

/// The languages the portal is written in, as the language choice offers them.
pub const LANGUAGES: &[(&str, &str)] = &[("EN", "English"), ("EL", "Ελληνικά")];

/// The contact's language, one of those the portal offers (`language_code`).
#[component]
pub fn LanguageChoice(form: FormState) -> impl IntoView {
    view! { <RadioGroup form name="language_code" legend="Language" options=LANGUAGES/> }
}
