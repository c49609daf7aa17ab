//! Test harness: spawn the real server on a free port with a fresh database, talk to it over HTTP.
//!
//! `TEST_DATABASE_URL` (a PostgreSQL admin URL such as `postgres://postgres@127.0.0.1:55432/postgres`)
//! runs every test on its own new PostgreSQL database; without it each test gets its own SQLite file.
#![allow(dead_code)]

pub mod binary;
pub mod browser;
pub mod gateway;

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU32, Ordering},
        OnceLock,
    },
};

use portal::{
    config::{ExposeSecret, Settings},
    domain::ApiKeyKind,
    services::{Actor, Core},
};
use reqwest::{header, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

/// Where the Self-Service contact calls live.
pub const CONTACTS: &str = "/self-service/v1/contacts";

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub core: Core,
    /// A live self-service key.
    pub api_key: String,
    /// A live back-office key.
    pub backoffice_key: String,
    pub client: reqwest::Client,
    pub db_url: String,
    data_dir: PathBuf,
    /// The PostgreSQL database this app created, `(admin URL, name)`: dropped with the app so a
    /// test run leaves nothing behind (hundreds of databases filled the disk before).
    owned_database: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some((admin_url, name)) = self.owned_database.take() {
            drop_database(admin_url, name);
        }
    }
}

/// Drops a test database on a thread of its own (Drop cannot await, and the test's runtime may be
/// gone), waiting at most 10 s: a cleanup that hangs must not hang the test.
fn drop_database(admin_url: String, name: String) {
    let (done, finished) = std::sync::mpsc::channel();
    let statement = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
    std::thread::spawn(move || {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
            .and_then(|rt| {
                rt.block_on(async {
                    let mut admin = sqlx::PgConnection::connect(&admin_url)
                        .await
                        .map_err(|e| e.to_string())?;
                    sqlx::query(&statement)
                        .execute(&mut admin)
                        .await
                        .map_err(|e| e.to_string())?;
                    let _ = admin.close().await;
                    Ok(())
                })
            });
        let _ = done.send(result);
    });
    match finished.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("could not drop test database {name}: {e}"),
        Err(_) => eprintln!("dropping test database {name} took over 10 s; left behind"),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app after `configure` has had its say on the settings (limits, lifetimes…).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(configure, None).await
}

/// Spawns a second server on `other`'s database with its API keys (a server that could not create
/// keys of its own: on a read-only database, say).
pub async fn spawn_app_beside(other: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let db_url = other.db_url.clone();
    let secret = other.core.settings().jwt_secret.clone();
    spawn(
        move |s| {
            s.database_url = db_url.into();
            s.jwt_secret = secret;
            configure(s);
        },
        Some((other.api_key.clone(), other.backoffice_key.clone())),
    )
    .await
}

async fn spawn(configure: impl FnOnce(&mut Settings), keys: Option<(String, String)>) -> TestApp {
    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("portal-test-{run_id}"));
    std::fs::create_dir_all(&data_dir).expect("temp dir");

    let mut settings = Settings::from_env().expect("settings from the environment");
    settings.bind_addr = "127.0.0.1:0".parse().unwrap();
    settings.jwt_secret = Some(random_chars(48).into());
    settings.data_dir = data_dir.clone();
    let owned_database = match keys {
        Some(_) => None,
        None => fresh_database(&run_id, &data_dir, &mut settings).await,
    };
    if postgres_admin_url().is_some() {
        // Tests run 4 at a time, some with 2 or 3 servers: 5 connections each keeps a run far
        // below the cluster's max_connections (300), also on a bigger runner.
        settings.db_pool_size = Some(TEST_POOL_SIZE);
    }
    configure(&mut settings);
    let db_url = settings.database_url.expose_secret().to_owned();

    let running = portal::startup::spawn(settings, std::future::pending())
        .await
        .expect("the app starts");
    let (api_key, backoffice_key) = match keys {
        Some(keys) => keys,
        None => (
            running
                .core
                .create_api_key(&Actor::System, ApiKeyKind::SelfService, None)
                .await
                .expect("an API key"),
            running
                .core
                .create_api_key(&Actor::System, ApiKeyKind::Backoffice, None)
                .await
                .expect("a back-office key"),
        ),
    };
    TestApp {
        address: format!("http://{}", running.address),
        core: running.core,
        api_key,
        backoffice_key,
        client: client(),
        db_url,
        data_dir,
        owned_database,
    }
}

