//! Wiring: settings → database → core → one axum router (pages, server functions, REST, health).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tracing::Instrument;

use crate::{
    api,
    config::{DeliveryKind, ExposeSecret, Settings},
    delivery::{outbox::Outbox, seal::SealKey, sms_http::SmsHttp, smtp::Smtp, Deliver, Delivery},
    messages::Messages,
    server::ConnectionLimits,
    services::{
        auth::{password_hashing::Hasher, secrets::Secrets, tokens::TokenKeys},
        Core,
    },
    state::AppState,
    store::{sessions::DbSessionStore, Db},
    web,
};

pub const SESSION_COOKIE: &str = "portal_session";

/// Connects, migrates and assembles the core services.
pub async fn build_core(settings: Settings) -> anyhow::Result<Core> {
    let db = Db::connect(
        settings.database_url.expose_secret(),
        settings.db_acquire_timeout,
        settings.db_pool_size,
    )
    .await?;
    db.migrate().await?;
    let secrets = Secrets::load(&settings)?;
    let tokens = TokenKeys::new(&secrets.jwt, secrets.previous.as_deref());
    let (current, previous) = secrets.delivery_keys();
    let delivery = Delivery::new(
        deliverer(&settings.email_delivery, &settings, &db)?,
        deliverer(&settings.sms_delivery, &settings, &db)?,
        settings.delivery_timeout,
        SealKey::new(current, previous),
    );
    let messages = Messages::load(
        &settings.business_name,
        settings.message_templates_dir.as_deref(),
    )?;
    Ok(Core {
        messages: Arc::new(messages),
        passwords: Hasher::new(
            settings.max_concurrent_hashes,
            settings.password_hash_queue,
            settings.password_hash_queue_per_ip,
        ),
        settings: Arc::new(settings),
        db,
        delivery,
        tokens: Arc::new(tokens),
        secrets: Arc::new(secrets),
        api_key_cache: Default::default(),
    })
}

fn deliverer(
    kind: &DeliveryKind,
    settings: &Settings,
    db: &Db,
) -> anyhow::Result<Arc<dyn Deliver>> {
    let per_try = settings.delivery_timeout;
    Ok(match kind {
        DeliveryKind::Outbox => Arc::new(Outbox::new(db.clone())),
        DeliveryKind::Smtp => {
            let url = settings
                .smtp_url
                .as_ref()
                .map(ExposeSecret::expose_secret)
                .context("SMTP_URL is required for smtp delivery")?;
            let from = settings
                .smtp_from
                .as_deref()
                .context("SMTP_FROM is required for smtp delivery")?;
            let ca = match &settings.smtp_ca_file {
                Some(path) => Some(std::fs::read(path).with_context(|| {
                    format!("SMTP_CA_FILE {} could not be read", path.display())
                })?),
                None => None,
            };
            Arc::new(Smtp::new(
                url,
                from,
                settings.delivery_timeout,
                ca.as_deref(),
            )?)
        }
        DeliveryKind::SmsHttp => {
            let url = settings
                .sms_http_url
                .as_deref()
                .context("SMS_HTTP_URL is required for sms_http delivery")?;
            Arc::new(SmsHttp::new(
                url,
                settings
                    .sms_http_token
                    .as_ref()
                    .map(ExposeSecret::expose_secret),
                &settings.sms_http_from,
                per_try,
            )?)
        }
    })
}

/// Every compiled-in file under its hashed path (cached for good: the path changes with the
/// content) and under its plain one (revalidated).
fn assets() -> Router {
    let mut router = Router::new();
    for asset in web::assets::ASSETS {
        let serve = |cache: &'static str| {
            move || async move {
                (
                    [
                        (header::CONTENT_TYPE, asset.content_type),
                        (header::CACHE_CONTROL, cache),
                    ],
                    asset.bytes,
                )
            }
        };
        router = router
            .route(
                &asset.hashed_path(),
                get(serve("public, max-age=31536000, immutable")),
            )
            .route(asset.path, get(serve("no-cache")));
    }
    router
}

