//! Typed settings from the environment (and `.env`), with development defaults.
//! Production refuses the unsafe ones (see `Settings::check_production`).

use std::{env, net::SocketAddr, path::PathBuf, time::Duration};

pub use secrecy::{ExposeSecret, SecretString};

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
    pub failed_logins_per_ip_per_hour: i64,
    /// Wrong codes per identity across all its codes (5 tries each would otherwise add up).
    pub wrong_codes_per_identity_per_day: i64,
    pub wrong_codes_per_ip_per_hour: i64,
    pub claims_per_ip_per_hour: i64,
    /// The countries (ISO 3166 alpha-3) SMS may go to; `None`: all (`SMS_COUNTRIES`).
    pub sms_countries: Option<Vec<String>>,
    /// SMS codes per destination prefix (country code and the next two digits) per hour; 0: no
    /// cap (`SMS_SENDS_PER_PREFIX_PER_HOUR`).
    pub sms_sends_per_prefix_per_hour: i64,
}

#[derive(Clone, Debug)]
/// Every setting, read and checked here and nowhere else. Secrets are `SecretString`s: `Debug`
/// shows them as `[REDACTED]`, and reading one takes an explicit `expose_secret()`.
pub struct Settings {
    pub app_env: AppEnv,
    /// May hold a password.
    pub database_url: SecretString,
    pub bind_addr: SocketAddr,
    /// Folder for generated development files (the JWT secret when none is configured).
    pub data_dir: PathBuf,
    pub jwt_secret: Option<SecretString>,
    /// A previous secret still accepted (access tokens, queued messages) while one is rotated.
    pub jwt_secret_previous: Option<SecretString>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub email_delivery: DeliveryKind,
    pub sms_delivery: DeliveryKind,
    pub limits: Limits,
    pub max_concurrent_hashes: usize,
    /// Password hashes allowed to wait for a free hasher; beyond that, 503 with Retry-After.
    pub password_hash_queue: usize,
    /// Password hashes one client IP may have running or waiting at once.
    pub password_hash_queue_per_ip: usize,
    /// Proxies in front of the server: the client IP is the Nth address from the right of
    /// `X-Forwarded-For` (0: the header is ignored).
    pub trust_proxy: usize,
    /// IPv6 addresses sharing this prefix are one client for per-client limits
    /// (`IPV6_CLIENT_PREFIX`: 64, or 56 or 48 where providers hand those out).
    pub ipv6_client_prefix: u8,
    /// Connections one client may have open at once (`MAX_CONNECTIONS_PER_CLIENT`; 0: no cap).
    /// Off by default behind `TRUST_PROXY`, where every connection comes from the proxy.
    pub max_connections_per_client: usize,
    /// Bearer token for `/metrics`; in production `/metrics` is absent without it.
    pub metrics_token: Option<SecretString>,
    /// May hold a password.
    pub smtp_url: Option<SecretString>,
    pub smtp_from: Option<String>,
    /// A CA certificate (PEM file) to trust for the SMTP server besides the public roots.
    pub smtp_ca_file: Option<PathBuf>,
    pub sms_http_url: Option<String>,
    pub sms_http_token: Option<SecretString>,
    pub sms_http_from: String,
    /// How long one try of one message may take (the queue tries again later).
    pub delivery_timeout: Duration,
    pub facebook: Option<FacebookSettings>,
    /// The portal's address as browsers reach it (for OAuth redirects), e.g. https://portal.example.com
    pub public_url: String,
    /// After SIGTERM, how long requests in flight may finish.
    pub shutdown_grace: Duration,
    /// A request's headers must arrive within this (idle keep-alive connections too).
    pub header_read_timeout: Duration,
    /// A request must be answered within this (503 otherwise).
    pub request_timeout: Duration,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// How long a request waits for a database connection before it is answered 503.
    pub db_acquire_timeout: Duration,
    /// How long another way to sign in must have been on a contact before the customer may remove
    /// the one that has been there longest (`IDENTITY_REMOVAL_AFTER_DAYS`, default 7).
    pub identity_removal_after: Duration,
    /// Database connections one server keeps at most (`DB_POOL_SIZE`); unset: 8 on SQLite, 20 on
    /// PostgreSQL.
    pub db_pool_size: Option<u32>,
    /// The name messages are signed with (`BUSINESS_NAME`, default "Contacts Portal").
    pub business_name: String,
    /// A folder of `<language>.ftl` files that replace or add message templates
    /// (`MESSAGE_TEMPLATES_DIR`; src/messages/en.ftl lists every message).
    pub message_templates_dir: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub struct FacebookSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    /// `None`: Facebook itself; otherwise one base URL serving /dialog/oauth, /oauth/access_token, /me, /debug_token.
    pub base_url: Option<String>,
}

