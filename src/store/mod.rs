//! Storage: one set of SQL for SQLite and PostgreSQL through sqlx's Any driver.
//! Times are epoch milliseconds and flags 0/1 integers so both backends read alike.

pub mod agents;
pub mod api_keys;
pub mod audit;
pub mod contacts;
pub mod deliveries;
pub mod identities;
pub mod organisations;
pub mod otps;
pub mod outbox;
pub mod refresh_tokens;
pub mod sessions;
pub mod throttles;

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    AnyPool, ConnectOptions, Connection, Executor,
};

pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    /// Reads. On PostgreSQL the same pool as `writer`.
    pub pool: AnyPool,
    /// Transactions (`begin`) and single-statement writes. On SQLite a pool of one connection:
    /// SQLite takes one writer at a time anyway, and writers that wait for this connection wait
    /// their turn in the pool's queue (first come, first served) instead of napping in SQLite's
    /// busy handler (up to 100 ms a nap) while the lock is free. WAL keeps readers off this queue.
    pub writer: AnyPool,
    pub backend: Backend,
}

pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

impl Db {
    /// `pool_size`: connections at most (`None`: 8 on SQLite, for reading, beside the one writing
    /// connection; 20 on PostgreSQL).
    pub async fn connect(
        url: &str,
        acquire_timeout: Duration,
        pool_size: Option<u32>,
    ) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        if backend == Backend::Sqlite {
            ensure_sqlite_dir(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .context("DATABASE_URL could not be parsed")?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(2));
        let (pool, writer) = match backend {
            // SQLite has one writer at a time: WAL so readers never wait, a few reading
            // connections, one writing connection (see `writer`), and a busy timeout for the
            // other processes that may write the file (the command line, a second server).
            Backend::Sqlite => {
                let sqlite = |max| {
                    AnyPoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(acquire_timeout)
                        .before_acquire(|conn, _| {
                            Box::pin(async move { Ok(not_in_transaction(conn)) })
                        })
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                conn.execute(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 15000; PRAGMA foreign_keys = ON;",
                                )
                                .await?;
                                Ok(())
                            })
                        })
                };
                // The writer first: it creates the file and switches it to WAL before any reader.
                let writer = sqlite(1).connect_with(options.clone()).await;
                match writer {
                    Ok(writer) => sqlite(pool_size.unwrap_or(8))
                        .connect_with(options)
                        .await
                        .map(|pool| (pool, writer)),
                    Err(error) => Err(error),
                }
            }
            // Prepared statements are cached per connection; a generic plan for the search LIKE would
            // always use the trigram index, even for 2-character terms it cannot serve (seconds at 1M).
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(pool_size.unwrap_or(20))
                .acquire_timeout(acquire_timeout)
                .before_acquire(|conn, _| Box::pin(async move { Ok(not_in_transaction(conn)) }))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("SET plan_cache_mode = force_custom_plan")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map(|pool| (pool.clone(), pool)),
        }
        .context("could not connect to the database")?;
        Ok(Self {
            pool,
            writer,
            backend,
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.writer).await,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.writer)
                    .await
            }
        }
        .context("database migrations failed")
    }

    /// On SQLite the write lock is taken at BEGIN: a deferred transaction that reads and then
    /// writes fails at once ("database is locked") when another writer got in between.
    pub async fn begin(&self) -> sqlx::Result<Tx<'static>> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// A pooled connection must not still be inside a transaction when it is handed out (its
/// rollback, queued when a `Transaction` was dropped, failed): on SQLite it would hold the write
/// lock for ever and every writer would wait out the busy timeout. Such a connection is closed
/// (which ends the transaction) and the pool takes or opens another.
fn not_in_transaction(conn: &sqlx::AnyConnection) -> bool {
    if conn.is_in_transaction() {
        tracing::warn!("a pooled database connection was still in a transaction; closing it");
        return false;
    }
    true
}

fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
    }
    Ok(())
}

/// True when the database cannot be reached or cannot take writes right now (it is down, the pool
/// waited too long, the disk is full, the file read-only): a 503 to try again, not a 500.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if code.len() == 5 {
                // PostgreSQL's SQLSTATE: connection exceptions (08…), shutting down or starting
                // up (57P0x), out of disk or memory (53…).
                code.starts_with("08") || code.starts_with("57P") || code.starts_with("53")
            } else {
                // SQLite: busy, locked, read-only, I/O error, full, cannot open (and their
                // extended codes, whose low byte is the primary one).
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
            }
        }
        _ => false,
    }
}

/// True when an insert failed on a unique constraint (both backends word it differently).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("2067")
                || db.code().as_deref() == Some("1555")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Names the column of a unique-constraint failure when the backend says which.
pub fn violated_constraint(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => {
            format!("{} {}", db.constraint().unwrap_or_default(), db.message())
        }
        _ => String::new(),
    }
}
