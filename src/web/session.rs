//! The portal's session, typed: who is signed in (a customer, with the incarnation of their contact;
//! an agent), and nothing else reads or writes those keys.

use tower_sessions::{session, Session};

use crate::{
    domain::SignInRef,
    services::auth::{CustomerRef, SignedIn},
    store::sessions::SessionOwners,
};

const CONTACT_KEY: &str = "contact_id";
/// The incarnation of the signed-in contact: a session never speaks for a later contact that was
/// given the same id.
const CONTACT_INCARNATION_KEY: &str = "contact_incarnation";
const AGENT_KEY: &str = "agent_id";
/// The id of the customer's sign-in in this browser: what a code asked for here belongs to.
const SIGN_IN_KEY: &str = "sign_in_id";

/// What the session store copies into its columns (to end every session of one person at once,
/// and to tell whether a sign-in is still live).
pub const OWNERS: SessionOwners = SessionOwners {
    contact_key: CONTACT_KEY,
    agent_key: AGENT_KEY,
    sign_in_key: SIGN_IN_KEY,
};

/// The signed-in customer of a session, if any (checked against the contact by the services).
pub async fn customer(session: &Session) -> Result<Option<CustomerRef>, session::Error> {
    let id = session.get::<String>(CONTACT_KEY).await?;
    let incarnation = session.get::<String>(CONTACT_INCARNATION_KEY).await?;
    Ok(id
        .zip(incarnation)
        .map(|(contact_id, incarnation)| CustomerRef {
            contact_id,
            incarnation,
        }))
}

/// The signed-in customer with this browser's sign-in. A session from before sign-ins had ids
/// gets one now.
pub async fn signed_in(session: &Session) -> Result<Option<SignedIn>, session::Error> {
    let Some(customer) = customer(session).await? else {
        return Ok(None);
    };
    let id = match session.get::<String>(SIGN_IN_KEY).await? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            session.insert(SIGN_IN_KEY, &id).await?;
            id
        }
    };
    Ok(Some(SignedIn {
        customer,
        sign_in: SignInRef::Portal(id),
    }))
}

/// A new session id at sign-in (no fixation), then the customer and the sign-in the service
/// opened (a portal sign-in's id; an app's token family is never kept in a browser).
pub async fn sign_in_customer(
    session: &Session,
    customer: &CustomerRef,
    sign_in: Option<&SignInRef>,
) -> Result<(), session::Error> {
    session.cycle_id().await?;
    session.insert(CONTACT_KEY, &customer.contact_id).await?;
    session
        .insert(CONTACT_INCARNATION_KEY, &customer.incarnation)
        .await?;
    match sign_in {
        Some(SignInRef::Portal(id)) => session.insert(SIGN_IN_KEY, id).await,
        _ => session.remove_value(SIGN_IN_KEY).await.map(|_| ()),
    }
}

pub async fn agent_id(session: &Session) -> Result<Option<String>, session::Error> {
    session.get(AGENT_KEY).await
}

/// A new session id at sign-in, then the agent.
pub async fn sign_in_agent(session: &Session, agent_id: &str) -> Result<(), session::Error> {
    session.cycle_id().await?;
    session.insert(AGENT_KEY, agent_id).await
}

pub async fn sign_out_agent(session: &Session) -> Result<(), session::Error> {
    session.remove_value(AGENT_KEY).await?;
    session.cycle_id().await
}