pub fn router(core: Core) -> Router {
    let settings = core.settings.clone();
    // No site folder: the static files are compiled in (web/assets.rs), and nothing is read
    // from the disk to answer a request.
    let leptos = LeptosOptions::builder().output_name("portal").build();
    let state = AppState {
        core: core.clone(),
        leptos: leptos.clone(),
    };
    let routes = generate_route_list(web::App);
    let context_state = state.clone();
    let context = move || provide_context(context_state.clone());

    let sessions =
        SessionManagerLayer::new(DbSessionStore::new(core.db.clone(), web::session::OWNERS))
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(settings.is_production())
            .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));

    let facebook = Router::new()
        .route("/auth/facebook/start", get(web::facebook::start))
        .route(
            crate::services::auth::facebook::CALLBACK_PATH,
            get(web::facebook::callback),
        )
        .with_state(core.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || web::shell(leptos.clone())
        })
        .fallback(leptos_axum::render_app_to_stream_in_order_with_context(
            context,
            {
                let leptos = leptos.clone();
                move || web::shell(leptos.clone())
            },
        ))
        .with_state(state)
        .merge(facebook)
        .layer(middleware::from_fn(
            web::error::unreadable_requests_are_bad_requests,
        ))
        .layer(middleware::from_fn(same_origin_posts))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            core.clone(),
            unavailable_pages,
        ))
        .layer(RequestBodyLimitLayer::new(api::MAX_BODY_BYTES));

    let mut app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::render))
        .with_state(core.clone())
        .merge(assets())
        .merge(api::router(core))
        .merge(pages);
    if settings.is_production() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    let request_id = HeaderName::from_static("x-request-id");
    crate::metrics::handle();
    let request_timeout = settings.request_timeout;
    app.layer(middleware::from_fn(move |request: Request, next: Next| {
        time_limit(request_timeout, request, next)
    }))
    .layer(middleware::from_fn(crate::metrics::track))
        .layer(security_headers())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// A request still unanswered after `limit` gets a 503 (problem+json) instead of holding its
/// connection: a slow upload, a stuck dependency.
///
/// The handler runs in a task of its own, so a client that hangs up (hyper then drops this
/// future) no longer cuts it off between two awaits: sqlx's `begin` is not cancel-safe, and a
/// future dropped inside it could leave a pooled SQLite connection holding the write lock, after
/// which every write waited out the busy timeout (seen under load when wrk closed its connections
/// at the end of a run). Past the limit the task is stopped (a body that never arrives would hold
/// it for ever); a connection that leaves inside a transaction is closed before it is handed out
/// again (`store::Db::connect`).
async fn time_limit(limit: Duration, request: Request, next: Next) -> Response {
    // A browser (a page, or a form posted without JavaScript) gets a page; an API client a problem.
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let mut handler = tokio::spawn(next.run(request).in_current_span());
    match tokio::time::timeout(limit, &mut handler).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => {
            // The handler panicked (or the runtime is shutting down): a 500, as a panic would be.
            tracing::error!(error = %error, "request handler failed");
            if wants_html {
                return failure_page(StatusCode::INTERNAL_SERVER_ERROR);
            }
            api::problem::ApiError::<api::spelling::V1>::from(crate::services::Fault::from(
                anyhow::anyhow!("request handler failed"),
            ))
            .into_response()
        }
        Err(_) => {
            handler.abort();
            tracing::warn!(?limit, "request timed out");
            if wants_html {
                return failure_page(StatusCode::SERVICE_UNAVAILABLE);
            }
            api::problem::ApiError::<api::spelling::V1>::from(crate::services::Fault::Unavailable {
                retry_after_secs: 1,
            })
            .into_response()
        }
    }
}

