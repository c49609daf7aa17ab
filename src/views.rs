//! What the services show to the outside: shared by the JSON API and the portal pages.

use serde::{Deserialize, Serialize};

/// The contact as the token response shows it (CRM.COM's shape).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactSummary {
    pub id: String,
    pub title: Option<String>,
    pub avatar: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub is_verified: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationView {
    pub name: String,
    pub id: String,
    pub org_type: crate::domain::OrgType,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactView {
    pub id: String,
    pub code: String,
    #[serde(rename = "type")]
    pub contact_type: crate::domain::ContactType,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
    pub avatar: Option<String>,
    /// ISO 639-1, upper-case (EN, EL); none when never given.
    pub language_code: Option<String>,
    /// The referral code of whoever referred the contact, as given at sign-up (CRM.COM's v2
    /// register `referral_code`).
    pub referred_by: Option<String>,
    /// ISO 3166 alpha-3, as given at sign-up.
    pub country_of_agreement: Option<String>,
    pub is_verified: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl ContactView {
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name, &self.company_name) {
            (_, _, Some(company)) if self.contact_type == crate::domain::ContactType::Company => {
                company.clone()
            }
            (first, last, _) => [first.as_deref(), last.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// An identity as its owner (or an agent) may see it: never a secret.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IdentityView {
    /// What removing it names (`DELETE …/identities/{id}`).
    pub id: String,
    pub provider: crate::domain::Provider,
    pub value: String,
    pub verified: bool,
    pub has_password: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Profile {
    #[serde(flatten)]
    pub contact: ContactView,
    pub identities: Vec<IdentityView>,
    pub organisations: Vec<OrganisationView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditView {
    pub actor_kind: String,
    pub actor_id: Option<String>,
    /// Who, for people: "agent admin@example.com", "the customer", "API key sk_Ab3x…".
    pub actor: String,
    pub action: String,
    pub detail: Option<String>,
    pub at: String,
}

/// A contact as an agent sees it: identities masked, never a secret.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactDetail {
    #[serde(flatten)]
    pub contact: ContactView,
    pub identities: Vec<IdentityView>,
    pub organisations: Vec<OrganisationView>,
    pub audit: Vec<AuditView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Paging {
    pub page: i64,
    pub size: i64,
    pub has_more: bool,
    pub total: i64,
}

/// One page of the organisations a contact belongs to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OrganisationPage {
    pub content: Vec<OrganisationView>,
    pub paging: Paging,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactPage {
    pub content: Vec<ContactView>,
    pub paging: Paging,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentView {
    pub id: String,
    pub email: String,
    pub role: crate::domain::Role,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: String,
    pub kind: crate::domain::ApiKeyKind,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// A message that could not be delivered, as the back office lists it (recipient masked).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryFailureView {
    pub channel: String,
    pub to: String,
    pub attempts: i64,
    pub error: String,
    pub at: String,
}
