//! Back-office agents: created from the CLI or by an admin, sign in with argon2id passwords,
//! roles `admin` and `agent`; disabling one ends their sessions at once. Who may do what is
//! decided here (the actor), and every change is in the audit trail.

use crate::{
    domain::{Email, Field, FieldError, Role, ValidationErrors},
    services::{
        auth::password_hashing::check_strength, limits::Limit, Actor, AdminError, Core,
        CredentialError, Fault,
    },
    store::{self, agents::AgentRow, now_ms},
    views::AgentView,
};

/// A signed-in, enabled agent.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: String,
    pub email: String,
    pub role: Role,
}

impl Agent {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// This agent as the actor of a service call.
    pub fn actor(&self) -> Actor {
        Actor::Agent {
            id: self.id.clone(),
            role: self.role,
        }
    }
}

fn agent_view(row: &AgentRow) -> AgentView {
    AgentView {
        id: row.id.clone(),
        email: row.email.clone(),
        role: row.role,
        disabled: row.disabled_at.is_some(),
        created_at: super::contacts::convert_time(row.created_at),
    }
}

fn not_found() -> AdminError {
    FieldError::new(Field::AgentId, "NOT_FOUND", "No such agent").into()
}

impl Core {
    #[tracing::instrument(skip_all)]
    pub async fn create_agent(
        &self,
        actor: &Actor,
        email: &str,
        role: &str,
        password: String,
    ) -> Result<AgentView, AdminError> {
        actor.require_admin()?;
        let mut errors = ValidationErrors::default();
        let email = errors.check(Email::parse(Field::AgentEmail, email));
        let role = errors.check(Role::parse(Field::Role, role));
        errors.check(check_strength(Field::Password, &password));
        errors.into_result()?;
        let (Some(email), Some(role)) = (email, role) else {
            return Err(AdminError::Validation(ValidationErrors::default()));
        };
        let taken = || {
            AdminError::from(FieldError::new(
                Field::AgentEmail,
                "TAKEN",
                "An agent with this email already exists",
            ))
        };
        if store::agents::by_email(&self.db, email.as_str())
            .await?
            .is_some()
        {
            return Err(taken());
        }
        let row = AgentRow {
            id: uuid::Uuid::new_v4().to_string(),
            email: email.as_str().to_owned(),
            password_hash: self.passwords.hash(password, None).await?,
            role,
            disabled_at: None,
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        if let Err(e) = store::agents::insert(&mut *tx, &row).await {
            return Err(
                if store::unique_violation(&e) == Some(store::UniqueKey::AgentEmail) {
                    taken()
                } else {
                    e.into()
                },
            );
        }
        let detail = format!("{} ({})", row.email, role.as_str());
        self.audit(&mut *tx, None, actor, "AGENT_CREATED", Some(&detail))
            .await?;
        tx.commit().await?;
        Ok(agent_view(&row))
    }

    /// Email + password for an agent. One generic failure; at most N failures per account per hour.
    pub async fn agent_sign_in(
        &self,
        email: &str,
        password: String,
        client_ip: Option<&str>,
    ) -> Result<Agent, CredentialError> {
        let email = email.trim().to_lowercase();
        let mut limits = vec![Limit::FailuresPerAccount(format!("AGENT:{email}"))];
        limits.extend(client_ip.map(|ip| Limit::FailuresPerIp(ip.to_owned())));
        let attempts = self.begin_attempts(&limits).await?;
        let row = store::agents::by_email(&self.db, &email).await?;
        let stored = row
            .as_ref()
            .filter(|r| r.disabled_at.is_none())
            .map(|r| r.password_hash.clone());
        if !self.passwords.verify(password, stored, client_ip).await? {
            // Failures are slowed (and capped above): guessing at the back office is costly.
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            return Err(CredentialError::InvalidCredentials);
        }
        let row = row.ok_or(CredentialError::InvalidCredentials)?;
        self.attempts_succeeded(attempts).await?;
        Ok(Agent {
            id: row.id,
            email: row.email,
            role: row.role,
        })
    }

    /// The agent behind a session, if it still exists and is enabled.
    pub async fn active_agent(&self, id: &str) -> Result<Option<Agent>, Fault> {
        let row = store::agents::by_id(&self.db, id).await?;
        Ok(row.filter(|r| r.disabled_at.is_none()).map(|r| Agent {
            id: r.id,
            email: r.email,
            role: r.role,
        }))
    }

    pub async fn agents(&self, actor: &Actor) -> Result<Vec<AgentView>, AdminError> {
        actor.require_admin()?;
        Ok(store::agents::list(&self.db)
            .await?
            .iter()
            .map(agent_view)
            .collect())
    }

    /// Disabling ends every session the agent has, on every server. Nobody disables themselves.
    pub async fn set_agent_disabled(
        &self,
        actor: &Actor,
        id: &str,
        disabled: bool,
    ) -> Result<(), AdminError> {
        actor.require_admin()?;
        if disabled && actor.id().as_deref() == Some(id) {
            return Err(AdminError::Forbidden("you cannot disable yourself"));
        }
        let mut tx = self.db.begin().await?;
        let target = store::agents::by_id(&mut *tx, id)
            .await?
            .ok_or_else(not_found)?;
        store::agents::set_disabled(&mut *tx, id, disabled.then(now_ms)).await?;
        if disabled {
            store::sessions::end_for_agent(&mut *tx, id).await?;
        }
        let action = if disabled {
            "AGENT_DISABLED"
        } else {
            "AGENT_ENABLED"
        };
        self.audit(&mut *tx, None, actor, action, Some(&target.email))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Nobody demotes themselves (there would be no admin left to undo it, perhaps).
    pub async fn set_agent_role(
        &self,
        actor: &Actor,
        id: &str,
        role: &str,
    ) -> Result<(), AdminError> {
        actor.require_admin()?;
        let role = Role::parse(Field::Role, role)?;
        if role != Role::Admin && actor.id().as_deref() == Some(id) {
            return Err(AdminError::Forbidden("you cannot demote yourself"));
        }
        let mut tx = self.db.begin().await?;
        let target = store::agents::by_id(&mut *tx, id)
            .await?
            .ok_or_else(not_found)?;
        store::agents::set_role(&mut *tx, id, role.as_str()).await?;
        let detail = format!("{} is now {}", target.email, role.as_str());
        self.audit(&mut *tx, None, actor, "AGENT_ROLE_CHANGED", Some(&detail))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
