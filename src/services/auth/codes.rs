//! The one-time code rules: issue (with send limits), deliver, and check (purpose, expiry, tries
//! per code, wrong codes across codes, single use).

use serde::Serialize;

use super::{
    secrets::{random_code, random_token, sha256_hex},
    CustomerRef,
};
use crate::{
    delivery::OtpMessage,
    domain::{CodeIntent, Field, Identity, LanguageCode, OtpCode, Purpose},
    messages::CodeText,
    services::{
        limits::{claim_limits, Attempts, Counted, Limit, CLAIM_LIMIT_PREFIX},
        CodeError, Core, Fault, LimitError,
    },
    store::{self, now_ms, otps::OtpRow, Tx},
};

/// What a client gets back after a code was sent: an opaque handle to the code, and where it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OtpChallenge {
    pub auth_otp: String,
    pub obfuscated_value: String,
}

/// Which code a `validate-otp` call means.
#[derive(Clone, Debug)]
pub enum OtpLookup {
    /// The `auth_otp` handle returned when the code was sent.
    Handle(String),
    /// The newest live sign-in code of this identity.
    Identity(Identity),
}

/// One code to issue: what it does, which identity it proves, and who counts it.
pub(crate) struct CodeRequest<'a> {
    /// What redeeming the code does (its purpose follows).
    pub intent: CodeIntent,
    /// The identity the code proves, and where it goes.
    pub identity: &'a Identity,
    /// The identifier the send limits count and the answer depends on; `None`: the identity. A
    /// claim counts what the client typed, so that a match and a miss are counted alike.
    pub limit_key: Option<String>,
    /// The contact the code acts on (sign-in, claim, added identity, reset).
    pub contact: Option<&'a CustomerRef>,
    /// `false` issues a decoy that nobody receives (identities not on file), so that the answer
    /// and its cost look the same whether or not the identity exists.
    pub deliver: bool,
    /// Messages without a code queued with this one, whether or not it is a decoy (telling an
    /// identity that it is taken, say): sent only if the send is allowed.
    pub notices: Vec<OtpMessage>,
    pub client_ip: Option<&'a str>,
}

impl<'a> CodeRequest<'a> {
    /// A code for `identity` that goes out (`deliver`), counted against the identity itself.
    pub fn new(intent: CodeIntent, identity: &'a Identity, deliver: bool) -> Self {
        Self {
            intent,
            identity,
            limit_key: None,
            contact: None,
            deliver,
            notices: Vec::new(),
            client_ip: None,
        }
    }

    pub fn for_contact(mut self, contact: Option<&'a CustomerRef>) -> Self {
        self.contact = contact;
        self
    }

    pub fn counted_for(mut self, client_ip: Option<&'a str>) -> Self {
        self.client_ip = client_ip;
        self
    }
}

