//! How many argon2id verifications per second this machine does with the portal's parameters
//! (m = 19 MiB, t = 2, p = 1), one at a time and `PASSWORD_HASH_CONCURRENCY` (default 2) at once.
//! Run by bench/passwords.sh: `cargo run --release --example argon2_rate -- SECONDS`.

use std::time::{Duration, Instant};

use portal::services::auth::password_hashing::Hasher;

async fn rate(concurrency: usize, seconds: u64) -> f64 {
    let hasher = Hasher::new(concurrency, concurrency, concurrency);
    let stored = hasher
        .hash("benchmark password 1".into(), None)
        .await
        .expect("hash");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers = (0..concurrency).map(|_| {
        let (hasher, stored) = (hasher.clone(), stored.clone());
        tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                assert!(hasher
                    .verify("benchmark password 1".into(), Some(stored.clone()), None)
                    .await
                    .expect("verify"));
                done += 1;
            }
            done
        })
    });
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("worker");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let seconds = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let concurrency = std::env::var("PASSWORD_HASH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let one = rate(1, seconds).await;
    let many = rate(concurrency, seconds).await;
    println!("{{\"verify_per_s_1\": {one:.1}, \"verify_per_s_{concurrency}\": {many:.1}, \"concurrency\": {concurrency}}}");
}
