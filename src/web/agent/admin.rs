//! Admin pages: organisations (agents see them, admins create them), agents, API keys.

use crate::web::i18n::{later_with, tr, tr_message};
use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Deserialize, Serialize};

use super::layout::AgentPage;
use crate::{
    domain::{ApiKeyKind, Role},
    views::{AgentView, ApiKeyView, AuditView, OrganisationView},
    web::error::PortalError,
    web::forms::{FormMessages, FormState, RadioGroup, TextField},
};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AdminState {
    pub is_admin: bool,
    /// Whether the services let this agent see the page.
    pub allowed: bool,
    pub form: FormState,
    pub organisations: Vec<OrganisationView>,
    pub agents: Vec<AgentView>,
    pub api_keys: Vec<ApiKeyView>,
    pub audit: Vec<AuditView>,
}

/// The session key of a new API key waiting (sealed) to be shown once.
#[cfg(feature = "ssr")]
const NEW_KEY: &str = "new_api_key_sealed";

pub const ORG_TYPES: &[(&str, &str)] = &[
    ("BUSINESS", "Business"),
    ("MERCHANT", "Merchant"),
    ("SERVICE_OWNER", "Service owner"),
    ("VENUE", "Venue"),
];
pub(crate) const ROLES: &[(&str, &str)] = &[
    (Role::Agent.as_str(), "Agent"),
    (Role::Admin.as_str(), "Admin"),
];
pub(crate) const KEY_KINDS: &[(&str, &str)] = &[
    (ApiKeyKind::Backoffice.as_str(), "Back office (secret)"),
    (ApiKeyKind::SelfService.as_str(), "Self-service (public)"),
];

/// Loads one admin page; `what` is `organisations`, `agents`, `api-keys` or `audit`. What the
/// agent may see is the services' decision: a refusal shows the page as admins-only (403).
#[server(endpoint = "page/agent-admin")]
pub async fn admin_page(what: String) -> Result<Option<AdminState>, PortalError> {
    use crate::{services::ServiceError, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(None);
    };
    let core = ssr::core()?;
    let actor = agent.actor();
    let session = ssr::session().await?;
    let mut state = AdminState {
        is_admin: agent.is_admin(),
        form: ssr::take_flash(&session, &what).await?,
        ..Default::default()
    };
    // Each list comes from its own service; a refusal (an agent on an admin's page) is the
    // same answer from any of them.
    let loaded: Result<(), ServiceError> = match what.as_str() {
        "organisations" => core
            .organisations()
            .await
            .map(|o| state.organisations = o)
            .map_err(Into::into),
        "agents" => core
            .agents(&actor)
            .await
            .map(|a| state.agents = a)
            .map_err(Into::into),
        "api-keys" => {
            if let Some(sealed) = session.remove::<String>(NEW_KEY).await? {
                if let Some(key) = core.unseal(&sealed) {
                    state.form.notice = Some(later_with(
                        "New key (shown only now, copy it): {key}",
                        &[("key", &key)],
                    ));
                }
            }
            core.api_keys(&actor)
                .await
                .map(|k| state.api_keys = k)
                .map_err(Into::into)
        }
        "audit" => core
            .admin_audit(&actor, 200)
            .await
            .map(|a| state.audit = a)
            .map_err(Into::into),
        _ => Err(ServiceError::Forbidden("no such page")),
    };
    match loaded {
        Ok(()) => state.allowed = true,
        Err(ServiceError::Forbidden(_)) => {
            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                r.set_status(axum::http::StatusCode::FORBIDDEN);
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Some(state))
}

/// After an admin action: the outcome on the page it came from (a refusal included).
#[cfg(feature = "ssr")]
async fn back_to(
    page: &str,
    outcome: Result<String, impl Into<crate::services::ServiceError>>,
    form: FormState,
) -> Result<(), PortalError> {
    use crate::web::ssr;
    let form = match outcome {
        Ok(notice) => FormState {
            notice: Some(notice),
            ..Default::default()
        },
        Err(error) => crate::web::outcome::into_form(form, error)?,
    };
    let session = ssr::session().await?;
    ssr::flash(&session, page, form).await?;
    ssr::see_other(&format!("/agent/{page}"));
    Ok(())
}

/// What the new-organisation form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub org_type: Option<String>,
}

#[server(endpoint = "agent/organisations/new")]
pub async fn create_organisation(
    #[server(flatten)] organisation: OrganisationForm,
) -> Result<(), PortalError> {
    let OrganisationForm { name, org_type } = organisation;
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let form = FormState::default()
        .with_value("name", name.clone().unwrap_or_default())
        .with_value("org_type", org_type.clone().unwrap_or_default());
    let outcome = ssr::core()?
        .create_organisation(&agent.actor(), name.as_deref(), org_type.as_deref())
        .await
        .map(|org| later_with("Created {name}", &[("name", &org.name)]));
    back_to("organisations", outcome, form).await
}