/// An HTTP client whose every request gives up after 20 s: a server that never answers fails
/// the test with a message instead of hanging it.
pub fn client() -> reqwest::Client {
    client_builder().build().expect("an HTTP client")
}

pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().timeout(std::time::Duration::from_secs(20))
}

fn random_chars(n: usize) -> String {
    let mut s = String::new();
    while s.len() < n {
        s.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    s.truncate(n);
    s
}

/// Connections per test server on PostgreSQL.
pub const TEST_POOL_SIZE: u32 = 5;

/// The database every test of this run is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend this run was given: `TEST_DATABASE_URL` unset means SQLite, a `postgres://` URL
/// means PostgreSQL, anything else fails every test (a typo must not quietly test SQLite again).
/// `PORTAL_TEST_BACKEND` (`sqlite` or `postgres`, set by `.ci/test`) says what the run is meant
/// to be, and a run that is not on it fails: a step named PostgreSQL cannot pass on SQLite.
pub fn backend() -> Backend {
    static BACKEND: OnceLock<Backend> = OnceLock::new();
    *BACKEND.get_or_init(|| {
        let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
        let given = if url.is_empty() {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            panic!("TEST_DATABASE_URL must be a postgres:// URL (or unset for SQLite): {url:?}");
        };
        let meant = match std::env::var("PORTAL_TEST_BACKEND").as_deref() {
            Ok("sqlite") => Some(Backend::Sqlite),
            Ok("postgres") => Some(Backend::Postgres),
            Ok("") | Err(_) => None,
            Ok(other) => panic!("PORTAL_TEST_BACKEND is sqlite or postgres, not {other:?}"),
        };
        if let Some(meant) = meant {
            assert_eq!(
                given, meant,
                "PORTAL_TEST_BACKEND says this run is on {meant:?}, but TEST_DATABASE_URL gives {given:?}"
            );
        }
        given
    })
}

/// For a test about SQLite alone (a file's trouble): the PostgreSQL run leaves it out (nextest
/// profile `postgres`, `.config/nextest.toml`, so its counts say so); run there anyway, it fails.
pub fn require_sqlite(why: &str) {
    assert_eq!(
        backend(),
        Backend::Sqlite,
        "a SQLite-only test ({why}); the PostgreSQL run uses `cargo nextest run --profile postgres`, which leaves it out"
    );
}

/// `TEST_DATABASE_URL`: the PostgreSQL cluster to make test databases on (unset: SQLite).
fn postgres_admin_url() -> Option<String> {
    match backend() {
        Backend::Postgres => std::env::var("TEST_DATABASE_URL").ok(),
        Backend::Sqlite => None,
    }
}

/// Points `settings` at a new empty database; returns the PostgreSQL one to drop afterwards.
async fn fresh_database(
    run_id: &str,
    data_dir: &std::path::Path,
    settings: &mut Settings,
) -> Option<(String, String)> {
    let (url, owned) = fresh_database_url(run_id, data_dir).await;
    settings.database_url = url.into();
    owned
}

/// A new empty database of this run's backend (SQLite: a file in `data_dir`): its URL, and the
/// PostgreSQL `(admin URL, name)` to drop afterwards.
async fn fresh_database_url(
    run_id: &str,
    data_dir: &std::path::Path,
) -> (String, Option<(String, String)>) {
    match postgres_admin_url() {
        Some(admin_url) => {
            let name = format!("t_{run_id}");
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            let _ = admin.close().await;
            (replace_db_name(&admin_url, &name), Some((admin_url, name)))
        }
        None => (
            format!("sqlite://{}/portal.db?mode=rwc", data_dir.display()),
            None,
        ),
    }
}

/// A fresh database of this run's backend for a test that runs the `portal` binary itself (so
/// the PostgreSQL run runs it on PostgreSQL too); a PostgreSQL one is dropped with it.
pub struct TestDatabase {
    pub url: String,
    owned: Option<(String, String)>,
}

impl TestDatabase {
    /// SQLite keeps its file in `dir`.
    pub async fn new(dir: &std::path::Path) -> Self {
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let (url, owned) = fresh_database_url(&run_id, dir).await;
        Self { url, owned }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.owned.take() {
            drop_database(admin_url, name);
        }
    }
}

/// `postgres://u@h:p/postgres?x=y` → `postgres://u@h:p/<name>?x=y`.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

static PHONE_COUNTER: AtomicU32 = AtomicU32::new(0);
static PHONE_START: OnceLock<u32> = OnceLock::new();

/// A Cyprus mobile national number (`99` + 6 digits) not handed out before in this process.
pub fn unique_phone() -> String {
    let start = *PHONE_START.get_or_init(|| (uuid::Uuid::new_v4().as_u128() % 1_000_000) as u32);
    let n = PHONE_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("99{:06}", (start + n) % 1_000_000)
}

/// `99123456` → `+35799123456`.
pub fn e164(national: &str) -> String {
    format!("+357{national}")
}

pub fn unique_email() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// The JSON body of a response (panics with the text when it is not JSON).
pub async fn body_json(response: Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An answer as a client sees it, for comparing two answers that must not differ: the status,
/// every header but those that differ on every request anyway (`date`, `x-request-id`), and the
/// body with only its random handles (`auth_otp`) replaced by their length. `Retry-After` is kept
/// apart (`retry_after`): it counts down, so two answers a moment apart may differ by a second.
#[derive(Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub retry_after: Option<i64>,
}

pub async fn answer(response: Response) -> Answer {
    let status = response.status().as_u16();
    let mut retry_after = None;
    let mut headers = Vec::new();
    for (name, value) in response.headers() {
        let value = value.to_str().unwrap_or("<not text>").to_owned();
        match name.as_str() {
            "date" | "x-request-id" => {}
            "retry-after" => retry_after = Some(value.parse().expect("Retry-After in seconds")),
            other => headers.push((other.to_owned(), value)),
        }
    }
    headers.sort();
    let mut body = body_json(response).await;
    if let Some(handle) = body.get_mut("auth_otp") {
        let len = handle.as_str().map(str::len).unwrap_or_default();
        *handle = json!(format!("<random, {len} characters>"));
    }
    Answer {
        status,
        headers,
        body,
        retry_after,
    }
}

/// Asserts that two answers are the same (a `Retry-After` within a second of the other's).
pub fn assert_alike(a: &Answer, b: &Answer, what: &str) {
    assert_eq!(
        (a.status, &a.headers, &a.body),
        (b.status, &b.headers, &b.body),
        "{what}"
    );
    match (a.retry_after, b.retry_after) {
        (Some(x), Some(y)) => assert!((x - y).abs() <= 1, "{what}: Retry-After {x} and {y}"),
        (x, y) => assert_eq!(x, y, "{what}: Retry-After"),
    }
}

/// Checks a problem-details answer (status, content type, shape, `code`) and returns its body.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    let actual = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = body_json(response).await;
    assert_eq!(actual, status, "status of {body}");
    assert_eq!(body["code"], code, "code of {body}");
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type:?} of {body}"
    );
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(body["type"].is_string(), "{body}");
    assert!(body["title"].is_string(), "{body}");
    assert!(body["detail"].is_string(), "{body}");
    body
}