/// `SMS_COUNTRIES`: comma-separated ISO 3166 alpha-3 codes (any case); unset or empty: all.
fn sms_countries() -> Result<Option<Vec<String>>, ConfigError> {
    let Some(raw) = var("SMS_COUNTRIES") else {
        return Ok(None);
    };
    let mut codes = Vec::new();
    for code in raw.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let country =
            crate::domain::countries::by_alpha3(code).ok_or_else(|| ConfigError::Invalid {
                name: "SMS_COUNTRIES",
                reason: format!("`{code}` is not an ISO 3166 alpha-3 country code (CYP, GRC)"),
            })?;
        codes.push(country.alpha3.to_owned());
    }
    Ok((!codes.is_empty()).then_some(codes))
}

fn secret(name: &str) -> Option<SecretString> {
    var(name).map(SecretString::from)
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

/// How logs are written: `LOG_FORMAT=json`, or text (the default). Read before the rest of the
/// settings, so that their errors are logged in the chosen format too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

pub fn log_format() -> Result<LogFormat, ConfigError> {
    match var("LOG_FORMAT").as_deref() {
        None | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(ConfigError::Invalid {
            name: "LOG_FORMAT",
            reason: format!("`{other}` is neither text nor json"),
        }),
    }
}

/// `TRUST_PROXY=N`: how many proxies of ours stand in front. The old `true` is refused: it meant
/// "believe the leftmost address", which the client writes itself.
fn trust_proxy() -> Result<usize, ConfigError> {
    match var("TRUST_PROXY").as_deref() {
        None | Some("false") => Ok(0),
        Some("true") => Err(ConfigError::Invalid {
            name: "TRUST_PROXY",
            reason: "is now the number of proxies in front of the server (0 ignores \
                     X-Forwarded-For); behind one nginx set TRUST_PROXY=1"
                .into(),
        }),
        Some(raw) => raw.parse().map_err(|_| ConfigError::Invalid {
            name: "TRUST_PROXY",
            reason: format!("`{raw}` is not a number of proxy hops (0, 1, 2…)"),
        }),
    }
}

/// `IPV6_CLIENT_PREFIX`: a prefix length providers hand to one customer (32 to 128).
fn ipv6_prefix() -> Result<u8, ConfigError> {
    let prefix: u8 = parse("IPV6_CLIENT_PREFIX", 64u8)?;
    if !(32..=128).contains(&prefix) {
        return Err(ConfigError::Invalid {
            name: "IPV6_CLIENT_PREFIX",
            reason: format!("{prefix} is not a prefix length between 32 and 128 (64, 56 or 48)"),
        });
    }
    Ok(prefix)
}

impl Settings {
    /// How request addresses become clients for per-client limits.
    pub fn client_networks(&self) -> crate::client_ip::ClientNetworks {
        crate::client_ip::ClientNetworks {
            trusted_hops: self.trust_proxy,
            ipv6_prefix: self.ipv6_client_prefix,
        }
    }

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
        let settings = Settings {
            app_env,
            database_url: secret("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/portal.db?mode=rwc".into()),
            bind_addr: parse("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            data_dir: var("DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data")),
            jwt_secret: secret("JWT_SECRET"),
            jwt_secret_previous: secret("JWT_SECRET_PREVIOUS"),
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
                failed_logins_per_ip_per_hour: parse("FAILED_LOGINS_PER_IP_PER_HOUR", 300i64)?,
                wrong_codes_per_identity_per_day: parse(
                    "OTP_WRONG_CODES_PER_IDENTITY_PER_DAY",
                    20i64,
                )?,
                wrong_codes_per_ip_per_hour: parse("OTP_WRONG_CODES_PER_IP_PER_HOUR", 100i64)?,
                claims_per_ip_per_hour: parse("CLAIMS_PER_IP_PER_HOUR", 30i64)?,
                sms_countries: sms_countries()?,
                sms_sends_per_prefix_per_hour: parse("SMS_SENDS_PER_PREFIX_PER_HOUR", 0i64)?.max(0),
            },
            max_concurrent_hashes: parse("PASSWORD_HASH_CONCURRENCY", 2usize)?.max(1),
            password_hash_queue: parse("PASSWORD_HASH_QUEUE", 32usize)?,
            password_hash_queue_per_ip: parse("PASSWORD_HASH_QUEUE_PER_IP", 4usize)?.max(1),
            trust_proxy: trust_proxy()?,
            ipv6_client_prefix: ipv6_prefix()?,
            max_connections_per_client: 0,
            metrics_token: secret("METRICS_TOKEN"),
            smtp_url: secret("SMTP_URL"),
            smtp_from: var("SMTP_FROM"),
            smtp_ca_file: var("SMTP_CA_FILE").map(PathBuf::from),
            sms_http_url: var("SMS_HTTP_URL"),
            sms_http_token: secret("SMS_HTTP_TOKEN"),
            sms_http_from: var("SMS_HTTP_FROM").unwrap_or_else(|| "Portal".into()),
            delivery_timeout: Duration::from_secs(
                parse("OTP_DELIVERY_TIMEOUT_SECS", 10u64)?.max(1),
            ),
            facebook: match (var("FACEBOOK_CLIENT_ID"), var("FACEBOOK_CLIENT_SECRET")) {
                (Some(client_id), Some(client_secret)) => Some(FacebookSettings {
                    client_id,
                    client_secret: client_secret.into(),
                    base_url: var("FACEBOOK_BASE_URL").map(|u| u.trim_end_matches('/').to_owned()),
                }),
                _ => None,
            },
            public_url: String::new(),
            shutdown_grace: Duration::from_secs(parse("SHUTDOWN_GRACE_SECS", 20u64)?),
            header_read_timeout: Duration::from_secs(
                parse("HEADER_READ_TIMEOUT_SECS", 10u64)?.max(1),
            ),
            request_timeout: Duration::from_secs(parse("REQUEST_TIMEOUT_SECS", 30u64)?.max(1)),
            max_connections: parse("MAX_CONNECTIONS", 2048usize)?.max(1),
            db_acquire_timeout: Duration::from_secs(parse("DB_ACQUIRE_TIMEOUT_SECS", 3u64)?.max(1)),
            identity_removal_after: Duration::from_secs(
                parse("IDENTITY_REMOVAL_AFTER_DAYS", 7u64)?.saturating_mul(86_400),
            ),
            db_pool_size: match var("DB_POOL_SIZE") {
                None => None,
                Some(_) => Some(parse("DB_POOL_SIZE", 20u32)?.max(1)),
            },
            business_name: var("BUSINESS_NAME").unwrap_or_else(|| "Contacts Portal".into()),
            message_templates_dir: var("MESSAGE_TEMPLATES_DIR").map(PathBuf::from),
        };
        let mut settings = settings;
        let per_client_default = if settings.trust_proxy == 0 { 128 } else { 0 };
        settings.max_connections_per_client =
            parse("MAX_CONNECTIONS_PER_CLIENT", per_client_default)?;
        settings.public_url = var("PUBLIC_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{}", settings.bind_addr));
        settings.check_production()?;
        Ok(settings)
    }

    pub fn is_production(&self) -> bool {
        self.app_env == AppEnv::Production
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
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
            Some(s) if s.expose_secret().len() < 32 => Err(ConfigError::Unsafe(
                "JWT_SECRET is shorter than 32 bytes".into(),
            )),
            Some(_) => Ok(()),
        }?;
        // The previous secret still signs in whoever holds a token it signed: as strong, or
        // not at all.
        if self
            .jwt_secret_previous
            .as_ref()
            .is_some_and(|s| s.expose_secret().len() < 32)
        {
            return Err(ConfigError::Unsafe(
                "JWT_SECRET_PREVIOUS is shorter than 32 bytes".into(),
            ));
        }
        if self.email_delivery == DeliveryKind::Smtp
            && (self.smtp_url.is_none() || self.smtp_from.is_none())
        {
            return Err(ConfigError::Unsafe(
                "SMTP_URL and SMTP_FROM must be set for smtp delivery".into(),
            ));
        }
        if self.sms_delivery == DeliveryKind::SmsHttp && self.sms_http_url.is_none() {
            return Err(ConfigError::Unsafe(
                "SMS_HTTP_URL must be set for sms_http delivery".into(),
            ));
        }
        if self.is_sqlite() {
            check_sqlite_writable(self.database_url.expose_secret())?;
        }
        Ok(())
    }
}

