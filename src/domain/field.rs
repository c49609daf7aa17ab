//! The fields of the services' commands, named once. A service says what is wrong with its input
//! by these; each face (REST v1, CRM.COM's v2, the back office, the portal's forms) spells them
//! in one function of its own (`api::spelling`, `web::outcome`), and the compiler holds every
//! spelling to every field.

/// A field of a command (what the services take), not of any one face's JSON or form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    // A contact: its own fields, on every face that reads or writes them.
    ContactId,
    ContactCode,
    ContactType,
    Title,
    FirstName,
    LastName,
    CompanyName,
    /// The contact's email (back office, profile).
    Email,
    /// The contact's phone (back office): its number and country.
    Phone(PhonePart),
    EmailOptOut,
    SmsOptOut,
    Avatar,
    /// The contact's language (ISO 639-1).
    LanguageCode,
    /// Who referred the contact (CRM.COM's v2 sign-up).
    ReferralCode,
    /// The country of the contact's agreement (ISO 3166 alpha-3).
    CountryOfAgreement,
    /// The organisations a new contact joins.
    Organisations,
    // Proving who one is.
    /// The identity signed up with (registration, Facebook).
    Identity(IdentityPart),
    /// The identity a claim asks for.
    ClaimIdentity(IdentityPart),
    /// The identity a signed-in customer adds.
    NewIdentity(IdentityPart),
    /// The terms of service, accepted or not.
    Terms,
    /// Which identity a code is for (`credentials[0]`).
    Credential(CredentialPart),
    /// What identifies the contact a claim takes over; `None`: the list as a whole.
    Identification(Option<u16>, IdentificationPart),
    /// A one-time code as typed.
    Code,
    /// The handle of a code (`auth_otp`).
    Handle,
    /// What a sign-in (or a password reset) names: the provider, the email or phone, the
    /// password.
    SignIn(IdentityPart),
    /// The email of a sign-in under CRM.COM's name for it, where a face takes both names.
    Username,
    /// A new password (set, changed, reset; an agent's).
    Password,
    CurrentPassword,
    ResetToken,
    RefreshToken,
    /// The channel a code is asked for (v2 `method`).
    Method,
    /// The identity a customer removes.
    IdentityId,
    // Lists.
    Page,
    Size,
    // What admins manage.
    OrganisationName,
    OrgType,
    AgentEmail,
    Role,
    AgentId,
    KeyKind,
    /// A key a face's own request carries that no command takes (`READ_ONLY`, `UNSUPPORTED`),
    /// spelled as that face sent it.
    Sent(&'static str),
    /// A value read back from storage (only ever seen in a log: stored rows were checked once).
    Stored,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhonePart {
    /// The phone as a whole (a wrong type, say).
    Whole,
    Number,
    Country,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityPart {
    Whole,
    Provider,
    Email,
    Password,
    PhoneNumber,
    CountryCode,
    /// The phone as one object (v2's `phone{number, country_code}`), when it is not an object.
    Phone,
    Token,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialPart {
    /// The list (`credentials`).
    List,
    /// An element of the list that is not a credential.
    Item(u16),
    Name,
    Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentificationPart {
    Whole,
    Name,
    Value,
}

impl Field {
    /// The same part of another identity field (`Identity(Email)` → `NewIdentity(Email)`).
    pub fn identity_part(self) -> Option<IdentityPart> {
        match self {
            Field::Identity(p) | Field::ClaimIdentity(p) | Field::NewIdentity(p) => Some(p),
            _ => None,
        }
    }
}
