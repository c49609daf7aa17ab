//! The portal binary as a child process on a database of our choosing.

use std::{path::Path, process::Stdio, time::Duration};

use anyhow::Context;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::{Child, Command},
};

pub struct Server {
    pub address: String,
    child: Child,
}

/// The environment every run shares: outbox delivery, limits out of the way of one load client
/// (all requests come from 127.0.0.1; the limits themselves are tested elsewhere).
fn command(bin: &str, db: &str, dir: &Path) -> Command {
    let mut c = Command::new(bin);
    c.current_dir(dir)
        .env("DATABASE_URL", db)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("JWT_SECRET", "reliability-secret-of-more-than-32-bytes")
        .env("RUST_LOG", "info,sqlx=error")
        .env("OTP_SEND_COOLDOWN_SECS", "0")
        .env("OTP_SENDS_PER_IP_PER_HOUR", "100000000")
        .env("OTP_WRONG_CODES_PER_IP_PER_HOUR", "100000000")
        .env("DB_ACQUIRE_TIMEOUT_SECS", "2")
        .kill_on_drop(true);
    c
}

pub async fn api_key(bin: &str, db: &str, dir: &Path) -> anyhow::Result<String> {
    let output = command(bin, db, dir)
        .args(["api-key", "create", "--kind", "self-service"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await?;
    anyhow::ensure!(
        output.status.success(),
        "api-key create failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?.trim().to_owned())
}

impl Server {
    pub async fn start(bin: &str, db: &str, dir: &Path, name: &str) -> anyhow::Result<Self> {
        let log = dir.join(format!("{name}.log"));
        let mut child = command(bin, db, dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start {bin}"))?;
        let stderr = child.stderr.take().context("stderr")?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let log_path = log.clone();
        tokio::spawn(async move {
            let mut file = tokio::fs::File::create(&log_path).await.ok();
            let mut lines = BufReader::new(stderr).lines();
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(at) = line.find("listening on http://") {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(line[at + "listening on ".len()..].trim().to_owned());
                    }
                }
                if let Some(f) = file.as_mut() {
                    let _ = f.write_all(format!("{line}\n").as_bytes()).await;
                }
            }
        });
        let address = tokio::time::timeout(Duration::from_secs(60), rx)
            .await
            .with_context(|| {
                format!(
                    "the server did not start within 60 s (log: {})",
                    log.display()
                )
            })?
            .with_context(|| {
                format!("the server exited while starting (log: {})", log.display())
            })?;
        Ok(Self { address, child })
    }

    /// `kill -9`: no chance to finish anything.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// SIGTERM, and the wait for a clean exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .context("the server did not stop within 30 s of SIGTERM")??;
        anyhow::ensure!(status.success(), "the server exited with {status}");
        Ok(())
    }
}