impl Core {
    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.settings.limits.otp_ttl.as_millis()).unwrap_or(600_000)
    }

    /// `handle`: the code's `auth_otp`. A reset message also carries the reset token (handle and
    /// code together) for apps that ask for one instead of the code (CRM.COM's v2
    /// `contacts/change_password`): only the owner of the inbox ever sees it.
    pub(crate) fn code_message(
        &self,
        row: &OtpRow,
        code: &str,
        handle: &str,
        language: LanguageCode,
    ) -> OtpMessage {
        let token = (row.purpose() == Purpose::ResetPassword).then(|| reset_token(handle, code));
        self.messages.code(
            language,
            &row.identity,
            &CodeText {
                purpose: row.purpose(),
                code,
                minutes: (self.settings.limits.otp_ttl.as_secs() / 60).max(1),
                // An add-identity code goes to the identity being added, which its message names.
                target: &row.identity.obfuscated(),
                reset_token: token.as_deref(),
            },
        )
    }

    /// The language a code's message is written in: its contact's, else the one the
    /// registration asked for, else English.
    async fn message_language(&self, tx: &mut Tx<'_>, row: &OtpRow) -> sqlx::Result<LanguageCode> {
        let of_contact = match &row.contact_id {
            Some(id) => store::contacts::language_of(&mut **tx, id).await?,
            None => None,
        };
        let asked = match &row.intent {
            CodeIntent::Register(pending) => pending
                .language_code
                .as_deref()
                .and_then(LanguageCode::from_stored),
            _ => None,
        };
        Ok(of_contact.or(asked).unwrap_or(LanguageCode::ENGLISH))
    }

    /// Issues a code (and its notices) in one transaction with the send limits it counts; the
    /// answer is where it went as the caller may be told: the identity, masked.
    #[tracing::instrument(skip_all, fields(purpose = request.intent.purpose().as_str()))]
    pub(crate) async fn issue_code(
        &self,
        request: CodeRequest<'_>,
    ) -> Result<OtpChallenge, LimitError> {
        let shown_as = match &request.intent {
            CodeIntent::Claim { shown_as, .. } => shown_as.clone(),
            _ => request.identity.obfuscated(),
        };
        let now = now_ms();
        let code = random_code();
        let handle = random_token(16);
        let id = uuid::Uuid::new_v4().to_string();
        let channel_key = request.identity.key();
        let limit_key = request
            .limit_key
            .clone()
            .unwrap_or_else(|| channel_key.clone());
        let mut row = OtpRow {
            code_hash: self.secrets.code_hash(&id, &code),
            id,
            handle_hash: sha256_hex(&handle),
            intent: request.intent,
            identity: request.identity.clone(),
            limit_key: limit_key.clone(),
            decoy: !request.deliver,
            contact_id: request.contact.map(|c| c.contact_id.clone()),
            contact_incarnation: request.contact.map(|c| c.incarnation.clone()),
            attempts: 0,
            client_ip: request.client_ip.map(str::to_owned),
            created_at: now,
            expires_at: now + self.ttl_ms(),
            consumed_at: None,
        };

        let mut limits = vec![Limit::SendsPerIdentifier(limit_key.clone())];
        limits.extend(request.client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
        let mut tx = self.db.begin().await?;
        if let Counted::Refused { retry_after_secs } =
            self.count_sends(&mut tx, &limits, now).await?
        {
            return Err(LimitError::TooManyRequests { retry_after_secs });
        }
        // The channel keeps its own cap (no pumping texts to one phone through many claims);
        // when it refuses, the caller still gets the answer the identifier's limits gave.
        if !row.decoy && limit_key != channel_key {
            let channel = [Limit::SendsPerIdentifier(channel_key)];
            if let Counted::Refused { .. } = self.count_sends(&mut tx, &channel, now).await? {
                row.decoy = true;
            }
        }
        if !row.decoy {
            if let Some(why) = self.sms_held_back(&mut tx, &row.identity, now).await? {
                // Nothing leaves, and the answer is the one a sent code gets.
                tracing::warn!(reason = why, "SMS held back");
                metrics::counter!("portal_sms_held_back_total", "reason" => why).increment(1);
                row.decoy = true;
            }
        }
        store::otps::insert(&mut *tx, &row).await?;
        // The message is queued with its code, in one transaction: both or neither. The request
        // does not wait for the provider (so it answers in the same time whoever it is for).
        let mut queued = false;
        if !row.decoy {
            let language = self.message_language(&mut tx, &row).await?;
            let message = self.code_message(&row, &code, &handle, language);
            self.delivery
                .enqueue(&mut tx, Some(&row.id), &message, now, row.expires_at)
                .await?;
            queued = true;
        }
        for notice in &request.notices {
            self.delivery
                .enqueue(&mut tx, None, notice, now, row.expires_at)
                .await?;
            queued = true;
        }
        tx.commit().await?;
        if queued {
            self.delivery.wake();
        }
        Ok(OtpChallenge {
            auth_otp: handle,
            obfuscated_value: shown_as,
        })
    }

    /// Why an SMS to `identity` must not leave (SMS pumping: a country SMS may not go to, or
    /// too many codes to its destination prefix this hour), counted in the code's transaction.
    async fn sms_held_back(
        &self,
        tx: &mut Tx<'_>,
        identity: &Identity,
        now: i64,
    ) -> Result<Option<&'static str>, Fault> {
        let Identity::Phone(phone) = identity else {
            return Ok(None);
        };
        let limits = &self.settings.limits;
        if let Some(allowed) = &limits.sms_countries {
            if !phone
                .country()
                .is_some_and(|c| allowed.iter().any(|a| a == c))
            {
                return Ok(Some("country"));
            }
        }
        if limits.sms_sends_per_prefix_per_hour > 0 {
            let prefix = [Limit::SmsPerPrefix(phone.destination_prefix())];
            if let Counted::Refused { .. } = self.count_sends(tx, &prefix, now).await? {
                return Ok(Some("prefix_cap"));
            }
        }
        Ok(None)
    }

    /// Sends a fresh code for the same intent as an earlier one (the "Send a new code" button),
    /// counted as the first was; decoys stay decoys. A claim's resend is a claim again: counted
    /// toward the same caps, answered alike, and sending the channel on file no more than a claim
    /// would. A used code, or one whose sign-in has ended, gets no successor.
    pub async fn resend_code(
        &self,
        handle: &str,
        client_ip: Option<&str>,
    ) -> Result<OtpChallenge, CodeError> {
        let row = store::otps::by_handle(&self.db, &sha256_hex(handle.trim()))
            .await?
            .ok_or(CodeError::InvalidOtp)?;
        if row.consumed_at.is_some() {
            return Err(CodeError::InvalidOtp);
        }
        let contact = match (&row.contact_id, &row.contact_incarnation) {
            (Some(id), Some(incarnation)) => Some(CustomerRef {
                contact_id: id.clone(),
                incarnation: incarnation.clone(),
            }),
            _ => None,
        };
        if let CodeIntent::Claim { .. } = &row.intent {
            let identifier = row
                .limit_key
                .strip_prefix(CLAIM_LIMIT_PREFIX)
                .unwrap_or(&row.limit_key);
            self.count_attempts(&claim_limits(identifier, client_ip))
                .await?;
        }
        if let (CodeIntent::AddIdentity { sign_in, .. }, Some(contact)) = (&row.intent, &contact) {
            if !self.sign_in_is_live(&self.db, sign_in, contact).await? {
                return Err(CodeError::InvalidOtp);
            }
        }
        let request = CodeRequest {
            intent: row.intent.clone(),
            identity: &row.identity,
            limit_key: Some(row.limit_key.clone()),
            contact: contact.as_ref(),
            deliver: !row.decoy,
            notices: Vec::new(),
            client_ip,
        };
        Ok(self.issue_code(request).await?)
    }

    /// How many seconds until "Send a new code" for the code behind `handle` would be sent (0:
    /// now): the limits `resend_code` counts, looked at without counting. Decoys wait alike, and an
    /// unknown handle has nothing to wait for.
    pub async fn resend_wait_secs(
        &self,
        handle: &str,
        client_ip: Option<&str>,
    ) -> Result<i64, Fault> {
        let Some(row) = store::otps::by_handle(&self.db, &sha256_hex(handle.trim())).await? else {
            return Ok(0);
        };
        let mut limits = vec![Limit::SendsPerIdentifier(row.limit_key)];
        limits.extend(client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
        match self.precheck(&limits).await {
            Ok(()) => Ok(0),
            Err(LimitError::TooManyRequests { retry_after_secs }) => Ok(retry_after_secs),
            Err(LimitError::Fault(fault)) => Err(fault),
        }
    }

    /// Finds the code meant and checks it. Wrong codes count per code (5 tries), per identity
    /// across its codes and per client IP, all before the comparison so parallel guesses cannot
    /// slip past a cap. The right code comes back unconsumed (the caller consumes it inside the
    /// transaction that acts on it) with the counted attempts, to be taken back then.
    pub(crate) async fn check_code(
        &self,
        lookup: &OtpLookup,
        code: &OtpCode,
        accepted: &[Purpose],
        client_ip: Option<&str>,
    ) -> Result<(OtpRow, Attempts), CodeError> {
        let now = now_ms();
        let row = match lookup {
            OtpLookup::Handle(handle) => {
                store::otps::by_handle(&self.db, &sha256_hex(handle.trim())).await?
            }
            OtpLookup::Identity(identity) => {
                store::otps::newest_live_sign_in(&self.db, identity, now).await?
            }
        };
        let guessed = match lookup {
            OtpLookup::Identity(identity) => Some(identity.key()),
            OtpLookup::Handle(_) => row.as_ref().map(|r| r.identity.key()),
        };
        let mut limits: Vec<Limit> = guessed
            .into_iter()
            .map(Limit::WrongCodesPerIdentity)
            .collect();
        limits.extend(client_ip.map(|ip| Limit::WrongCodesPerIp(ip.to_owned())));
        let attempts = self.begin_attempts(&limits).await?;

        let row = row
            .filter(|r| accepted.contains(&r.purpose()))
            .ok_or(CodeError::InvalidOtp)?;
        let max = self.settings.limits.otp_max_attempts;
        check_state(&row, now, max)?;
        if store::otps::take_try(&self.db, &row.id, max)
            .await?
            .is_none()
        {
            // Another request used the code, or its last tries, in the meantime.
            let now_row = store::otps::by_handle(&self.db, &row.handle_hash).await?;
            if now_row.is_some_and(|r| r.consumed_at.is_none()) {
                return Err(CodeError::OtpAttemptsExceeded);
            }
            // Used by a parallel request: the right code is not a guess, so it is not counted.
            if self
                .secrets
                .code_matches(&row.id, code.as_str(), &row.code_hash)
            {
                self.attempts_succeeded(attempts).await?;
            }
            return Err(CodeError::InvalidOtp);
        }
        // A decoy was sent to nobody: no code opens it, not even a lucky guess.
        if row.decoy
            || !self
                .secrets
                .code_matches(&row.id, code.as_str(), &row.code_hash)
        {
            return Err(CodeError::InvalidOtp);
        }
        Ok((row, attempts))
    }
}

