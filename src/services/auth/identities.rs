//! A signed-in customer's ways to sign in: adding an email or phone (proven by a code sent to
//! it, attached only while the sign-in that asked is live, the channels on file told), and
//! removing one. Every answer is the same whether or not the identity is someone else's.

use super::{
    codes::{CodeRequest, OtpChallenge},
    identity::ParsedIdentity,
    sign_ins::SignedIn,
    CustomerRef, Identity, IdentityInput,
};
use crate::{
    domain::{CodeIntent, Field, FieldError, LanguageCode, PendingIdentity, Provider, SignInRef},
    messages::{IdentityKind, Notice},
    services::{limits::Limit, Actor, CodeError, ContactError, Core, Fault},
    store::{
        self, identities::ProvenIdentity, now_ms, otps::OtpRow, unique_violation, Tx, UniqueKey,
    },
};

/// What add-identity answers: the code's challenge, and the id the identity will have.
#[derive(Clone, Debug)]
pub struct IdentityChallenge {
    pub identity_id: String,
    pub challenge: OtpChallenge,
}

const DAY_MS: i64 = 24 * 3_600_000;

impl Core {
    /// The language a contact has, if any (the portal's pages follow it).
    pub async fn contact_language(&self, contact_id: &str) -> Result<Option<LanguageCode>, Fault> {
        Ok(store::contacts::language_of(&self.db, contact_id).await?)
    }

    /// A contact's language for a message to it (English when it has none).
    pub(crate) async fn language_of(&self, contact_id: &str) -> Result<LanguageCode, Fault> {
        Ok(self
            .contact_language(contact_id)
            .await?
            .unwrap_or(LanguageCode::ENGLISH))
    }

    /// The contact a proven identity belongs to.
    pub(crate) async fn contact_of(
        &self,
        identity: &Identity,
    ) -> Result<Option<CustomerRef>, Fault> {
        let Some(found) =
            store::identities::find(&self.db, identity.provider(), identity.value()).await?
        else {
            return Ok(None);
        };
        Ok(store::contacts::find(&self.db, &found.contact_id)
            .await?
            .map(|c| CustomerRef::of(&c)))
    }

