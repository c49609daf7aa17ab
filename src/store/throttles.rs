use super::Conn;
use super::Tx;

/// The state of one counter after a hit was asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the caller may retry after this many seconds.
    Refused {
        retry_after_secs: i64,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Minimum time between two hits, in ms (0: none).
    pub cooldown_ms: i64,
    /// Hits allowed per window.
    pub max_hits: i64,
    pub window_ms: i64,
}

/// Pure decision: given the stored window, may one more hit go through, and what is stored next.
pub fn decide(
    rule: Rule,
    now: i64,
    window_start: i64,
    hits: i64,
    last_at: i64,
) -> (Verdict, i64, i64) {
    let ceil_secs = |ms: i64| (ms + 999) / 1000;
    if rule.cooldown_ms > 0 && hits > 0 && now - last_at < rule.cooldown_ms {
        let wait = rule.cooldown_ms - (now - last_at);
        return (
            Verdict::Refused {
                retry_after_secs: ceil_secs(wait).max(1),
            },
            window_start,
            hits,
        );
    }
    let (window_start, hits) = if now - window_start >= rule.window_ms {
        (now, 0)
    } else {
        (window_start, hits)
    };
    if hits >= rule.max_hits {
        let wait = window_start + rule.window_ms - now;
        return (
            Verdict::Refused {
                retry_after_secs: ceil_secs(wait).max(1),
            },
            window_start,
            hits,
        );
    }
    (Verdict::Allowed, window_start, hits + 1)
}

/// Takes back one hit (the work it allowed did not happen), restoring the previous `last_at`.
pub async fn undo<'e>(ex: impl Conn<'e>, key: &str, previous_last_at: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE throttles SET hits = hits - 1, last_at = $2 WHERE key = $1 AND hits > 0")
        .bind(key)
        .bind(previous_last_at)
        .execute(ex.write())
        .await?;
    Ok(())
}

/// Counts one hit on `key` inside the caller's transaction. The upsert comes first so that the
/// row (PostgreSQL) or the database (SQLite) is locked before it is read: concurrent requests for
/// one key are decided one after the other, on any number of app servers.
pub async fn hit(tx: &mut Tx<'_>, key: &str, rule: Rule, now: i64) -> sqlx::Result<Verdict> {
    Ok(hit_returning_previous(tx, key, rule, now).await?.0)
}

/// Like `hit`, also giving the `last_at` the key had before, for `undo`.
pub async fn hit_returning_previous(
    tx: &mut Tx<'_>,
    key: &str,
    rule: Rule,
    now: i64,
) -> sqlx::Result<(Verdict, i64)> {
    // The no-op update locks an existing row and RETURNING reads it in the same statement (one
    // round trip instead of an upsert and a select); a new row comes back as inserted.
    let (window_start, hits, last_at): (i64, i64, i64) = sqlx::query_as(
        "INSERT INTO throttles (key, window_start, hits, last_at) VALUES ($1, $2, 0, 0) \
         ON CONFLICT (key) DO UPDATE SET key = excluded.key \
         RETURNING window_start, hits, last_at",
    )
    .bind(key)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let (verdict, window_start, hits) = decide(rule, now, window_start, hits, last_at);
    if verdict == Verdict::Allowed {
        sqlx::query(
            "UPDATE throttles SET window_start = $2, hits = $3, last_at = $4 WHERE key = $1",
        )
        .bind(key)
        .bind(window_start)
        .bind(hits)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok((verdict, last_at))
}

/// What a hit would get now, without counting it: lets cheap refusals come before expensive
/// work (a password hash). The hit itself still decides, under the row lock.
pub async fn peek<'e>(ex: impl Conn<'e>, key: &str, rule: Rule, now: i64) -> sqlx::Result<Verdict> {
    let row: Option<(i64, i64, i64)> =
        sqlx::query_as("SELECT window_start, hits, last_at FROM throttles WHERE key = $1")
            .bind(key)
            .fetch_optional(ex.read())
            .await?;
    Ok(match row {
        Some((window_start, hits, last_at)) => decide(rule, now, window_start, hits, last_at).0,
        None => Verdict::Allowed,
    })
}

/// Housekeeping: counters untouched since `before` (older than the longest window) are done.
pub async fn delete_stale<'e>(ex: impl Conn<'e>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM throttles WHERE last_at < $1 AND window_start < $1")
        .bind(before)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        cooldown_ms: 60_000,
        max_hits: 10,
        window_ms: 3_600_000,
    };

    #[test]
    fn a_counter_with_no_hits_holds_no_cooldown() {
        // No hit counted in the window (all taken back, say): nothing to cool down from, whatever
        // `last_at` holds.
        let (v, _, hits) = decide(RULE, 1_010_000, 1_000_000, 0, 1_000_000);
        assert_eq!((v, hits), (Verdict::Allowed, 1));
    }

    #[test]
    fn cooldown_then_hourly_cap() {
        let (v, start, hits) = decide(RULE, 1_000_000, 1_000_000, 0, 0);
        assert_eq!((v, hits), (Verdict::Allowed, 1));
        let (v, _, _) = decide(RULE, 1_030_000, start, hits, 1_000_000);
        assert_eq!(
            v,
            Verdict::Refused {
                retry_after_secs: 30
            }
        );
        let (v, _, hits) = decide(RULE, 1_060_000, start, hits, 1_000_000);
        assert_eq!((v, hits), (Verdict::Allowed, 2));
        let (v, _, _) = decide(RULE, 2_000_000, start, 10, 1_900_000);
        assert_eq!(
            v,
            Verdict::Refused {
                retry_after_secs: 2600
            }
        );
        let (v, start2, hits) = decide(RULE, 1_000_000 + 3_600_000, start, 10, 1_900_000);
        assert_eq!((v, start2, hits), (Verdict::Allowed, 4_600_000, 1));
    }
}