/// A code as typed: empty is a missing field, anything that cannot be six digits is simply a
/// wrong code to the caller (it costs no try: it is never compared).
pub fn typed_code(field: Field, raw: &str) -> Result<OtpCode, CodeError> {
    match OtpCode::parse(field, raw) {
        Ok(code) => Ok(code),
        Err(e) if e.code == "REQUIRED" => Err(CodeError::Validation(e.into())),
        Err(_) => Err(CodeError::InvalidOtp),
    }
}

/// The pure part of the code rules: used, expired, or out of tries.
pub fn check_state(row: &OtpRow, now: i64, max_attempts: i64) -> Result<(), CodeError> {
    if row.consumed_at.is_some() {
        return Err(CodeError::InvalidOtp);
    }
    if row.attempts >= max_attempts {
        return Err(CodeError::OtpAttemptsExceeded);
    }
    if now >= row.expires_at {
        return Err(CodeError::OtpExpired);
    }
    Ok(())
}

/// A password reset token: the code's handle and the code, in one string.
pub(crate) fn reset_token(handle: &str, code: &str) -> String {
    format!("{handle}.{code}")
}

/// The handle and the code of a reset token (handles are base64url: no `.` in them).
pub(crate) fn split_reset_token(token: &str) -> Option<(&str, &str)> {
    token
        .trim()
        .rsplit_once('.')
        .filter(|(h, c)| !h.is_empty() && !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;

    fn row(attempts: i64, expires_at: i64, consumed_at: Option<i64>) -> OtpRow {
        OtpRow {
            id: "x".into(),
            handle_hash: String::new(),
            intent: CodeIntent::SignIn,
            identity: Identity::Email(Email::parse(Field::Stored, "a@example.com").unwrap()),
            limit_key: String::new(),
            decoy: false,
            contact_id: None,
            contact_incarnation: None,
            code_hash: String::new(),
            attempts,
            client_ip: None,
            created_at: 0,
            expires_at,
            consumed_at,
        }
    }

    #[test]
    fn expiry_tries_and_single_use() {
        assert!(check_state(&row(0, 1000, None), 999, 5).is_ok());
        assert!(matches!(
            check_state(&row(0, 1000, None), 1000, 5),
            Err(CodeError::OtpExpired)
        ));
        assert!(check_state(&row(4, 1000, None), 10, 5).is_ok());
        assert!(matches!(
            check_state(&row(5, 1000, None), 10, 5),
            Err(CodeError::OtpAttemptsExceeded)
        ));
        assert!(matches!(
            check_state(&row(0, 1000, Some(5)), 10, 5),
            Err(CodeError::InvalidOtp)
        ));
    }

    #[test]
    fn reset_tokens_split_back_into_handle_and_code() {
        let token = reset_token("Ab-_9x", "123456");
        assert_eq!(split_reset_token(&token), Some(("Ab-_9x", "123456")));
        assert_eq!(
            split_reset_token(" Ab-_9x.123456 "),
            Some(("Ab-_9x", "123456"))
        );
        for bad in ["", ".", "abc", ".123456", "abc."] {
            assert_eq!(split_reset_token(bad), None, "{bad}");
        }
    }
}
