//! The scenarios: load, crash in the middle of it, a database outage under it.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, RwLock,
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use futures::{stream, StreamExt};
use serde_json::json;

use crate::{checks, server::Server};

const CONTACTS: &str = "/self-service/v1/contacts";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(256)
        .build()
        .expect("an HTTP client")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// What the load saw: the `auth_otp` of every 202, by email, and the time each took.
#[derive(Default)]
struct Accepted {
    handles: HashMap<String, String>,
    latencies: Vec<Duration>,
    errors: usize,
}

/// The server everyone talks to (it changes address when it is restarted).
type Target = Arc<RwLock<String>>;

/// Registers `emails[i]` for every i handed out by `next`, `clients` at once; a request that
/// fails (the server is down) is tried again until `deadline`.
async fn register_all(
    target: Target,
    key: String,
    emails: Arc<Vec<String>>,
    next: Arc<AtomicUsize>,
    clients: usize,
    accepted: Arc<Mutex<Accepted>>,
    deadline: Instant,
) {
    let http = client();
    let worker = |_| {
        let (target, key, emails, next, accepted, http) = (
            target.clone(),
            key.clone(),
            emails.clone(),
            next.clone(),
            accepted.clone(),
            http.clone(),
        );
        async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(email) = emails.get(i) else { return };
                while Instant::now() < deadline {
                    let address = target.read().unwrap().clone();
                    let started = Instant::now();
                    let response = http
                        .post(format!("{address}{CONTACTS}/register"))
                        .header("api_key", &key)
                        .json(&json!({
                            "first_name": "Load", "last_name": "Tester", "service_acceptance": true,
                            "identity": {"provider": "EMAIL", "email": email},
                        }))
                        .send()
                        .await;
                    let took = started.elapsed();
                    match response {
                        Ok(r) if r.status() == 202 => {
                            let body: serde_json::Value = r.json().await.unwrap_or_default();
                            if let Some(handle) = body["auth_otp"].as_str() {
                                let mut a = accepted.lock().unwrap();
                                a.handles.insert(email.clone(), handle.to_owned());
                                a.latencies.push(took);
                            }
                            break;
                        }
                        _ => {
                            accepted.lock().unwrap().errors += 1;
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            }
        }
    };
    stream::iter(0..clients)
        .for_each_concurrent(clients, worker)
        .await;
}

/// Waits until the delivery queue is empty.
async fn drain(address: &str, within: Duration) -> anyhow::Result<()> {
    let http = client();
    let deadline = Instant::now() + within;
    loop {
        let text = http
            .get(format!("{address}/metrics"))
            .send()
            .await?
            .text()
            .await?;
        let depth = text
            .lines()
            .find_map(|l| l.strip_prefix("portal_delivery_queue_depth "))
            .and_then(|v| v.trim().parse::<f64>().ok());
        if depth == Some(0.0) {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the delivery queue still holds {depth:?} messages after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every 202 has exactly one code with exactly one message, sent; every code validates exactly
/// once; one contact per identity.
async fn verify(
    db: &str,
    address: &str,
    key: &str,
    accepted: &Accepted,
    clients: usize,
) -> anyhow::Result<()> {
    let pool = checks::connect(db).await?;
    let by_handle = checks::deliveries_by_handle(&pool).await?;
    let mut codes = Vec::with_capacity(accepted.handles.len());
    for (email, handle) in &accepted.handles {
        let (messages, sent, code) = by_handle
            .get(&checks::handle_hash(handle))
            .cloned()
            .with_context(|| format!("the 202 for {email} has no code on record"))?;
        anyhow::ensure!(
            messages == 1 && sent == 1,
            "{email}: {messages} messages, {sent} sent"
        );
        let code = code.with_context(|| format!("{email}: no message in the outbox"))?;
        codes.push((handle.clone(), code));
    }
    checks::nothing_half_written(&pool).await?;
    let before = checks::contacts(&pool).await?;

    let http = client();
    let statuses: Vec<u16> = stream::iter(codes.iter())
        .map(|(handle, code)| {
            let http = http.clone();
            async move {
                http.post(format!("{address}{CONTACTS}/validate-otp"))
                    .header("api_key", key)
                    .json(&json!({"auth_otp": handle, "code": code}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(clients)
        .collect()
        .await;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    anyhow::ensure!(
        ok == codes.len(),
        "{ok} of {} codes validated: {:?}",
        codes.len(),
        {
            let mut other: Vec<_> = statuses.iter().filter(|s| **s != 200).collect();
            other.sort();
            other.dedup();
            other
        }
    );
    // A second time, none does.
    for (handle, code) in codes.iter().take(100) {
        let status = http
            .post(format!("{address}{CONTACTS}/validate-otp"))
            .header("api_key", key)
            .json(&json!({"auth_otp": handle, "code": code}))
            .send()
            .await?
            .status();
        anyhow::ensure!(status == 401, "a code validated twice ({status})");
    }
    let after = checks::contacts(&pool).await?;
    anyhow::ensure!(
        after - before == codes.len() as i64,
        "{} contacts created for {} codes",
        after - before,
        codes.len()
    );
    checks::nothing_half_written(&pool).await?;
    println!(
        "  verified: {} accepted registrations, each with one code and one message; {} codes \
         validated once each; {} contacts, none duplicated",
        accepted.handles.len(),
        ok,
        after
    );
    Ok(())
}

fn report(label: &str, accepted: &Accepted, took: Duration) {
    let mut latencies = accepted.latencies.clone();
    latencies.sort();
    println!(
        "  {label}: {} registrations accepted in {:.1} s ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms, {} failed tries",
        accepted.handles.len(),
        took.as_secs_f64(),
        accepted.handles.len() as f64 / took.as_secs_f64().max(0.001),
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        accepted.errors
    );
}

fn emails(count: usize) -> Arc<Vec<String>> {
    let run = std::process::id();
    Arc::new(
        (0..count)
            .map(|i| format!("load-{run}-{i}@example.com"))
            .collect(),
    )
}

pub async fn load(bin: &str, db: &str, count: usize, clients: usize) -> anyhow::Result<()> {
    println!(
        "load: {count} registrations from {clients} clients on {}",
        scheme(db)
    );
    let dir = temp_dir("load");
    let key = crate::server::api_key(bin, db, &dir).await?;
    let server = Server::start(bin, db, &dir, "server").await?;
    let target: Target = Arc::new(RwLock::new(server.address.clone()));
    let accepted = Arc::new(Mutex::new(Accepted::default()));
    let started = Instant::now();
    register_all(
        target,
        key.clone(),
        emails(count),
        Arc::new(AtomicUsize::new(0)),
        clients,
        accepted.clone(),
        Instant::now() + Duration::from_secs(300),
    )
    .await;
    let accepted = std::mem::take(&mut *accepted.lock().unwrap());
    report("load", &accepted, started.elapsed());
    anyhow::ensure!(
        accepted.handles.len() == count,
        "only {} of {count} accepted",
        accepted.handles.len()
    );
    anyhow::ensure!(accepted.errors == 0, "{} requests failed", accepted.errors);
    drain(&server.address, Duration::from_secs(120)).await?;
    verify(db, &server.address, &key, &accepted, clients).await?;
    server.stop().await?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn scheme(db: &str) -> &str {
    if db.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}

pub async fn crash(bin: &str, db: &str, count: usize, clients: usize) -> anyhow::Result<()> {
    println!(
        "crash: kill -9 in the middle of {count} registrations on {}",
        scheme(db)
    );
    let dir = temp_dir("crash");
    let key = crate::server::api_key(bin, db, &dir).await?;
    let server = Server::start(bin, db, &dir, "before").await?;
    let target: Target = Arc::new(RwLock::new(server.address.clone()));
    let accepted = Arc::new(Mutex::new(Accepted::default()));
    let started = Instant::now();
    let load = tokio::spawn(register_all(
        target.clone(),
        key.clone(),
        emails(count),
        Arc::new(AtomicUsize::new(0)),
        clients,
        accepted.clone(),
        Instant::now() + Duration::from_secs(300),
    ));
    while accepted.lock().unwrap().handles.len() < count * 3 / 10 {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "the load does not get going"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().await?;
    let at_kill = accepted.lock().unwrap().handles.len();
    println!("  killed the server (kill -9) after {at_kill} accepted registrations");

    // It opens cleanly, with nothing half written, before it takes traffic again.
    let pool = checks::connect(db).await?;
    let integrity = checks::integrity(&pool, db).await?;
    checks::nothing_half_written(&pool).await?;
    let restarted_at = Instant::now();
    let server = Server::start(bin, db, &dir, "after").await?;
    println!(
        "  restarted in {:.2} s; integrity check: {integrity}; nothing half written",
        restarted_at.elapsed().as_secs_f64()
    );
    *target.write().unwrap() = server.address.clone();
    load.await?;
    let accepted = std::mem::take(&mut *accepted.lock().unwrap());
    report("load across the crash", &accepted, started.elapsed());
    anyhow::ensure!(
        accepted.handles.len() == count,
        "only {} of {count} accepted",
        accepted.handles.len()
    );
    // Messages queued before the kill (some claimed mid-send) go out after the restart.
    drain(&server.address, Duration::from_secs(120)).await?;
    verify(db, &server.address, &key, &accepted, clients).await?;
    server.stop().await?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// What happened to one request during the outage test.
struct Seen {
    at: Instant,
    status: u16,
    took: Duration,
}

pub async fn outage(
    bin: &str,
    db: &str,
    stop: &str,
    start: &str,
    down_for: Duration,
) -> anyhow::Result<()> {
    println!("outage: PostgreSQL stopped for {down_for:?} under load");
    let dir = temp_dir("outage");
    let key = crate::server::api_key(bin, db, &dir).await?;
    let server = Server::start(bin, db, &dir, "server").await?;
    let address = server.address.clone();
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let accepted = Arc::new(Mutex::new(HashMap::<String, String>::new()));
    let probes = Arc::new(Mutex::new(Vec::<(Instant, u16, u16)>::new()));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let counter = Arc::new(AtomicUsize::new(0));
    let http = client();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (http, address, key, seen, accepted, running, counter) = (
            http.clone(),
            address.clone(),
            key.clone(),
            seen.clone(),
            accepted.clone(),
            running.clone(),
            counter.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                let email = format!(
                    "outage-{}-{}@example.com",
                    std::process::id(),
                    counter.fetch_add(1, Ordering::Relaxed)
                );
                let started = Instant::now();
                let response = http
                    .post(format!("{address}{CONTACTS}/register"))
                    .header("api_key", &key)
                    .json(
                        &json!({"first_name": "Out", "last_name": "Age", "service_acceptance": true,
                                  "identity": {"provider": "EMAIL", "email": email}}),
                    )
                    .send()
                    .await;
                let status = response.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
                if status == 202 {
                    let body: serde_json::Value =
                        response.unwrap().json().await.unwrap_or_default();
                    if let Some(h) = body["auth_otp"].as_str() {
                        accepted.lock().unwrap().insert(email, h.to_owned());
                    }
                } else if status == 503 {
                    // Told to come back: do, a little later.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                seen.lock().unwrap().push(Seen {
                    at: started,
                    status,
                    took: started.elapsed(),
                });
            }
        }));
    }
    {
        let (http, address, probes, running) = (
            http.clone(),
            address.clone(),
            probes.clone(),
            running.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                let status = |path: &'static str| {
                    let (http, address) = (http.clone(), address.clone());
                    async move {
                        http.get(format!("{address}{path}"))
                            .timeout(Duration::from_secs(5))
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0)
                    }
                };
                let (health, ready) = tokio::join!(status("/healthz"), status("/readyz"));
                probes.lock().unwrap().push((Instant::now(), health, ready));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }));
    }
    // The database goes away once the load is under way (registrations are being accepted).
    wait_for("the load to get going", Duration::from_secs(60), || {
        accepted.lock().unwrap().len() >= 100
    })
    .await?;
    let stopped = Instant::now();
    run(stop).await.context("stopping PostgreSQL")?;
    // How long it stays away is the scenario itself, not a wait for anything.
    tokio::time::sleep(down_for.saturating_sub(stopped.elapsed())).await;
    let restarting = Instant::now();
    run(start).await.context("starting PostgreSQL")?;
    let started = Instant::now();
    // The load goes on until registrations sent after the restart go through again (or the
    // deadline says the server did not recover), and a second more of steady traffic.
    let recovered_in = Duration::from_secs(30);
    let back = wait_for("a registration after the restart", recovered_in, || {
        seen.lock()
            .unwrap()
            .iter()
            .any(|s| s.status == 202 && s.at >= restarting)
    })
    .await;
    if back.is_ok() {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    running.store(false, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let first_503 = seen
        .iter()
        .filter(|s| s.status == 503 && s.at + s.took >= stopped)
        .map(|s| (s.at + s.took).duration_since(stopped))
        .min();
    let recovered = seen
        .iter()
        .filter(|s| s.status == 202 && s.at >= restarting)
        .map(|s| (s.at + s.took).duration_since(started))
        .min();
    let slowest = seen.iter().map(|s| s.took).max().unwrap_or_default();
    let mut statuses: Vec<u16> = seen.iter().map(|s| s.status).collect();
    statuses.sort();
    statuses.dedup();
    let probes = std::mem::take(&mut *probes.lock().unwrap());
    let ready_failed = probes
        .iter()
        .any(|(at, _, ready)| *at > stopped && *at < restarting && *ready == 503);
    let health_always = probes.iter().all(|(_, health, _)| *health == 200);
    println!(
        "  first 503 {:.2} s after the stop; first 202 {:.2} s after the start; slowest answer {:.2} s; \
         statuses seen {statuses:?}; /readyz failed while down: {ready_failed}; /healthz always 200: {health_always}",
        first_503.map_or(f64::NAN, |d| d.as_secs_f64()),
        recovered.map_or(f64::NAN, |d| d.as_secs_f64()),
        slowest.as_secs_f64(),
    );
    anyhow::ensure!(first_503.is_some(), "no 503 while the database was down");
    anyhow::ensure!(
        first_503.unwrap() < Duration::from_secs(4),
        "the first 503 came late"
    );
    anyhow::ensure!(
        recovered.is_some(),
        "no registration went through after the database came back"
    );
    anyhow::ensure!(
        slowest < Duration::from_secs(6),
        "a request hung for {slowest:?}"
    );
    anyhow::ensure!(
        statuses.iter().all(|s| *s == 202 || *s == 503),
        "unexpected statuses {statuses:?}"
    );
    anyhow::ensure!(
        ready_failed,
        "/readyz did not fail while the database was down"
    );
    anyhow::ensure!(health_always, "/healthz failed");

    let accepted = Accepted {
        handles: std::mem::take(&mut *accepted.lock().unwrap()),
        latencies: Vec::new(),
        errors: 0,
    };
    drain(&address, Duration::from_secs(120)).await?;
    verify(db, &address, &key, &accepted, 16).await?;
    server.stop().await?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// Polls `condition` every 50 ms until it holds, or fails after `within` naming `what`.
async fn wait_for(
    what: &str,
    within: Duration,
    mut condition: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    while !condition() {
        anyhow::ensure!(Instant::now() < deadline, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

async fn run(command: &str) -> anyhow::Result<()> {
    let status = tokio::process::Command::new("bash")
        .args(["-c", command])
        .status()
        .await?;
    anyhow::ensure!(status.success(), "`{command}` failed ({status})");
    Ok(())
}