    /// A signed-in contact adds another email or phone, proven by a code sent to it; it is
    /// attached when that code is validated while this sign-in is still live. An identity that is
    /// someone else's gets the same answer (a code that opens nothing), and its owner a notice.
    pub async fn add_identity(
        &self,
        signed_in: &SignedIn,
        identity: IdentityInput,
        client_ip: Option<&str>,
    ) -> Result<IdentityChallenge, CodeError> {
        let customer = &signed_in.customer;
        let ParsedIdentity { identity, password } = identity.require(Field::NewIdentity)?;
        self.current_contact(customer)
            .await?
            .ok_or(CodeError::ContactNotFound)?;
        // The limits first, before anything is looked up: a flood of "is this taken?" is
        // refused without an answer about any identity.
        let mut limits = vec![Limit::SendsPerIdentifier(identity.key())];
        limits.extend(client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
        self.precheck(&limits).await?;
        // Hashed whether or not it will be used, so the time says nothing either.
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p, client_ip).await?),
            None => None,
        };
        let held = store::identities::find(&self.db, identity.provider(), identity.value()).await?;
        let taken = held
            .as_ref()
            .is_some_and(|h| h.contact_id != customer.contact_id);
        // Already the contact's own (a password being added): it keeps its id.
        let identity_id = held
            .as_ref()
            .filter(|_| !taken)
            .map(|h| h.id.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut pending = PendingIdentity::new(&identity, password_hash);
        pending.id = Some(identity_id.clone());
        let mut request = CodeRequest::new(
            CodeIntent::AddIdentity {
                identity: pending,
                sign_in: signed_in.sign_in.clone(),
            },
            &identity,
            !taken,
        )
        .for_contact(Some(customer))
        .counted_for(client_ip);
        if let Some(owner) = held.as_ref().filter(|_| taken) {
            let language = self.language_of(&owner.contact_id).await?;
            request.notices.push(self.messages.notice(
                language,
                identity.channel(),
                identity.value(),
                &Notice::IdentityTaken {
                    kind: IdentityKind::of(&identity),
                },
            ));
        }
        let challenge = self.issue_code(request).await?;
        Ok(IdentityChallenge {
            identity_id,
            challenge,
        })
    }

    /// Redeems an add-identity code: attaches the identity if the sign-in that asked is still
    /// live, and tells the channels already on file. Signs nobody in.
    pub(crate) async fn redeem_added_identity(
        &self,
        tx: &mut Tx<'_>,
        row: &OtpRow,
        identity: &PendingIdentity,
        sign_in: &SignInRef,
        now: i64,
    ) -> Result<String, CodeError> {
        let contact = code_contact(tx, row).await?;
        let customer = CustomerRef::of(&contact);
        if !self.sign_in_is_live(&mut **tx, sign_in, &customer).await? {
            return Err(CodeError::InvalidOtp);
        }
        let on_file = store::identities::for_contact(&mut **tx, &contact.id).await?;
        attach(tx, &contact.id, identity, now).await?;
        let Some(added) = identity.code_target() else {
            return Ok(contact.id);
        };
        let already = on_file
            .iter()
            .any(|i| i.provider == identity.provider && i.value == identity.value);
        let what = added.obfuscated();
        let notice = if already {
            Notice::PasswordAdded { what: &what }
        } else {
            Notice::IdentityAdded { what: &what }
        };
        let language = contact.language_code.unwrap_or(LanguageCode::ENGLISH);
        let channels = on_file
            .iter()
            .filter_map(|i| PendingIdentity::from_row(i).code_target())
            .filter(|c| !already || c != &added);
        for channel in channels {
            let message =
                self.messages
                    .notice(language, channel.channel(), channel.value(), &notice);
            self.delivery
                .enqueue(tx, None, &message, now, now + DAY_MS)
                .await?;
        }
        Ok(contact.id)
    }

    /// Removes one of the contact's ways to sign in. Never the last one; and one that has been
    /// on the contact longer than any other only once another has been there for the settled
    /// period (`IDENTITY_REMOVAL_AFTER_DAYS`): someone holding a stolen sign-in who adds their
    /// own email cannot then remove the owner's and keep the account. The removed identity and
    /// those left are told.
    pub async fn remove_identity(
        &self,
        customer: &CustomerRef,
        identity_id: &str,
    ) -> Result<(), ContactError> {
        let contact_id = customer.contact_id.as_str();
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, contact_id).await?;
        let contact =
            store::contacts::find_incarnation(&mut *tx, contact_id, &customer.incarnation)
                .await?
                .ok_or(ContactError::ContactNotFound)?;
        let language = contact.language_code.unwrap_or(LanguageCode::ENGLISH);
        let held = store::identities::for_contact(&mut *tx, contact_id).await?;
        let Some(removed) = held.iter().find(|i| i.id == identity_id) else {
            return Err(ContactError::IdentityNotFound);
        };
        let rest: Vec<_> = held.iter().filter(|i| i.id != identity_id).collect();
        if rest.is_empty() {
            return Err(FieldError::new(
                Field::IdentityId,
                "LAST_IDENTITY",
                "This is your only way to sign in: add another before you remove it",
            )
            .into());
        }
        let settled = now - self.settings.identity_removal_after.as_millis() as i64;
        let removed_since = removed.verified_at.unwrap_or(removed.created_at);
        let another_stays = rest.iter().any(|i| {
            let since = i.verified_at.unwrap_or(i.created_at);
            since <= removed_since || since <= settled
        });
        if !another_stays {
            return Err(FieldError::new(
                Field::IdentityId,
                "NEEDS_A_SETTLED_IDENTITY",
                format!(
                    "Your other ways to sign in were added recently. You can remove this one once \
                     one of them has been on your account for {} days.",
                    self.settings.identity_removal_after.as_secs() / 86_400
                ),
            )
            .into());
        }
        store::identities::delete(&mut *tx, identity_id).await?;
        let gone = PendingIdentity::from_row(removed);
        let what = gone.code_target().map(|identity| identity.obfuscated());
        let notice = Notice::IdentityRemoved {
            what: what.as_deref(),
        };
        let told = std::iter::once(gone)
            .chain(rest.iter().map(|i| PendingIdentity::from_row(i)))
            .filter_map(|i| i.code_target());
        for channel in told {
            let message =
                self.messages
                    .notice(language, channel.channel(), channel.value(), &notice);
            self.delivery
                .enqueue(&mut tx, None, &message, now, now + DAY_MS)
                .await?;
        }
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "IDENTITY_REMOVED",
            Some(removed.provider.as_str()),
        )
        .await?;
        tx.commit().await?;
        self.delivery.wake();
        Ok(())
    }
}

impl PendingIdentity {
    /// An identity on file, as the pending identity it once was (to reach its channel).
    pub(crate) fn from_row(row: &store::identities::IdentityRow) -> Self {
        Self {
            id: Some(row.id.clone()),
            provider: row.provider,
            value: row.value.clone(),
            password_hash: None,
        }
    }
}

/// The contact a claim or add-identity code was issued for, if it is still that very row.
pub(crate) async fn code_contact(
    tx: &mut Tx<'_>,
    row: &OtpRow,
) -> Result<store::contacts::ContactRow, CodeError> {
    let (Some(id), Some(incarnation)) = (&row.contact_id, &row.contact_incarnation) else {
        return Err(CodeError::InvalidOtp);
    };
    store::contacts::find_incarnation(&mut **tx, id, incarnation)
        .await?
        .ok_or(CodeError::InvalidOtp)
}

/// Attaches a proven identity (with its password, if one was given): it is the contact's own
/// already, or nobody's.
pub(crate) async fn attach(
    tx: &mut Tx<'_>,
    contact_id: &str,
    pending: &PendingIdentity,
    now: i64,
) -> Result<(), CodeError> {
    match store::identities::find(&mut **tx, pending.provider, &pending.value).await? {
        Some(existing) if existing.contact_id == contact_id => {
            if let Some(hash) = &pending.password_hash {
                store::identities::set_password(&mut **tx, &existing.id, hash).await?;
            }
            Ok(())
        }
        Some(_) => Err(CodeError::IdentityTaken),
        None => {
            let inserted = store::identities::insert(
                &mut **tx,
                &ProvenIdentity {
                    id: pending.id.as_deref(),
                    contact_id,
                    provider: pending.provider,
                    value: &pending.value,
                    password_hash: pending
                        .password_hash
                        .as_deref()
                        .filter(|_| pending.provider == Provider::Email),
                    proven_at: now,
                },
            )
            .await;
            match inserted {
                Err(e) if unique_violation(&e) == Some(UniqueKey::Identity) => {
                    Err(CodeError::IdentityTaken)
                }
                other => Ok(other?),
            }
        }
    }
}
