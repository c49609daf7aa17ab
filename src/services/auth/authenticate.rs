//! One sign-in call, whatever it carries: an email and a password, an identity to send a code
//! to (CRM.COM's v2 `authenticate` without a password), or a Facebook token. The choice between
//! them is a rule, so it is made here and not by each face.

use super::{
    authenticated::Authenticated, codes::OtpChallenge, facebook::FacebookOutcome, IdentityInput,
};
use crate::{
    domain::{Field, FieldError, IdentityPart, Provider, ValidationErrors},
    services::{CodeError, Core, CredentialError},
};

/// What a sign-in call asks for.
#[derive(Clone, Debug)]
pub enum SignInAttempt {
    /// An email and its password.
    Password(IdentityInput),
    /// An email or phone to send a sign-in code to.
    Code(IdentityInput),
    /// A Facebook access token; `terms`: someone new accepts the terms with it.
    Facebook {
        token: Option<String>,
        token_field: Field,
        terms: bool,
    },
}

impl SignInAttempt {
    /// Which sign-in an identity input asks for. `codes`: a missing password (or a phone)
    /// means "send me a code" (CRM.COM's v2); without it, a password sign-in with none is
    /// refused for its missing password (v1).
    pub fn from_input(input: IdentityInput, terms: bool, codes: bool) -> Self {
        let provider = input
            .provider
            .as_deref()
            .and_then(|p| Provider::parse(Field::Stored, p).ok());
        let has_password = input.password.as_deref().is_some_and(|p| !p.is_empty());
        match provider {
            Some(Provider::Facebook) => SignInAttempt::Facebook {
                token: input.token,
                token_field: Field::SignIn(IdentityPart::Token),
                terms,
            },
            Some(Provider::Phone) if codes => SignInAttempt::Code(input),
            Some(Provider::Email) if codes && !has_password => SignInAttempt::Code(input),
            _ => SignInAttempt::Password(input),
        }
    }
}

/// What a sign-in call gave.
pub enum SignInOutcome {
    SignedIn(Box<Authenticated>),
    /// A code is on its way (to be validated with `validate-otp`).
    CodeSent(OtpChallenge),
    Facebook(FacebookOutcome),
}

impl Core {
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        attempt: SignInAttempt,
        issue_tokens: bool,
        client_ip: Option<&str>,
    ) -> Result<SignInOutcome, CredentialError> {
        match attempt {
            SignInAttempt::Password(input) => {
                let signed_in = self
                    .authenticate_password(input, issue_tokens, client_ip)
                    .await?;
                Ok(SignInOutcome::SignedIn(Box::new(signed_in)))
            }
            SignInAttempt::Code(input) => {
                let identity = input.require(Field::SignIn)?.identity;
                match self.request_otp(identity, client_ip).await {
                    Ok(sent) => Ok(SignInOutcome::CodeSent(sent)),
                    Err(error) => Err(code_error(error)),
                }
            }
            SignInAttempt::Facebook {
                token,
                token_field,
                terms,
            } => {
                let outcome = self
                    .facebook_token_sign_in(
                        token.as_deref(),
                        token_field,
                        terms,
                        issue_tokens,
                        None,
                        client_ip,
                    )
                    .await?;
                Ok(SignInOutcome::Facebook(outcome))
            }
        }
    }
}

/// Asking for a code can only be refused for its input, a limit, or a fault.
fn code_error(error: CodeError) -> CredentialError {
    match error {
        CodeError::Validation(errors) => CredentialError::Validation(errors),
        CodeError::TooManyRequests { retry_after_secs } => {
            CredentialError::TooManyRequests { retry_after_secs }
        }
        CodeError::Fault(fault) => CredentialError::Fault(fault),
        other => CredentialError::Fault(
            anyhow::anyhow!("asking for a sign-in code answered {other}").into(),
        ),
    }
}

/// Someone new signing up with Facebook must accept the terms: what a face answers when not.
pub fn terms_not_accepted() -> ValidationErrors {
    FieldError::new(
        Field::Terms,
        "TERMS_NOT_ACCEPTED",
        "You must accept the terms of service",
    )
    .into()
}
