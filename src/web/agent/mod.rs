//! The back office in the portal: agent sign-in, contacts, organisations; agents and API keys
//! for admins. Every page needs an agent session (a customer's session is not one).

pub mod admin;
pub mod contact;
pub mod contact_form;
pub mod contacts;
pub mod deliveries;
pub mod layout;
pub mod new_contact;
pub mod sign_in;

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::{
        services::agents::Agent,
        web::{
            error::PortalError,
            ssr::{core, see_other, session},
        },
    };

    /// The signed-in, enabled agent; otherwise a redirect to `/agent/sign-in` and `None`.
    pub async fn require_agent() -> Result<Option<Agent>, PortalError> {
        let session = session().await?;
        let id = crate::web::session::agent_id(&session).await?;
        let agent = match id {
            Some(id) => core()?.active_agent(&id).await?,
            None => None,
        };
        if agent.is_none() {
            see_other("/agent/sign-in");
        }
        Ok(agent)
    }
}