/// Production on SQLite: the database file's folder must exist (or be creatable) and be writable.
fn check_sqlite_writable(url: &str) -> Result<(), ConfigError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    let dir = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let unwritable = || {
        ConfigError::Unsafe(format!(
            "DATABASE_URL points to {path}, whose folder {} is not writable",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|_| unwritable())?;
    let probe = dir.join(format!(".portal-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|_| unwritable())?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_a_short_previous_jwt_secret() {
        env::set_var("APP_ENV", "production");
        env::set_var("OTP_DELIVERY", "sms_http");
        env::set_var("SMS_HTTP_URL", "https://sms.example.com/send");
        env::set_var("DATABASE_URL", "postgres://portal@db/portal");
        env::set_var("JWT_SECRET", "a-production-secret-of-more-than-32-bytes");
        env::set_var("JWT_SECRET_PREVIOUS", "short");
        let refused = Settings::from_env().expect_err("a short previous secret is refused");
        assert!(
            refused.to_string().contains("JWT_SECRET_PREVIOUS"),
            "{refused}"
        );
        env::set_var(
            "JWT_SECRET_PREVIOUS",
            "the-previous-secret-of-more-than-32-bytes",
        );
        assert!(Settings::from_env().is_ok());
    }

    /// (Each test runs in a process of its own under nextest, so the environment is ours.)
    #[test]
    fn secrets_never_show_in_debug_output() {
        let secrets = [
            ("JWT_SECRET", "jwt-secret-of-more-than-32-bytes-xyz"),
            ("JWT_SECRET_PREVIOUS", "previous-secret-of-32-bytes-or-so"),
            ("SMS_HTTP_TOKEN", "AC1:gateway-secret"),
            ("SMTP_URL", "smtp://user:smtp-password@mail.example.com:587"),
            ("METRICS_TOKEN", "metrics-token-value"),
            ("DATABASE_URL", "postgres://portal:db-password@db/portal"),
            ("FACEBOOK_CLIENT_SECRET", "facebook-client-secret"),
        ];
        for (name, value) in secrets {
            env::set_var(name, value);
        }
        env::set_var("FACEBOOK_CLIENT_ID", "app");
        let settings = Settings::from_env().expect("settings");
        let shown = format!("{settings:?}");
        for (name, value) in secrets {
            let secret = value.rsplit([':', '@']).nth(1).unwrap_or(value);
            assert!(!shown.contains(value), "{name} shows in {shown}");
            assert!(
                !shown.contains(secret) || secret.len() < 6,
                "{name}: {shown}"
            );
        }
        assert!(shown.contains("REDACTED"));
    }
}
