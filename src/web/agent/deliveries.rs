//! `/agent/deliveries`: the codes that could not be delivered lately (recipients masked), so that
//! an agent can tell a customer why no code came.

use leptos::prelude::*;

use super::layout::AgentPage;
use crate::views::DeliveryFailureView;
use crate::web::error::PortalError;
use crate::web::i18n::{tr, tr_message};

#[server(endpoint = "page/agent-deliveries")]
pub async fn deliveries_page() -> Result<Option<(bool, Vec<DeliveryFailureView>)>, PortalError> {
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(None);
    };
    let failures = ssr::core()?.delivery_failures(100).await?;
    Ok(Some((agent.is_admin(), failures)))
}

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| deliveries_page());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some((is_admin, failures))) => view! {
                        <AgentPage is_admin>
                            <h1>{tr("Deliveries")}</h1>
                            <p class="lead">{tr("Codes that could not be delivered lately: refused by the provider, or still failing when they expired.")}</p>
                            {if failures.is_empty() {
                                view! { <div class="empty"><p>{tr("No failed deliveries.")}</p></div> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap"><table class="table">
                                        <thead><tr><th scope="col">{tr("Queued")}</th><th scope="col">{tr("Channel")}</th><th scope="col">{tr("To")}</th><th scope="col">{tr("Tries")}</th><th scope="col">{tr("Why")}</th></tr></thead>
                                        <tbody>{failures.into_iter().map(|f| view! {
                                            <tr><td><crate::web::format::Time at=f.at.clone()/></td><td>{f.channel}</td><td>{f.to}</td><td>{f.attempts}</td><td>{f.error}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        </AgentPage>
                    }.into_any(),
                    Ok(None) => view! { <p><a href="/agent/sign-in">{tr("Sign in")}</a></p> }.into_any(),
                    Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}
