//! The accept loop: HTTP/1.1 with hyper, so that slow and idle clients cannot hold the server.
//! Request headers must arrive within `HEADER_READ_TIMEOUT_SECS` (from the moment a connection
//! opens or goes idle: a client that sends nothing is dropped then too), at most
//! `MAX_CONNECTIONS` are open at once (the next ones wait in the kernel's backlog until one
//! closes), one client (its IPv4 address or IPv6 prefix) may hold at most
//! `MAX_CONNECTIONS_PER_CLIENT` of them (more are closed at once), and on shutdown no new
//! connection is accepted while those open finish what they are doing. (The request time limit
//! is a middleware: startup.rs.)

use std::{
    collections::HashMap,
    convert::Infallible,
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{extract::ConnectInfo, Router};
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
    /// 0: no cap per client.
    pub max_per_client: usize,
    pub ipv6_prefix: u8,
}

/// Open connections per client; a slot is given back when its connection ends.
#[derive(Clone, Default)]
struct PerClient(Arc<Mutex<HashMap<String, usize>>>);

struct ClientSlot {
    clients: PerClient,
    client: String,
}

impl PerClient {
    /// A slot for `client`, or `None` when it holds `max` connections already.
    fn take(&self, client: String, max: usize) -> Option<ClientSlot> {
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let held = open.entry(client.clone()).or_default();
        if *held >= max {
            return None;
        }
        *held += 1;
        Some(ClientSlot {
            clients: self.clone(),
            client,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self.clients.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(held) = open.get_mut(&self.client) {
            *held -= 1;
            if *held == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client = PerClient::default();
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a moment instead of spinning.
                    tracing::warn!(error = %error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let client_slot = match limits.max_per_client {
            0 => None,
            max => {
                let client = crate::client_ip::client_of(peer.ip(), limits.ipv6_prefix);
                match per_client.take(client, max) {
                    Some(slot) => Some(slot),
                    None => {
                        // Closed at once: one client cannot hold the server's connections.
                        metrics::counter!("portal_connections_refused_total", "reason" => "per_client")
                            .increment(1);
                        drop(stream);
                        continue;
                    }
                }
            }
        };
        let app = app.clone();
        let service = tower::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    app.oneshot(request.map(axum::body::Body::new))
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up, or sends garbage, ends only its own connection.
            let _ = connection.await;
            drop(client_slot);
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
