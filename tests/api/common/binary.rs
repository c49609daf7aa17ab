//! The `portal` binary itself, run as an operator would: in a folder of its own, on a fresh
//! database of this run's backend (PostgreSQL in the PostgreSQL run, never SQLite there).

use std::{path::PathBuf, process::Stdio, time::Duration};

use tokio::io::{BufReader, Lines};

use super::TestDatabase;

/// A folder and a database for one run of the binary; both go away with it.
pub struct Scratch {
    pub dir: PathBuf,
    pub db: TestDatabase,
}

impl Scratch {
    pub async fn new() -> Self {
        let dir =
            std::env::temp_dir().join(format!("portal-ops-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let db = TestDatabase::new(&dir).await;
        Self { dir, db }
    }

    /// `portal` with nothing of the test's environment but `PATH`, listening on a free port, on
    /// this scratch's database; stderr piped (the logs), stdout dropped.
    pub fn command(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", &self.db.url)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs `portal ARGS` to its end (20 s at most): its output.
    pub async fn run(&self, args: &[&str]) -> std::process::Output {
        let mut command = self.command();
        command.args(args).stdout(Stdio::piped());
        tokio::time::timeout(Duration::from_secs(20), command.output())
            .await
            .unwrap_or_else(|_| panic!("`portal {}` did not exit within 20 s", args.join(" ")))
            .expect("the portal binary runs")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reads the server's log until it says where it listens (30 s at most): `http://…`.
pub async fn listening_address<R>(lines: &mut Lines<BufReader<R>>) -> String
where
    R: tokio::io::AsyncRead + Unpin,
{
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(at) = line.find("listening on http://") {
                return line[at + "listening on ".len()..].trim().to_owned();
            }
        }
        panic!("the server never said where it listens");
    })
    .await
    .expect("the server starts within 30 s")
}