/// The `errors[]` of a problem as `(field, code)` pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Decodes a JWT's payload without checking it (tests only read `sid`, `jti`, `exp`).
pub fn jwt_claims(token: &str) -> Value {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// A JWT signed by hand with the app's own secret: `alg` HS256, HS384 or HS512 is HMAC with that
/// hash; any other name (RS256, say) is written in the header over an HMAC-SHA-256 signature, as
/// an attacker who knows a public key would try ("key confusion").
pub fn forge_jwt(secret: &str, alg: &str, claims: &Value) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use hmac::{Hmac, Mac};
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let signature = match alg {
        "HS384" => {
            let mut mac = Hmac::<sha2::Sha384>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        "HS512" => {
            let mut mac = Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Returns once the wall clock reads a later millisecond than when it was called (bounded: a
/// clock that stands still fails the test).
pub async fn wait_for_the_next_millisecond() {
    let start = now_ms();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while now_ms() <= start {
        assert!(
            std::time::Instant::now() < deadline,
            "the clock did not move"
        );
        tokio::time::sleep(std::time::Duration::from_micros(200)).await;
    }
}

/// The text of `/metrics` (which must answer 200).
pub async fn metrics_text(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The sum of a Prometheus series' values over the label sets that carry all of `labels`
/// (0 when there is none).
pub fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            if series_name != name {
                return None;
            }
            let all = labels.iter().all(|(key, want)| {
                series_labels
                    .split(',')
                    .any(|pair| pair == format!("{key}=\"{want}\""))
            });
            all.then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}

/// Returns once the wall clock reads past `at_ms` (epoch milliseconds), at most `within` from
/// now: for a test about what happens once a stored expiry has passed.
pub async fn wait_until_past(at_ms: i64, within: std::time::Duration) {
    let deadline = std::time::Instant::now() + within;
    while now_ms() <= at_ms {
        assert!(
            std::time::Instant::now() < deadline,
            "{at_ms} was not reached within {within:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

impl TestApp {
    /// What `sql` selects, read straight from the database, every column as text (NULL as
    /// `None`). Only for tests whose claim is about what is stored (hashes, expiry times), not
    /// about what the server answers.
    pub async fn stored(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::{Column, Row};
        sqlx::any::install_default_drivers();
        let mut db = sqlx::AnyConnection::connect(&self.db_url)
            .await
            .expect("connect to the test database");
        let rows = sqlx::query(sql)
            .fetch_all(&mut db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = db.close().await;
        rows.iter()
            .map(|row| {
                (0..row.columns().len())
                    .map(|i| {
                        row.try_get::<Option<String>, _>(i)
                            .or_else(|_| {
                                row.try_get::<Option<i64>, _>(i)
                                    .map(|n| n.map(|n| n.to_string()))
                            })
                            .unwrap_or_else(|e| panic!("{sql}: {}: {e}", row.columns()[i].name()))
                    })
                    .collect()
            })
            .collect()
    }

    /// Runs `sql` straight on the database (to break it on purpose).
    pub async fn execute_on_database(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let mut db = sqlx::AnyConnection::connect(&self.db_url)
            .await
            .expect("connect to the test database");
        sqlx::query(sql)
            .execute(&mut db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = db.close().await;
    }

    /// Moves the expiry of every code not used yet into the past, as the clock would: a test
    /// of what happens after expiry, with a lifetime long enough that delivering and
    /// validating the codes before it never races the clock.
    pub async fn expire_pending_codes(&self) {
        self.execute_on_database(&format!(
            "UPDATE otps SET expires_at = {} WHERE consumed_at IS NULL",
            now_ms() - 1
        ))
        .await;
    }

    /// The status of every queued message (`SENT` and `FAILED` are final: no worker takes
    /// those up again).
    pub async fn delivery_statuses(&self) -> Vec<String> {
        self.stored("SELECT status FROM deliveries ORDER BY created_at")
            .await
            .into_iter()
            .map(|row| row[0].clone().unwrap_or_default())
            .collect()
    }

    /// A token signed with this app's secret (see `forge_jwt`).
    pub fn forge_jwt(&self, alg: &str, claims: &Value) -> String {
        let secret = self
            .core
            .settings()
            .jwt_secret
            .clone()
            .expect("a JWT secret");
        forge_jwt(secret.expose_secret(), alg, claims)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// POSTs JSON with the self-service `api_key`.
    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .header("api_key", &self.api_key)
            .json(&body)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs any body with the self-service `api_key` and the given content type.
    pub async fn post_raw(&self, path: &str, body: String, content_type: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("api_key", &self.api_key)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Calls the Back-Office API (`/backoffice/v1` + `path`) with the back-office key.
    pub async fn backoffice(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, self.url(&format!("/backoffice/v1{path}")))
            .header("api_key", &self.backoffice_key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    /// Creates a contact through the Back-Office API; its JSON.
    pub async fn backoffice_contact(&self, body: Value) -> Value {
        let response = self
            .backoffice(reqwest::Method::POST, "/contacts", Some(body))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "create a contact");
        body_json(response).await
    }

    pub async fn get_me(&self, access_token: &str) -> Response {
        self.client
            .get(self.url(&format!("{CONTACTS}/me")))
            .header("api_key", &self.api_key)
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn patch_me(&self, access_token: &str, body: Value) -> Response {
        self.client
            .patch(self.url(&format!("{CONTACTS}/me")))
            .header("api_key", &self.api_key)
            .bearer_auth(access_token)
            .json(&body)
            .send()
            .await
            .expect("request sent")
    }

    /// Waits (a few seconds at most) until the delivery queue is empty: every message queued so
    /// far has been sent (or given up), so the outbox shows what will ever be sent.
    pub async fn settle(&self) {
        self.settle_within(std::time::Duration::from_secs(5)).await;
    }

    /// Like `settle`, for up to `within`. A `/metrics` that cannot be read, or that has no queue
    /// depth, fails the test: a "nothing was sent" check after it would otherwise prove nothing.
    pub async fn settle_within(&self, within: std::time::Duration) {
        let deadline = std::time::Instant::now() + within;
        let mut depth = None;
        while std::time::Instant::now() < deadline {
            let mut request = self.client.get(self.url("/metrics"));
            if let Some(token) = &self.core.settings().metrics_token {
                request = request.bearer_auth(token.expose_secret());
            }
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("settle: GET /metrics failed: {e}"));
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "settle: /metrics must be readable to know the queue is empty"
            );
            let text = response.text().await.expect("settle: the /metrics body");
            depth = Some(
                text.lines()
                    .find_map(|l| l.strip_prefix("portal_delivery_queue_depth "))
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .unwrap_or_else(|| {
                        panic!("settle: no portal_delivery_queue_depth in /metrics:\n{text}")
                    }),
            );
            if depth == Some(0.0) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the delivery queue did not empty within {within:?} (depth {depth:?})");
    }

    /// Every message the outbox delivery recorded, newest first (once the queue is empty).
    pub async fn outbox(&self) -> Vec<Value> {
        self.settle().await;
        let response = self
            .client
            .get(self.url("/dev/outbox"))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK);
        match body_json(response).await {
            Value::Array(messages) => messages,
            other => panic!("the outbox is not a list: {other}"),
        }
    }

    pub async fn outbox_to(&self, to: &str) -> Vec<Value> {
        self.outbox()
            .await
            .into_iter()
            .filter(|m| m["to"] == to)
            .collect()
    }

    /// The code of the newest outbox message sent to `to` (waiting for the queue to send it).
    pub async fn latest_code(&self, to: &str) -> String {
        let messages = self.outbox_to(to).await;
        let newest = messages
            .first()
            .unwrap_or_else(|| panic!("no message was sent to {to}"));
        newest["code"].as_str().expect("a code").to_owned()
    }

    pub async fn register_phone(&self, national: &str, first: &str, last: &str) -> Response {
        self.post_json(
            &format!("{CONTACTS}/register"),
            json!({
                "first_name": first,
                "last_name": last,
                "identity": { "provider": "PHONE", "phone_number": national, "country_code": "CYP" },
                "service_acceptance": true,
            }),
        )
        .await
    }

    pub async fn register_email(&self, email: &str, password: Option<&str>) -> Response {
        let mut identity = json!({ "provider": "EMAIL", "email": email });
        if let Some(p) = password {
            identity["password"] = json!(p);
        }
        self.post_json(
            &format!("{CONTACTS}/register"),
            json!({
                "first_name": "Andy",
                "last_name": "Steward",
                "identity": identity,
                "service_acceptance": true,
            }),
        )
        .await
    }

    pub async fn request_otp(&self, name: &str, value: &str) -> Response {
        self.post_json(
            &format!("{CONTACTS}/request-otp"),
            json!({ "credentials": [{ "name": name, "value": value }] }),
        )
        .await
    }

    pub async fn validate(&self, auth_otp: &str, code: &str) -> Response {
        self.post_json(
            &format!("{CONTACTS}/validate-otp"),
            json!({ "auth_otp": auth_otp, "code": code }),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_json(
            &format!("{CONTACTS}/refresh-token"),
            json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    /// How many contacts the back office lists.
    pub async fn contact_count(&self) -> i64 {
        let response = self
            .backoffice(reqwest::Method::GET, "/contacts?size=1", None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        body_json(response).await["paging"]["total"]
            .as_i64()
            .expect("a total")
    }

    /// Registers `email` with `password` and validates its code: the token response.
    pub async fn signed_up_email(&self, email: &str, password: &str) -> Value {
        let response = self.register_email(email, Some(password)).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let auth_otp = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = self.latest_code(email).await;
        let response = self.validate(&auth_otp, &code).await;
        assert_eq!(response.status(), StatusCode::OK);
        body_json(response).await
    }

    /// Registers a new phone contact and validates its code: the token response.
    pub async fn signed_up_phone(&self) -> (String, Value) {
        let national = unique_phone();
        let response = self.register_phone(&national, "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let auth_otp = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = self.latest_code(&e164(&national)).await;
        let response = self.validate(&auth_otp, &code).await;
        assert_eq!(response.status(), StatusCode::OK);
        (national, body_json(response).await)
    }
}