/// What a browser gets when no page could be made: the service is away (503, try again in a
/// few seconds) or failed (500). Plain HTML with the portal's style sheet, no script.
fn failure_page(status: StatusCode) -> Response {
    use crate::web::error::PortalError;
    let (title, heading, sentence) = match status {
        StatusCode::SERVICE_UNAVAILABLE => {
            ("Unavailable", "Back in a moment", PortalError::Unavailable)
        }
        _ => ("Error", "Something went wrong", PortalError::Internal),
    };
    let stylesheet = crate::web::assets::url(crate::web::assets::STYLESHEET);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body><main class=\"page\">\
         <h1>{heading}</h1><p class=\"lead\">{sentence}</p></main></body></html>"
    );
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

/// The Content-Security-Policy of every response; a page's own (`script_nonce`: the nonce of
/// the inline scripts Leptos writes into it) replaces it, so that those scripts run and no other
/// inline script does.
pub fn content_security_policy(script_nonce: Option<&str>) -> String {
    let scripts = match script_nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}'"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src {scripts}; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

fn security_headers() -> SetResponseHeaderLayer<HeaderValue> {
    let policy = HeaderValue::from_str(&content_security_policy(None))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, policy)
}

async fn readyz(State(core): State<Core>) -> Response {
    let error = match tokio::time::timeout(Duration::from_secs(2), core.ping()).await {
        Ok(Ok(())) => return "ready".into_response(),
        Ok(Err(e)) => format!("{e:#}"),
        Err(_) => "no answer within 2 s".to_owned(),
    };
    tracing::warn!(error = %error, "readiness check failed");
    (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
}

/// A page that failed because the database is away says so (503, try again) instead of 500:
/// the session could not be saved for that reason, or the database does not answer at all.
async fn unavailable_pages(State(core): State<Core>, request: Request, next: Next) -> Response {
    let (response, session_unavailable) =
        crate::store::sessions::noting_unavailable(next.run(request)).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    if !session_unavailable
        && matches!(
            tokio::time::timeout(Duration::from_secs(1), core.ping()).await,
            Ok(Ok(()))
        )
    {
        return response;
    }
    failure_page(StatusCode::SERVICE_UNAVAILABLE)
}

/// CSRF defence for the portal's forms (beside `SameSite=Lax`): a state-changing request whose
/// browser says it came from another site is refused.
async fn same_origin_posts(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let cross_site =
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_mismatch = match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            host,
        ) {
            (Some("null"), _) => true,
            (Some(origin), Some(host)) => {
                origin.split("://").nth(1).map(|h| h.trim_end_matches('/')) != Some(host)
            }
            _ => false,
        };
        if cross_site || origin_mismatch {
            return (
                StatusCode::FORBIDDEN,
                "cross-site form posts are not accepted",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// A running server: its address, and a handle that ends when it stops.
pub struct Running {
    pub address: SocketAddr,
    pub core: Core,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds, spawns the server (with its delivery worker and housekeeping), and returns at once.
/// The server stops accepting when `shutdown` completes (`shutdown_signal()` for the binary; tests
/// pass a future that never does, so the test process keeps the default SIGTERM).
pub async fn spawn(
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(settings.bind_addr)
        .await
        .with_context(|| format!("could not listen on {}", settings.bind_addr))?;
    let address = listener.local_addr()?;
    let core = build_core(settings).await?;
    let app = router(core.clone());
    spawn_housekeeping(core.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(crate::delivery::worker::run(
        core.db.clone(),
        core.delivery.clone(),
        stopped,
    ));
    let limits = ConnectionLimits {
        header_read_timeout: core.settings.header_read_timeout,
        max_connections: core.settings.max_connections,
        max_per_client: core.settings.max_connections_per_client,
        ipv6_prefix: core.settings.ipv6_client_prefix,
    };
    let handle = tokio::spawn(async move {
        let outcome = crate::server::serve(listener, app, limits, shutdown).await;
        let _ = stop.send(true);
        outcome
    });
    Ok(Running {
        address,
        core,
        handle,
    })
}

fn spawn_housekeeping(core: Core) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = core.housekeeping().await {
                tracing::warn!(error = format!("{e:#}"), "housekeeping failed");
            }
        }
    });
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
