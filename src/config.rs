//! Typed settings from the environment (and `.env`), with development defaults.
//! Production refuses the unsafe ones (see `Settings::check_production`).

use std::{env, net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("refusing to start in production: {0}")]
    Unsafe(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryKind {
    Outbox,
    Smtp,
    SmsHttp,
}

#[derive(Clone, Debug)]
pub struct Limits {
    pub otp_send_cooldown: Duration,
    pub otp_sends_per_identity_per_hour: i64,
    pub otp_sends_per_ip_per_hour: i64,
    pub otp_max_attempts: i64,
    pub otp_ttl: Duration,
    pub failed_logins_per_account_per_hour: i64,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub app_env: AppEnv,
    pub database_url: String,
    pub bind_addr: SocketAddr,
    /// Folder holding `style/` and `public/`; the working directory unless `SITE_ROOT` says otherwise.
    pub site_root: PathBuf,
    /// Folder for generated development files (the JWT secret when none is configured).
    pub data_dir: PathBuf,
    pub jwt_secret: Option<String>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub email_delivery: DeliveryKind,
    pub sms_delivery: DeliveryKind,
    pub limits: Limits,
    pub max_concurrent_hashes: usize,
    pub trust_proxy: bool,
}

fn var(name: &str) -> Option<String> {
    env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            reason: e.to_string(),
        }),
    }
}

fn delivery(name: &'static str, raw: &str) -> Result<DeliveryKind, ConfigError> {
    match raw {
        "outbox" => Ok(DeliveryKind::Outbox),
        "smtp" => Ok(DeliveryKind::Smtp),
        "sms_http" => Ok(DeliveryKind::SmsHttp),
        other => Err(ConfigError::Invalid {
            name,
            reason: format!("unknown delivery `{other}` (expected outbox, smtp or sms_http)"),
        }),
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        let app_env = match var("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "APP_ENV",
                    reason: format!("`{other}` is neither development nor production"),
                })
            }
        };
        let default_delivery = var("OTP_DELIVERY").unwrap_or_else(|| "outbox".into());
        let email_delivery = delivery(
            "OTP_DELIVERY_EMAIL",
            &var("OTP_DELIVERY_EMAIL").unwrap_or_else(|| default_delivery.clone()),
        )?;
        let sms_delivery = delivery(
            "OTP_DELIVERY_SMS",
            &var("OTP_DELIVERY_SMS").unwrap_or(default_delivery),
        )?;
        let site_root = var("SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        let settings = Settings {
            app_env,
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/portal.db?mode=rwc".into()),
            bind_addr: parse("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            site_root,
            data_dir: var("DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data")),
            jwt_secret: var("JWT_SECRET"),
            access_token_ttl: Duration::from_secs(parse("ACCESS_TOKEN_TTL_SECS", 900u64)?),
            refresh_token_ttl: Duration::from_secs(parse(
                "REFRESH_TOKEN_TTL_SECS",
                30 * 24 * 3600u64,
            )?),
            email_delivery,
            sms_delivery,
            limits: Limits {
                otp_send_cooldown: Duration::from_secs(parse("OTP_SEND_COOLDOWN_SECS", 60u64)?),
                otp_sends_per_identity_per_hour: parse("OTP_SENDS_PER_IDENTITY_PER_HOUR", 10i64)?,
                otp_sends_per_ip_per_hour: parse("OTP_SENDS_PER_IP_PER_HOUR", 200i64)?,
                otp_max_attempts: 5,
                otp_ttl: Duration::from_secs(parse("OTP_TTL_SECS", 600u64)?),
                failed_logins_per_account_per_hour: parse(
                    "FAILED_LOGINS_PER_ACCOUNT_PER_HOUR",
                    100i64,
                )?,
            },
            max_concurrent_hashes: parse("PASSWORD_HASH_CONCURRENCY", 2usize)?.max(1),
            trust_proxy: parse("TRUST_PROXY", false)?,
        };
        settings.check_production()?;
        Ok(settings)
    }

    pub fn is_production(&self) -> bool {
        self.app_env == AppEnv::Production
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Production must not run on development conveniences; each refusal names the setting.
    pub fn check_production(&self) -> Result<(), ConfigError> {
        if !self.is_production() {
            return Ok(());
        }
        if self.email_delivery == DeliveryKind::Outbox || self.sms_delivery == DeliveryKind::Outbox
        {
            return Err(ConfigError::Unsafe(
                "OTP_DELIVERY is `outbox`, which only records codes; set smtp and/or sms_http"
                    .into(),
            ));
        }
        match &self.jwt_secret {
            None => Err(ConfigError::Unsafe("JWT_SECRET is not set".into())),
            Some(s) if s.len() < 32 => Err(ConfigError::Unsafe(
                "JWT_SECRET is shorter than 32 bytes".into(),
            )),
            Some(_) => Ok(()),
        }
    }
}
