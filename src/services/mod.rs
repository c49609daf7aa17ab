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

pub use error::{ServiceError, ServiceResult};

use crate::{config::Settings, delivery::Delivery, store::Db};

/// Shared, cheap to clone: what every service call needs.
#[derive(Clone)]
pub struct Core {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub delivery: Delivery,
    pub tokens: Arc<auth::tokens::TokenKeys>,
    pub passwords: auth::passwords::Hasher,
    pub secrets: Arc<auth::secrets::Secrets>,
}

impl Core {
    /// Deletes what has expired: sessions, codes a day past their expiry, rate-limit counters
    /// untouched for longer than the longest window.
    pub async fn housekeeping(&self) -> anyhow::Result<()> {
        let day_ago = crate::store::now_ms() - 25 * 3_600_000;
        crate::store::sessions::delete_expired(&self.db).await?;
        crate::store::otps::delete_expired(&self.db.pool, day_ago).await?;
        crate::store::throttles::delete_stale(&self.db.pool, day_ago).await?;
        Ok(())
    }
}

/// Who did something, for the audit trail.
#[derive(Clone, Debug)]
pub enum Actor {
    Customer(String),
    Agent(String),
    ApiKey(String),
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Customer(_) => "CUSTOMER",
            Actor::Agent(_) => "AGENT",
            Actor::ApiKey(_) => "API_KEY",
            Actor::System => "SYSTEM",
        }
    }

    pub fn id(&self) -> Option<String> {
        match self {
            Actor::Customer(id) | Actor::Agent(id) | Actor::ApiKey(id) => Some(id.clone()),
            Actor::System => None,
        }
    }
}
