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
    pool: AnyPool,
    /// Transactions (`begin`) and single-statement writes. On SQLite a pool of one connection:
    /// SQLite takes one writer at a time anyway, and writers that wait for this connection wait
    /// their turn in the pool's queue (first come, first served) instead of napping in SQLite's
    /// busy handler (up to 100 ms a nap) while the lock is free. WAL keeps readers off this queue.
    writer: AnyPool,
    pub backend: Backend,
}

/// Where a store function runs its statement. Callers hand over the database or their
/// transaction; the store decides: given the database, reads go to the reading pool and writes
/// to the writing one; given a transaction (`&mut *tx`), both go to it.
pub trait Conn<'c>: Send {
    fn read(self) -> Via<'c>;
    fn write(self) -> Via<'c>;
}

impl<'a: 'c, 'c> Conn<'c> for &'a Db {
    fn read(self) -> Via<'c> {
        Via::Pool(&self.pool)
    }
    fn write(self) -> Via<'c> {
        Via::Pool(&self.writer)
    }
}

impl<'c> Conn<'c> for &'c mut sqlx::AnyConnection {
    fn read(self) -> Via<'c> {
        Via::Connection(self)
    }
    fn write(self) -> Via<'c> {
        Via::Connection(self)
    }
}

/// The executor a store function was handed, one concrete type for both (a type chosen by an
/// associated type defeated the compiler's proof that callers' futures are `Send`).
#[derive(Debug)]
pub enum Via<'c> {
    Pool(&'c AnyPool),
    Connection(&'c mut sqlx::AnyConnection),
}

impl<'c> Executor<'c> for Via<'c> {
    type Database = sqlx::Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::stream::BoxStream<
        'e,
        Result<sqlx::Either<sqlx::any::AnyQueryResult, sqlx::any::AnyRow>, sqlx::Error>,
    >
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        match self {
            Via::Pool(pool) => pool.fetch_many(query),
            Via::Connection(connection) => connection.fetch_many(query),
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::future::BoxFuture<'e, Result<Option<sqlx::any::AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        match self {
            Via::Pool(pool) => pool.fetch_optional(query),
            Via::Connection(connection) => connection.fetch_optional(query),
        }
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [sqlx::any::AnyTypeInfo],
    ) -> futures::future::BoxFuture<'e, Result<sqlx::any::AnyStatement<'q>, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            Via::Pool(pool) => pool.prepare_with(sql, parameters),
            Via::Connection(connection) => connection.prepare_with(sql, parameters),
        }
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> futures::future::BoxFuture<'e, Result<sqlx::Describe<sqlx::Any>, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            Via::Pool(pool) => pool.describe(sql),
            Via::Connection(connection) => connection.describe(sql),
        }
    }
}

pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
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

    /// Connections the pools hold, and how many of them are idle.
    pub fn usage(&self) -> (u32, usize) {
        // sqlx counts idle connections apart from the pool's size, and under churn a reading
        // can be momentarily wild (it overflowed an addition once): clamp, never panic.
        let usage = |pool: &AnyPool| {
            let size = pool.size();
            (size, pool.num_idle().min(size as usize))
        };
        let (size, idle) = usage(&self.pool);
        match self.backend {
            // SQLite's writer is a pool of its own; on PostgreSQL both names are one pool.
            Backend::Sqlite => {
                let (writer_size, writer_idle) = usage(&self.writer);
                (
                    size.saturating_add(writer_size),
                    idle.saturating_add(writer_idle),
                )
            }
            Backend::Postgres => (size, idle),
        }
    }

    /// Closes the pools (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
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

/// A unique key of the schema: what a failed insert or update collided with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniqueKey {
    /// `contacts.id` (the primary key).
    ContactId,
    /// `contacts.code`.
    ContactCode,
    /// `identities (provider, value)`.
    Identity,
    /// `agents.email`.
    AgentEmail,
    /// Any other unique key (a hash of a random secret: a collision is a fault).
    Other,
}

impl UniqueKey {
    /// (PostgreSQL's constraint name, SQLite's column list) of each key: PostgreSQL names the
    /// constraint (its default names), SQLite only the columns in its message.
    const NAMES: &'static [(UniqueKey, &'static str, &'static str)] = &[
        (UniqueKey::ContactId, "contacts_pkey", "contacts.id"),
        (UniqueKey::ContactCode, "contacts_code_key", "contacts.code"),
        (
            UniqueKey::Identity,
            "identities_provider_value_key",
            "identities.provider, identities.value",
        ),
        (UniqueKey::AgentEmail, "agents_email_key", "agents.email"),
    ];
}

/// The unique key an insert or update collided with, if that is why it failed (realworld's
/// `on_constraint`, for both backends).
pub fn unique_violation(error: &sqlx::Error) -> Option<UniqueKey> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    let sqlite = matches!(db.code().as_deref(), Some("2067" | "1555"));
    if !(db.is_unique_violation() || sqlite) {
        return None;
    }
    let constraint = db.constraint();
    let columns = db
        .message()
        .strip_prefix("UNIQUE constraint failed: ")
        .map(str::trim);
    let key = UniqueKey::NAMES
        .iter()
        .find(|(_, name, cols)| constraint == Some(*name) || columns == Some(*cols))
        .map_or(UniqueKey::Other, |(key, _, _)| *key);
    Some(key)
}

#[cfg(test)]
mod tests {
    use crate::domain::ContactType;

    /// The domain's enums are stored as their text: written as it, read back as it, and a row
    /// holding any other text is an error, never a default.
    #[tokio::test]
    async fn stored_enums_round_trip_and_refuse_unknown_text() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory SQLite");
        let written: String = sqlx::query_scalar("SELECT $1")
            .bind(ContactType::Company)
            .fetch_one(&pool)
            .await
            .expect("bind a ContactType");
        assert_eq!(written, "COMPANY");
        let read: ContactType = sqlx::query_scalar("SELECT 'PERSON'")
            .fetch_one(&pool)
            .await
            .expect("read a ContactType");
        assert_eq!(read, ContactType::Person);
        let unknown = sqlx::query_scalar::<_, ContactType>("SELECT 'person'")
            .fetch_one(&pool)
            .await;
        assert!(
            matches!(unknown, Err(sqlx::Error::ColumnDecode { .. })),
            "{unknown:?}"
        );
    }
}
