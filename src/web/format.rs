//! How the pages show stored values to people.

/// A phone number as people read it (`+357 99 685271`); stored, it is E.164. Any other text
/// (an email, a masked number) is shown as it is.
pub fn readable_phone(stored: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::PhoneNumber::readable(stored)
    }
    #[cfg(not(feature = "ssr"))]
    {
        stored.to_owned()
    }
}

use crate::domain::LanguageCode;

/// A stored time (RFC 3339, UTC: `2026-12-03T11:14:04.413Z`) as people read it in `language`:
/// `3 Dec 2026, 11:14 UTC`, `3 Δεκ 2026, 11:14 UTC`. Anything else as it is.
pub fn readable_time(rfc3339: &str, language: LanguageCode) -> String {
    const ENGLISH: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const GREEK: [&str; 12] = [
        "Ιαν", "Φεβ", "Μαρ", "Απρ", "Μαΐ", "Ιουν", "Ιουλ", "Αυγ", "Σεπ", "Οκτ", "Νοε", "Δεκ",
    ];
    let months = if language == LanguageCode::GREEK {
        GREEK
    } else {
        ENGLISH
    };
    let part = |range: std::ops::Range<usize>| {
        rfc3339
            .get(range)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
    };
    let shape_ok = rfc3339.len() >= 16
        && rfc3339.as_bytes()[4] == b'-'
        && rfc3339.as_bytes()[7] == b'-'
        && rfc3339.as_bytes()[10] == b'T'
        && rfc3339.as_bytes()[13] == b':'
        && rfc3339.ends_with('Z');
    let parsed = shape_ok
        .then(|| {
            Some((
                part(0..4)?,
                part(5..7)?,
                part(8..10)?,
                part(11..13)?,
                part(14..16)?,
            ))
        })
        .flatten();
    let Some((year, month, day, hour, minute)) = parsed else {
        return rfc3339.to_owned();
    };
    let Some(month) = month
        .parse::<usize>()
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| months.get(m))
    else {
        return rfc3339.to_owned();
    };
    format!(
        "{} {month} {year}, {hour}:{minute} UTC",
        day.trim_start_matches('0')
    )
}

/// A count as people read it in `language`: thousands grouped (`12,345`; Greek `12.345`).
pub fn readable_count(count: i64, language: LanguageCode) -> String {
    let separator = if language == LanguageCode::GREEK {
        '.'
    } else {
        ','
    };
    let digits = count.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    if count < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// A time element: readable text, the exact value in `datetime` (and as a tooltip).
#[leptos::component]
pub fn Time(at: String) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let readable = readable_time(&at, crate::web::i18n::page_language());
    view! { <time datetime=at.clone() title=at>{readable}</time> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_day_month_year_and_minutes() {
        let english = |at| readable_time(at, LanguageCode::ENGLISH);
        assert_eq!(english("2026-12-03T11:14:04.413Z"), "3 Dec 2026, 11:14 UTC");
        assert_eq!(english("2026-01-20T09:05:00Z"), "20 Jan 2026, 09:05 UTC");
        assert_eq!(
            readable_time("2026-05-20T09:05:00Z", LanguageCode::GREEK),
            "20 Μαΐ 2026, 09:05 UTC"
        );
        for other in ["never", "2026-13-03T11:14:04Z", "2026-12-03 11:14", ""] {
            assert_eq!(english(other), other);
        }
    }

    #[test]
    fn counts_group_thousands_as_the_language_does() {
        assert_eq!(readable_count(0, LanguageCode::ENGLISH), "0");
        assert_eq!(readable_count(999, LanguageCode::GREEK), "999");
        assert_eq!(readable_count(1_234, LanguageCode::ENGLISH), "1,234");
        assert_eq!(readable_count(1_234_567, LanguageCode::GREEK), "1.234.567");
        assert_eq!(readable_count(-12_345, LanguageCode::ENGLISH), "-12,345");
    }
}
