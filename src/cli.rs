//! `portal [serve | migrate | api-key create --kind K]`.

use std::process::ExitCode;

use crate::{
    config::{ExposeSecret, LogFormat, Settings},
    domain::ApiKeyKind,
    services::Actor,
    startup,
    store::Db,
};

const USAGE: &str = "usage: portal [serve]
       portal migrate
       portal api-key create --kind self-service|backoffice [--label TEXT]
       portal agent create --email E --role admin|agent --password-stdin
       portal demo-data";

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    if format == LogFormat::Json {
        fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}

pub async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let format = match crate::config::log_format() {
        Ok(format) => format,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = match args.as_slice() {
        [] | ["serve"] => serve(settings).await,
        ["migrate"] => migrate(settings).await,
        ["api-key", "create", rest @ ..] => create_api_key(settings, rest).await,
        ["agent", "create", rest @ ..] => create_agent(settings, rest).await,
        ["demo-data"] => demo_data(settings).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let grace = settings.shutdown_grace;
    let mut running = startup::spawn(settings, startup::shutdown_signal()).await?;
    tracing::info!("listening on http://{}", running.address);
    // After SIGTERM the server stops accepting and finishes what is in flight, for at most `grace`.
    tokio::select! {
        outcome = &mut running.handle => outcome??,
        _ = async { startup::shutdown_signal().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(?grace, "requests still open after the grace period; exiting");
        }
    }
    running.core.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let db = Db::connect(
        settings.database_url.expose_secret(),
        settings.db_acquire_timeout,
        settings.db_pool_size,
    )
    .await?;
    db.migrate().await?;
    println!("migrations applied");
    Ok(())
}

fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.windows(2).find(|w| w[0] == name).map(|w| w[1])
}

async fn create_api_key(settings: Settings, args: &[&str]) -> anyhow::Result<()> {
    let kind = flag(args, "--kind")
        .and_then(|k| ApiKeyKind::parse(crate::domain::Field::KeyKind, k).ok())
        .ok_or_else(|| anyhow::anyhow!("--kind must be self-service or backoffice"))?;
    let core = startup::build_core(settings).await?;
    let key = core
        .create_api_key(
            &Actor::System,
            kind,
            flag(args, "--label").map(str::to_owned),
        )
        .await?;
    println!("{key}");
    Ok(())
}

async fn create_agent(settings: Settings, args: &[&str]) -> anyhow::Result<()> {
    let email = flag(args, "--email").ok_or_else(|| anyhow::anyhow!("--email is required"))?;
    let role = flag(args, "--role").unwrap_or("agent");
    anyhow::ensure!(
        args.contains(&"--password-stdin"),
        "--password-stdin is required: the password is read from standard input, never from the command line"
    );
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let core = startup::build_core(settings).await?;
    let agent = core
        .create_agent(&Actor::System, email, role, password)
        .await
        .map_err(|e| match e {
            crate::services::AdminError::Validation(v) => anyhow::anyhow!("{}", v.summary()),
            other => anyhow::anyhow!(other),
        })?;
    println!("created {} agent {}", agent.role, agent.email);
    Ok(())
}

async fn demo_data(settings: Settings) -> anyhow::Result<()> {
    let core = startup::build_core(settings).await?;
    let created = crate::services::demo::load(&core).await?;
    println!("demo data: {created}");
    Ok(())
}
