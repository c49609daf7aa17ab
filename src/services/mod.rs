//! The one core behind both faces: REST handlers and Leptos server functions call these.

pub mod agents;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod deliveries;
pub mod demo;
pub mod error;
pub mod limits;
pub mod organisations;

use std::sync::Arc;

pub use error::{
    AdminError, CodeError, ContactError, CredentialError, Fault, LimitError, Refusal, ServiceError,
    TokenError,
};

use crate::{config::Settings, delivery::Delivery, domain::Role, messages::Messages, store::Db};

/// Shared, cheap to clone: what every service call needs. Its parts are the services' own;
/// adapters call methods and get views back.
#[derive(Clone)]
pub struct Core {
    pub(crate) db: Db,
    pub(crate) settings: Arc<Settings>,
    pub(crate) delivery: Delivery,
    pub(crate) messages: Arc<Messages>,
    pub(crate) tokens: Arc<auth::tokens::TokenKeys>,
    pub(crate) passwords: auth::password_hashing::Hasher,
    pub(crate) secrets: Arc<auth::secrets::Secrets>,
    pub(crate) api_key_cache: auth::api_keys::ApiKeyCache,
}

impl Core {
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Seals a secret that must wait in the database a moment (a new API key shown on the next
    /// page): a copy of the database alone does not give it away.
    pub fn seal(&self, secret: &str) -> String {
        self.delivery.seal_key().seal(secret.as_bytes())
    }

    /// What `seal` sealed (`None` for anything else).
    pub fn unseal(&self, sealed: &str) -> Option<String> {
        let plain = self.delivery.seal_key().open(sealed)?;
        String::from_utf8(plain).ok()
    }

    /// A database round trip (for `/readyz`).
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.db.ping().await
    }

    /// Connections the pools hold, and how many of them are idle.
    pub fn pool_usage(&self) -> (u32, usize) {
        self.db.usage()
    }

    /// Closes the database pools (at shutdown).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Deletes what has expired: sessions, codes a day past their expiry, rate-limit counters
    /// untouched for longer than the longest window.
    pub async fn housekeeping(&self) -> anyhow::Result<()> {
        let day_ago = crate::store::now_ms() - 25 * 3_600_000;
        crate::store::sessions::delete_expired(&self.db).await?;
        crate::store::otps::delete_expired(&self.db, day_ago).await?;
        crate::store::throttles::delete_stale(&self.db, day_ago).await?;
        Ok(())
    }
}

/// Who is asking. Every service call that changes data takes one: the service decides what the
/// actor may do (`Forbidden` otherwise) and names it in the audit trail, so the REST API, the
/// portal's server functions and the CLI cannot differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A customer acting on their own contact.
    Customer(String),
    /// A signed-in back-office agent, with the role they have now.
    Agent { id: String, role: Role },
    /// A server using a back-office API key (its id).
    ApiKey(String),
    /// The operator at the command line (`portal agent create`, `demo-data`).
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Customer(_) => "CUSTOMER",
            Actor::Agent { .. } => "AGENT",
            Actor::ApiKey(_) => "API_KEY",
            Actor::System => "SYSTEM",
        }
    }

    pub fn id(&self) -> Option<String> {
        match self {
            Actor::Customer(id) | Actor::Agent { id, .. } | Actor::ApiKey(id) => Some(id.clone()),
            Actor::System => None,
        }
    }

    /// Agents, roles and API keys: admins and the operator only.
    pub(crate) fn require_admin(&self) -> Result<(), Refusal> {
        match self {
            Actor::Agent {
                role: Role::Admin, ..
            }
            | Actor::System => Ok(()),
            _ => Err(Refusal("only admins can do that")),
        }
    }

    /// Organisations: admins, the operator, and servers with a back-office key.
    pub(crate) fn require_organisations(&self) -> Result<(), Refusal> {
        match self {
            Actor::ApiKey(_) => Ok(()),
            other => other.require_admin(),
        }
    }

    /// Contacts managed from outside: any agent, a back-office key, the operator; not a customer.
    pub(crate) fn require_back_office(&self) -> Result<(), Refusal> {
        match self {
            Actor::Customer(_) => Err(Refusal(
                "customers manage their own contact through the self-service calls",
            )),
            _ => Ok(()),
        }
    }
}