/// What the new-agent form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NewAgentForm {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[server(endpoint = "agent/agents/new")]
pub async fn create_agent(#[server(flatten)] new_agent: NewAgentForm) -> Result<(), PortalError> {
    let NewAgentForm {
        email,
        role,
        password,
    } = new_agent;
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let email = email.unwrap_or_default();
    let role = role.unwrap_or_else(|| Role::Agent.as_str().into());
    let form = FormState::default()
        .with_value("email", email.clone())
        .with_value("role", role.clone());
    let outcome = ssr::core()?
        .create_agent(&agent.actor(), &email, &role, password.unwrap_or_default())
        .await
        .map(|created| {
            later_with(
                "Created {email} ({role})",
                &[
                    ("email", &created.email),
                    ("role", &created.role.to_string()),
                ],
            )
        });
    back_to("agents", outcome, form).await
}

/// What an agent row's buttons send: which agent and what to do.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AgentActionForm {
    pub agent_id: String,
    /// `disable`, `enable`, `make-admin` or `make-agent`.
    pub action: String,
}

#[server(endpoint = "agent/agents/update")]
pub async fn update_agent(#[server(flatten)] change: AgentActionForm) -> Result<(), PortalError> {
    let AgentActionForm { agent_id, action } = change;
    use crate::{services::AdminError, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let core = ssr::core()?;
    let actor = agent.actor();
    let outcome = match action.as_str() {
        "disable" => core.set_agent_disabled(&actor, &agent_id, true).await,
        "enable" => core.set_agent_disabled(&actor, &agent_id, false).await,
        "make-admin" => {
            core.set_agent_role(&actor, &agent_id, Role::Admin.as_str())
                .await
        }
        "make-agent" => {
            core.set_agent_role(&actor, &agent_id, Role::Agent.as_str())
                .await
        }
        _ => Err(AdminError::Forbidden("that is not an action on agents")),
    };
    back_to(
        "agents",
        outcome.map(|()| "Saved".into()),
        FormState::default(),
    )
    .await
}

/// What the new-key form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NewApiKeyForm {
    /// `public` or `backoffice`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

#[server(endpoint = "agent/api-keys/new")]
pub async fn create_api_key(#[server(flatten)] new_key: NewApiKeyForm) -> Result<(), PortalError> {
    let NewApiKeyForm { kind, label } = new_key;
    use crate::{domain::ApiKeyKind, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let kind = ApiKeyKind::parse(
        crate::domain::Field::KeyKind,
        kind.as_deref().unwrap_or_default(),
    )
    .unwrap_or(ApiKeyKind::Backoffice);
    let core = ssr::core()?;
    let outcome = core.create_api_key(&agent.actor(), kind, label).await;
    // The key waits for the next page in the session row, sealed: never there in clear.
    let outcome = match outcome {
        Ok(key) => {
            let session = ssr::session().await?;
            session.insert(NEW_KEY, core.seal(&key)).await?;
            Ok("New key created".to_owned())
        }
        Err(e) => Err(e),
    };
    back_to("api-keys", outcome, FormState::default()).await
}

#[server(endpoint = "agent/api-keys/revoke")]
pub async fn revoke_api_key(key_id: String) -> Result<(), PortalError> {
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let outcome = ssr::core()?
        .revoke_api_key(&agent.actor(), &key_id)
        .await
        .map(|()| "Key revoked".into());
    back_to("api-keys", outcome, FormState::default()).await
}

fn admin_frame(what: &'static str, body: fn(AdminState) -> AnyView) -> impl IntoView {
    let state = Resource::new_blocking(move || what.to_owned(), admin_page);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some(s)) => {
                        let is_admin = s.is_admin;
                        let allowed = s.allowed;
                        view! {
                            <AgentPage is_admin>
                                {if allowed { body(s) } else {
                                    let form = s.form.clone();
                                    view! {
                                        <h1>{tr("Admins only")}</h1>
                                        <FormMessages form/>
                                        <p class="lead">{tr("This page is for admins. Ask an admin if you need access.")}</p>
                                    }.into_any()
                                }}
                            </AgentPage>
                        }.into_any()
                    }
                    Ok(None) => view! { <p><a href="/agent/sign-in">{tr("Sign in")}</a></p> }.into_any(),
                    Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    admin_frame("organisations", |s| {
        let form = s.form.clone();
        view! {
            <h1>{tr("Organisations")}</h1>
            <FormMessages form=form.clone()/>
            {if s.organisations.is_empty() {
                view! { <div class="empty"><p>{tr("No organisations yet.")}</p></div> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th scope="col">{tr("Name")}</th><th scope="col">{tr("Type")}</th></tr></thead>
                        <tbody>{s.organisations.into_iter().map(|o| view! { <tr><td>{o.name}</td><td>{o.org_type.as_str()}</td></tr> }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {s.is_admin.then(|| view! {
                <form class="form card" method="post" action=CreateOrganisation::url() novalidate>
                    <h2>{tr("New organisation")}</h2>
                    <TextField form=form.clone() name="name" label="Name" maxlength=100/>
                    <RadioGroup form=form.clone() name="org_type" legend="Organisation type" options=ORG_TYPES/>
                    <div class="actions"><button type="submit" class="btn">{tr("Create organisation")}</button></div>
                </form>
            })}
        }
        .into_any()
    })
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    admin_frame("agents", |s| {
        let form = s.form.clone();
        view! {
            <h1>{tr("Agents")}</h1>
            <FormMessages form=form.clone()/>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{tr("Email")}</th><th scope="col">{tr("Role")}</th><th scope="col">{tr("State")}</th><th scope="col">{tr("Actions")}</th></tr></thead>
                <tbody>{s.agents.into_iter().map(|a| {
                    let toggle = if a.disabled { ("enable", tr("Enable")) } else { ("disable", tr("Disable")) };
                    let role = if a.role == Role::Admin { ("make-agent", tr("Make agent")) } else { ("make-admin", tr("Make admin")) };
                    view! {
                        <tr>
                            <td>{a.email.clone()}</td>
                            <td>{a.role.as_str()}</td>
                            <td>{if a.disabled { tr("Disabled") } else { tr("Active") }}</td>
                            <td class="row">
                                {[toggle, role].into_iter().map(|(action, label)| view! {
                                    <form method="post" action=UpdateAgent::url()>
                                        <input type="hidden" name="agent_id" value=a.id.clone()/>
                                        <input type="hidden" name="action" value=action/>
                                        <button type="submit" class="link">{format!("{label} {}", a.email)}</button>
                                    </form>
                                }).collect_view()}
                            </td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table></div>
            <form class="form card" method="post" action=CreateAgent::url() novalidate>
                <h2>{tr("Invite an agent")}</h2>
                <TextField form=form.clone() name="email" label="Email" kind="email"/>
                <RadioGroup form=form.clone() name="role" legend="Role" options=ROLES/>
                <TextField form=form.clone() name="password" label="Initial password" kind="password" autocomplete="new-password" hint="At least 8 characters; share it with the agent privately."/>
                <div class="actions"><button type="submit" class="btn">{tr("Create agent")}</button></div>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    admin_frame("api-keys", |s| {
        let form = s.form.clone();
        view! {
            <h1>{tr("API keys")}</h1>
            <FormMessages form=form.clone()/>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{tr("Key")}</th><th scope="col">{tr("Kind")}</th><th scope="col">{tr("Label")}</th><th scope="col">{tr("Created")}</th><th scope="col">{tr("Last used")}</th><th scope="col">{tr("State")}</th></tr></thead>
                <tbody>{s.api_keys.into_iter().map(|k| view! {
                    <tr>
                        <td><code>{format!("{}…", k.prefix)}</code></td>
                        <td>{k.kind.as_str()}</td>
                        <td>{k.label.unwrap_or_default()}</td>
                        <td><crate::web::format::Time at=k.created_at/></td>
                        <td>{match k.last_used_at { Some(at) => view! { <crate::web::format::Time at/> }.into_any(), None => tr("never").into_any() }}</td>
                        <td>{if k.revoked { view! { <span>{tr("Revoked")}</span> }.into_any() } else { view! {
                            <form method="post" action=RevokeApiKey::url()>
                                <input type="hidden" name="key_id" value=k.id/>
                                <button type="submit" class="link">{tr("Revoke")}</button>
                            </form>
                        }.into_any() }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
            <form class="form card" method="post" action=CreateApiKey::url() novalidate>
                <h2>{tr("New API key")}</h2>
                <RadioGroup form=form.clone() name="kind" legend="Kind" options=KEY_KINDS/>
                <TextField form=form.clone() name="label" label="Label (optional)"/>
                <div class="actions"><button type="submit" class="btn">{tr("Create key")}</button></div>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn AuditPage() -> impl IntoView {
    admin_frame("audit", |s| {
        view! {
            <h1>{tr("Audit trail")}</h1>
            <p class="lead">{tr("Who changed agents, roles, API keys and organisations, newest first. Changes to contacts are on each contact's page.")}</p>
            {if s.audit.is_empty() {
                view! { <div class="empty"><p>{tr("Nothing yet.")}</p></div> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {s.audit.into_iter().map(|a| {
                            let what = a.action.to_lowercase().replace('_', " ");
                            let detail = a.detail.map(|d| format!(" ({d})")).unwrap_or_default();
                            view! { <li><crate::web::format::Time at=a.at.clone()/>" "{format!("{}: {what}{detail}", a.actor)}</li> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        }
        .into_any()
    })
}
