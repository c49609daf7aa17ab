//! Every rate limit in one place: what each counts, its rule, and how attempts are counted.
//!
//! Failure caps (wrong passwords, wrong codes, claims) count an attempt *before* the expensive or
//! secret check and take it back when the check succeeds, so a burst of concurrent guesses
//! cannot get past a cap. Caps count the identifier the client gave, never the contact behind it,
//! so they answer alike for identities that exist and for those that don't.

use super::{Core, Fault, LimitError};
use crate::store::{
    now_ms,
    throttles::{self, Rule, Verdict},
};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A counter: which rule, and the identifier it counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Codes sent for one identifier (an identity, or a claim's identification).
    SendsPerIdentifier(String),
    SendsPerIp(String),
    /// Wrong passwords (and claims) per account identifier.
    FailuresPerAccount(String),
    FailuresPerIp(String),
    WrongCodesPerIdentity(String),
    WrongCodesPerIp(String),
    ClaimsPerIp(String),
    /// SMS codes to one destination prefix (`+35799`): against SMS pumping.
    SmsPerPrefix(String),
}

impl Limit {
    fn key(&self) -> String {
        match self {
            Limit::SendsPerIdentifier(id) => format!("otp-send:{id}"),
            Limit::SendsPerIp(ip) => format!("otp-send-ip:{ip}"),
            Limit::FailuresPerAccount(id) => format!("login-fail:{id}"),
            Limit::FailuresPerIp(ip) => format!("login-fail-ip:{ip}"),
            Limit::WrongCodesPerIdentity(id) => format!("otp-wrong:{id}"),
            Limit::WrongCodesPerIp(ip) => format!("otp-wrong-ip:{ip}"),
            Limit::ClaimsPerIp(ip) => format!("claim-ip:{ip}"),
            Limit::SmsPerPrefix(prefix) => format!("sms-prefix:{prefix}"),
        }
    }
}

/// A claim's send limits count `CLAIM:` and what identifies the contact (never the channel on
/// file, which has a cap of its own).
pub(crate) const CLAIM_LIMIT_PREFIX: &str = "CLAIM:";

/// What every claim counts, and never takes back, whether or not it matched (a resend of a
/// claim's code too): the account's failure cap and the client's claim cap.
pub(crate) fn claim_limits(identifier: &str, client_ip: Option<&str>) -> Vec<Limit> {
    let mut limits = vec![Limit::FailuresPerAccount(identifier.to_owned())];
    limits.extend(client_ip.map(|ip| Limit::ClaimsPerIp(ip.to_owned())));
    limits
}

/// Counted attempts, to be taken back when the check they guard succeeds.
#[must_use = "an attempt that succeeded must be taken back with `succeeded`"]
pub(crate) struct Attempts(Vec<(String, i64)>);

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Core {
    pub(crate) fn rule(&self, limit: &Limit) -> Rule {
        let l = &self.settings.limits;
        let per = |max_hits: i64, window_ms: i64| Rule {
            cooldown_ms: 0,
            max_hits,
            window_ms,
        };
        match limit {
            Limit::SendsPerIdentifier(_) => Rule {
                cooldown_ms: millis(l.otp_send_cooldown),
                max_hits: l.otp_sends_per_identity_per_hour,
                window_ms: HOUR_MS,
            },
            Limit::SendsPerIp(_) => per(l.otp_sends_per_ip_per_hour, HOUR_MS),
            Limit::FailuresPerAccount(_) => per(l.failed_logins_per_account_per_hour, HOUR_MS),
            Limit::FailuresPerIp(_) => per(l.failed_logins_per_ip_per_hour, HOUR_MS),
            Limit::WrongCodesPerIdentity(_) => per(l.wrong_codes_per_identity_per_day, DAY_MS),
            Limit::WrongCodesPerIp(_) => per(l.wrong_codes_per_ip_per_hour, HOUR_MS),
            Limit::ClaimsPerIp(_) => per(l.claims_per_ip_per_hour, HOUR_MS),
            Limit::SmsPerPrefix(_) => per(l.sms_sends_per_prefix_per_hour, HOUR_MS),
        }
    }

    /// Refuses at once when any of `limits` would refuse a hit now; counts nothing. For cheap
    /// refusals before expensive work; the counting happens later under the row lock.
    pub(crate) async fn precheck(&self, limits: &[Limit]) -> Result<(), LimitError> {
        let now = now_ms();
        for limit in limits {
            let verdict = throttles::peek(&self.db, &limit.key(), self.rule(limit), now).await?;
            if let Verdict::Refused { retry_after_secs } = verdict {
                return Err(LimitError::TooManyRequests { retry_after_secs });
            }
        }
        Ok(())
    }

    /// Counts one attempt on every limit, in one transaction: all or none. Refused when any is
    /// over its cap (and then none counts).
    pub(crate) async fn begin_attempts(&self, limits: &[Limit]) -> Result<Attempts, LimitError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let mut counted = Vec::with_capacity(limits.len());
        for limit in limits {
            let key = limit.key();
            let (verdict, previous) =
                throttles::hit_returning_previous(&mut tx, &key, self.rule(limit), now).await?;
            if let Verdict::Refused { retry_after_secs } = verdict {
                return Err(LimitError::TooManyRequests { retry_after_secs });
            }
            counted.push((key, previous));
        }
        tx.commit().await?;
        Ok(Attempts(counted))
    }

    /// Counts attempts that are never taken back (claims: a match counts like a miss).
    pub(crate) async fn count_attempts(&self, limits: &[Limit]) -> Result<(), LimitError> {
        self.begin_attempts(limits).await.map(|_counted| ())
    }

    /// The attempts succeeded: they are not failures.
    pub(crate) async fn attempts_succeeded(&self, attempts: Attempts) -> Result<(), Fault> {
        let mut tx = self.db.begin().await?;
        for (key, previous) in &attempts.0 {
            throttles::undo(&mut *tx, key, *previous).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts sends inside the caller's transaction (the one that writes the code), so a refused
    /// send writes nothing. When one limit refuses, the caller drops the transaction (or, for a
    /// limit whose refusal it keeps to itself, goes on: a refused hit is not recorded).
    pub(crate) async fn count_sends(
        &self,
        tx: &mut crate::store::Tx<'_>,
        limits: &[Limit],
        now: i64,
    ) -> Result<Counted, Fault> {
        for limit in limits {
            let (verdict, _) =
                throttles::hit_returning_previous(tx, &limit.key(), self.rule(limit), now).await?;
            if let Verdict::Refused { retry_after_secs } = verdict {
                return Ok(Counted::Refused { retry_after_secs });
            }
        }
        Ok(Counted::Allowed)
    }
}

pub(crate) enum Counted {
    Allowed,
    Refused { retry_after_secs: i64 },
}
