//! Back-office agents: created from the CLI or by an admin, sign in with argon2id passwords,
//! roles `admin` and `agent`; disabling one ends their sessions at once.

use crate::{
    domain::{Email, FieldError, ValidationErrors},
    services::{auth::passwords::check_strength, limits::Limit, Core, ServiceError, ServiceResult},
    store::{self, agents::AgentRow, now_ms},
    views::AgentView,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "agent" => Ok(Role::Agent),
            _ => Err(FieldError::new(
                field,
                "INVALID_VALUE",
                "Role must be admin or agent",
            )),
        }
    }
}

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
}

pub fn agent_view(row: &AgentRow) -> AgentView {
    AgentView {
        id: row.id.clone(),
        email: row.email.clone(),
        role: row.role.clone(),
        disabled: row.disabled_at.is_some(),
        created_at: super::contacts::convert_time(row.created_at),
    }
}

impl Core {
    pub async fn create_agent(
        &self,
        email: &str,
        role: &str,
        password: String,
    ) -> ServiceResult<AgentView> {
        let mut errors = ValidationErrors::default();
        let email = errors.check(Email::parse("email", email));
        let role = errors.check(Role::parse("role", role));
        errors.check(check_strength("password", &password));
        errors.into_result()?;
        let (Some(email), Some(role)) = (email, role) else {
            return Err(ServiceError::Validation(ValidationErrors::default()));
        };
        if store::agents::by_email(&self.db.pool, email.as_str())
            .await?
            .is_some()
        {
            return Err(FieldError::new(
                "email",
                "TAKEN",
                "An agent with this email already exists",
            )
            .into());
        }
        let row = AgentRow {
            id: uuid::Uuid::new_v4().to_string(),
            email: email.as_str().to_owned(),
            password_hash: self.passwords.hash(password, None).await?,
            role: role.as_str().to_owned(),
            disabled_at: None,
            created_at: now_ms(),
        };
        store::agents::insert(&self.db.pool, &row)
            .await
            .map_err(|e| {
                if store::is_unique_violation(&e) {
                    ServiceError::from(FieldError::new(
                        "email",
                        "TAKEN",
                        "An agent with this email already exists",
                    ))
                } else {
                    e.into()
                }
            })?;
        Ok(agent_view(&row))
    }

    /// Email + password for an agent. One generic failure; at most N failures per account per hour.
    pub async fn agent_sign_in(
        &self,
        email: &str,
        password: String,
        client_ip: Option<&str>,
    ) -> ServiceResult<Agent> {
        let email = email.trim().to_lowercase();
        let mut limits = vec![Limit::FailuresPerAccount(format!("AGENT:{email}"))];
        limits.extend(client_ip.map(|ip| Limit::FailuresPerIp(ip.to_owned())));
        let attempts = self.begin_attempts(&limits).await?;
        let row = store::agents::by_email(&self.db.pool, &email).await?;
        let stored = row
            .as_ref()
            .filter(|r| r.disabled_at.is_none())
            .map(|r| r.password_hash.clone());
        if !self.passwords.verify(password, stored, client_ip).await? {
            // Failures are slowed (and capped above): guessing at the back office is costly.
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            return Err(ServiceError::InvalidCredentials);
        }
        let row = row.ok_or(ServiceError::InvalidCredentials)?;
        self.attempts_succeeded(attempts).await?;
        Ok(Agent {
            id: row.id,
            email: row.email,
            role: Role::parse("role", &row.role)?,
        })
    }

    /// The agent behind a session, if it still exists and is enabled.
    pub async fn active_agent(&self, id: &str) -> ServiceResult<Option<Agent>> {
        let row = store::agents::by_id(&self.db.pool, id).await?;
        Ok(row.filter(|r| r.disabled_at.is_none()).and_then(|r| {
            Role::parse("role", &r.role).ok().map(|role| Agent {
                id: r.id,
                email: r.email,
                role,
            })
        }))
    }

    pub async fn agents(&self) -> ServiceResult<Vec<AgentView>> {
        Ok(store::agents::list(&self.db.pool)
            .await?
            .iter()
            .map(agent_view)
            .collect())
    }

    /// Disabling ends every session the agent has, on every server.
    pub async fn set_agent_disabled(&self, id: &str, disabled: bool) -> ServiceResult<()> {
        let at = disabled.then(now_ms);
        if !store::agents::set_disabled(&self.db.pool, id, at).await? {
            return Err(FieldError::new("agent", "NOT_FOUND", "No such agent").into());
        }
        if disabled {
            store::sessions::end_for_agent(&self.db, id).await?;
        }
        Ok(())
    }

    pub async fn set_agent_role(&self, id: &str, role: &str) -> ServiceResult<()> {
        let role = Role::parse("role", role)?;
        if !store::agents::set_role(&self.db.pool, id, role.as_str()).await? {
            return Err(FieldError::new("agent", "NOT_FOUND", "No such agent").into());
        }
        Ok(())
    }
}
