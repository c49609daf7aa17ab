//! Failure caps (wrong passwords, per account per hour): an attempt is counted *before* the
//! password is checked and taken back when it succeeds, so a burst of concurrent guesses cannot
//! get past the cap.

use super::{Core, ServiceError, ServiceResult};
use crate::store::{
    now_ms,
    throttles::{self, Rule, Verdict},
};

pub(crate) struct Attempt {
    key: String,
    previous_last_at: i64,
}

impl Core {
    pub(crate) fn failed_login_rule(&self) -> Rule {
        Rule {
            cooldown_ms: 0,
            max_hits: self.settings.limits.failed_logins_per_account_per_hour,
            window_ms: 3_600_000,
        }
    }

    pub(crate) async fn begin_attempt(&self, key: String) -> ServiceResult<Attempt> {
        let mut tx = self.db.begin().await?;
        let (verdict, previous_last_at) =
            throttles::hit_returning_previous(&mut tx, &key, self.failed_login_rule(), now_ms())
                .await?;
        tx.commit().await?;
        match verdict {
            Verdict::Refused { retry_after_secs } => {
                Err(ServiceError::TooManyRequests { retry_after_secs })
            }
            Verdict::Allowed => Ok(Attempt {
                key,
                previous_last_at,
            }),
        }
    }

    /// The attempt succeeded: it is not a failure.
    pub(crate) async fn attempt_succeeded(&self, attempt: Attempt) -> ServiceResult<()> {
        throttles::undo(&self.db.pool, &attempt.key, attempt.previous_last_at).await?;
        Ok(())
    }
}
