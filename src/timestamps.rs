//! Times as the outside sees them: RFC 3339 in UTC (stored as epoch milliseconds).

use time::{format_description::well_known::Rfc3339, OffsetDateTime};

pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn milliseconds_become_rfc3339() {
        assert_eq!(super::rfc3339(1_629_364_506_000), "2021-08-19T09:15:06Z");
        assert_eq!(
            super::rfc3339(1_629_364_506_123),
            "2021-08-19T09:15:06.123Z"
        );
    }
}
