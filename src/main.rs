#[tokio::main]
async fn main() -> std::process::ExitCode {
    portal::cli::main().await
}
