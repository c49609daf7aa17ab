//! Fault tests against the portal binary (`.ci/test` runs them on the debug build it made for the
//! other tests; by hand, any build):
//!
//! ```text
//! reliability load   --bin target/debug/portal --db URL [--count 10000] [--clients 64]
//! reliability crash  --bin target/debug/portal --db URL [--count 10000] [--clients 64]
//! reliability outage --bin target/debug/portal --db postgres://… --stop 'CMD' --start 'CMD'
//! ```
//!
//! `load`: registrations from many clients at once; then every 202 has exactly one code and one
//! message, every code validates exactly once, no contact is duplicated. `crash`: the same with a
//! `kill -9` in the middle and a restart on the same database: it opens cleanly, nothing is half
//! written, queued messages go out after the restart, the load goes on. `outage`: PostgreSQL is
//! stopped for 5 s under load: requests fail fast with 503 and the server recovers by itself.
//! Each prints its figures; any broken promise exits non-zero with what broke.

mod checks;
mod load;
mod server;

use std::{process::ExitCode, time::Duration};

fn flag(args: &[String], name: &str) -> Option<String> {
    args.windows(2).find(|w| w[0] == name).map(|w| w[1].clone())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first().cloned() else {
        eprintln!("usage: reliability load|crash|outage --bin PORTAL --db URL [...]");
        return ExitCode::from(2);
    };
    let bin = flag(&args, "--bin").unwrap_or_else(|| "target/debug/portal".into());
    let Some(db) = flag(&args, "--db") else {
        eprintln!("--db URL is required");
        return ExitCode::from(2);
    };
    let count: usize = flag(&args, "--count")
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000);
    let clients: usize = flag(&args, "--clients")
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    let outcome = match command.as_str() {
        "load" => load::load(&bin, &db, count, clients).await,
        "crash" => load::crash(&bin, &db, count, clients).await,
        "outage" => {
            let (Some(stop), Some(start)) = (flag(&args, "--stop"), flag(&args, "--start")) else {
                eprintln!("outage needs --stop CMD and --start CMD");
                return ExitCode::from(2);
            };
            load::outage(&bin, &db, &stop, &start, Duration::from_secs(5)).await
        }
        other => Err(anyhow::anyhow!("unknown command {other}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}
