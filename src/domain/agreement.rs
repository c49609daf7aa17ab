//! What CRM.COM's v2 sign-up says about the contact's agreement: who referred it (its
//! `referral_code`, the referrer's code) and the country whose pricing and taxes apply
//! (`country_of_agreement`). Kept on the contact as given at sign-up. (A contact's own
//! `referral_code` in CRM.COM's replies, the code it shares with friends, is another thing: this
//! portal gives contacts none, so its replies do not carry one.)

use serde::{Deserialize, Serialize};

use super::{countries, Field, FieldError, ValidationErrors};

/// The longest referral code kept (CRM.COM's codes are far shorter).
const MAX_REFERRAL_CODE_LEN: usize = 64;

/// As a client sends it.
#[derive(Clone, Debug, Default)]
pub struct AgreementInput {
    pub referral_code: Option<String>,
    pub country_of_agreement: Option<String>,
}

/// As kept: both optional, both valid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The referral code of whoever referred the contact, trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
    /// ISO 3166 alpha-3, upper-case (CYP, GRC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_agreement: Option<String>,
}

impl AgreementInput {
    /// The agreement, or the reasons it is not one (recorded in `errors`).
    pub fn parse(&self, errors: &mut ValidationErrors) -> Agreement {
        Agreement {
            referred_by: errors
                .check(referral_code(self.referral_code.as_deref()))
                .flatten(),
            country_of_agreement: errors
                .check(country(self.country_of_agreement.as_deref()))
                .flatten(),
        }
    }
}

fn present(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|raw| !raw.is_empty())
}

fn referral_code(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(code) = present(raw) else {
        return Ok(None);
    };
    if code.chars().count() > MAX_REFERRAL_CODE_LEN {
        return Err(FieldError::new(
            Field::ReferralCode,
            "TOO_LONG",
            format!("Referral code must be at most {MAX_REFERRAL_CODE_LEN} characters"),
        ));
    }
    if code.chars().any(char::is_control) {
        return Err(FieldError::new(
            Field::ReferralCode,
            "INVALID_CHARACTERS",
            "Referral code must not contain control characters",
        ));
    }
    Ok(Some(code.to_owned()))
}

fn country(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(code) = present(raw) else {
        return Ok(None);
    };
    match countries::by_alpha3(code) {
        Some(found) => Ok(Some(found.alpha3.to_owned())),
        None => Err(FieldError::new(
            Field::CountryOfAgreement,
            "INVALID_COUNTRY_CODE",
            "Country of agreement must be an ISO 3166 alpha-3 code such as CYP",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(referral: Option<&str>, country: Option<&str>) -> Result<Agreement, Vec<String>> {
        let mut errors = ValidationErrors::default();
        let input = AgreementInput {
            referral_code: referral.map(str::to_owned),
            country_of_agreement: country.map(str::to_owned),
        };
        let agreement = input.parse(&mut errors);
        match errors.0.is_empty() {
            true => Ok(agreement),
            false => Err(errors.0.into_iter().map(|e| e.code).collect()),
        }
    }

    #[test]
    fn codes_are_trimmed_and_countries_are_alpha_3() {
        assert_eq!(
            parse(Some(" FRIEND-42 "), Some("cyp")),
            Ok(Agreement {
                referred_by: Some("FRIEND-42".into()),
                country_of_agreement: Some("CYP".into()),
            })
        );
        assert_eq!(parse(Some(""), Some("  ")), Ok(Agreement::default()));
        assert_eq!(parse(None, None), Ok(Agreement::default()));
        assert_eq!(
            parse(Some(&"x".repeat(65)), Some("CY")),
            Err(vec!["TOO_LONG".into(), "INVALID_COUNTRY_CODE".into()])
        );
        assert_eq!(
            parse(Some("a\u{0}b"), Some("XYZ")),
            Err(vec![
                "INVALID_CHARACTERS".into(),
                "INVALID_COUNTRY_CODE".into()
            ])
        );
    }
}
