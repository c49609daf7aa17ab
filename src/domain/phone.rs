use phonenumber::{country, Mode};

use super::{countries, Field, FieldError};

/// A phone number that libphonenumber's rules accept, held in E.164 (`+35799123456`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
}

fn invalid_number(field: Field) -> FieldError {
    FieldError::new(
        field,
        "INVALID_PHONE_NUMBER",
        "Enter a valid phone number for the chosen country",
    )
}

impl PhoneNumber {
    /// A national number plus an ISO 3166 alpha-3 country (`CYP`), as people type them.
    pub fn parse_national(
        number_field: Field,
        country_field: Field,
        number: &str,
        alpha3: &str,
    ) -> Result<Self, FieldError> {
        if alpha3.trim().is_empty() {
            return Err(FieldError::required(country_field, "Country"));
        }
        let Some(found) = countries::by_alpha3(alpha3) else {
            return Err(FieldError::new(
                country_field,
                "INVALID_COUNTRY_CODE",
                "Country must be an ISO 3166 alpha-3 code such as CYP",
            ));
        };
        let id: country::Id = found.alpha2.parse().map_err(|_| {
            FieldError::new(
                country_field,
                "INVALID_COUNTRY_CODE",
                "Phone numbers are not supported for this country",
            )
        })?;
        if number.trim().is_empty() {
            return Err(FieldError::required(number_field, "Phone number"));
        }
        Self::from_parsed(number_field, phonenumber::parse(Some(id), number.trim()))
    }

    /// What forms and apps send: a national number with its country, or, when no country is
    /// given, a full international number.
    pub fn parse_any(
        number_field: Field,
        country_field: Field,
        number: &str,
        alpha3: &str,
    ) -> Result<Self, FieldError> {
        if alpha3.trim().is_empty() && number.trim().starts_with('+') {
            Self::parse_e164(number_field, number)
        } else {
            Self::parse_national(number_field, country_field, number, alpha3)
        }
    }

    /// A full international number (`+35799123456`), as apps send them.
    pub fn parse_e164(field: Field, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::required(field, "Phone number"));
        }
        if !raw.starts_with('+') {
            return Err(FieldError::new(
                field,
                "INVALID_PHONE_NUMBER",
                "Phone numbers are sent in E.164, like +35799123456",
            ));
        }
        Self::from_parsed(field, phonenumber::parse(None, raw))
    }

    fn from_parsed(
        field: Field,
        parsed: Result<phonenumber::PhoneNumber, phonenumber::ParseError>,
    ) -> Result<Self, FieldError> {
        let parsed = parsed.map_err(|_| invalid_number(field))?;
        if !phonenumber::is_valid(&parsed) {
            return Err(invalid_number(field));
        }
        Ok(Self {
            e164: parsed.format().mode(Mode::E164).to_string(),
            country_code: parsed.code().value(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// A stored E.164 number as people read it, grouped by its country's rules
    /// (`+357 99 685271`); anything that is not a valid number (a masked one, an email) as it is.
    pub fn readable(stored: &str) -> String {
        match phonenumber::parse(None, stored) {
            Ok(parsed) if stored.starts_with('+') && phonenumber::is_valid(&parsed) => {
                parsed.format().mode(Mode::International).to_string()
            }
            _ => stored.to_owned(),
        }
    }

    /// The national number and the ISO 3166 alpha-3 country it belongs to (CRM.COM's
    /// `phone{number, country_code}`): `("99123456", Some("CYP"))`.
    pub fn national_parts(&self) -> (String, Option<&'static str>) {
        let prefix = format!("+{}", self.country_code);
        let national = self
            .e164
            .strip_prefix(&prefix)
            .unwrap_or(&self.e164)
            .to_owned();
        let country = phonenumber::parse(None, &self.e164)
            .ok()
            .and_then(|p| p.country().id())
            .and_then(|id| countries::by_alpha2(id.as_ref()))
            .map(|c| c.alpha3);
        (national, country)
    }

    /// Where an SMS to it goes, as SMS pumping is counted: the country calling code and the
    /// next two digits (`+35799`).
    pub fn destination_prefix(&self) -> String {
        let (national, _) = self.national_parts();
        format!(
            "+{}{}",
            self.country_code,
            national.get(..2).unwrap_or(&national)
        )
    }

    /// The country it is in (ISO 3166 alpha-3), when known.
    pub fn country(&self) -> Option<&'static str> {
        self.national_parts().1
    }

    /// `+35799123456` → `+357 99****56`.
    pub fn obfuscated(&self) -> String {
        let prefix = format!("+{}", self.country_code);
        let national = self.e164.strip_prefix(&prefix).unwrap_or(&self.e164[1..]);
        let n = national.len();
        if n <= 4 {
            return format!("{prefix} {}", "*".repeat(n));
        }
        format!(
            "{prefix} {}{}{}",
            &national[..2],
            "*".repeat(n - 4),
            &national[n - 2..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, PhonePart};

    const NUMBER: Field = Field::Phone(PhonePart::Number);
    const COUNTRY: Field = Field::Phone(PhonePart::Country);

    #[test]
    fn stored_numbers_read_grouped_and_anything_else_as_it_is() {
        assert_eq!(PhoneNumber::readable("+35799685271"), "+357 99 685271");
        assert_eq!(PhoneNumber::readable("+447400123456"), "+44 7400 123456");
        for other in ["+357 99****71", "a@example.com", "99685271", ""] {
            assert_eq!(PhoneNumber::readable(other), other);
        }
    }

    #[test]
    fn national_parts_name_the_country_in_alpha3() {
        let phone = PhoneNumber::parse_e164(Field::Stored, "+35799123456").unwrap();
        assert_eq!(phone.destination_prefix(), "+35799");
        assert_eq!(phone.country(), Some("CYP"));
        assert_eq!(phone.national_parts(), ("99123456".to_owned(), Some("CYP")));
        let phone = PhoneNumber::parse_national(NUMBER, COUNTRY, "07400 123456", "GBR").unwrap();
        assert_eq!(
            phone.national_parts(),
            ("7400123456".to_owned(), Some("GBR"))
        );
    }

    #[test]
    fn national_number_with_alpha3_country() {
        let p = PhoneNumber::parse_national(NUMBER, COUNTRY, "99 123456", "CYP").unwrap();
        assert_eq!(p.as_str(), "+35799123456");
        assert_eq!(p.obfuscated(), "+357 99****56");
        let gb = PhoneNumber::parse_national(NUMBER, COUNTRY, "07400 123456", "gbr").unwrap();
        assert_eq!(gb.as_str(), "+447400123456");
    }

    #[test]
    fn numbers_wrong_for_the_country_are_refused() {
        let e = PhoneNumber::parse_national(NUMBER, COUNTRY, "12345", "CYP").unwrap_err();
        assert_eq!(e.code, "INVALID_PHONE_NUMBER");
        let e = PhoneNumber::parse_national(NUMBER, COUNTRY, "99123456", "XYZ").unwrap_err();
        assert_eq!(
            (e.field, e.code.as_str()),
            (COUNTRY, "INVALID_COUNTRY_CODE")
        );
    }

    #[test]
    fn a_full_number_needs_no_country() {
        assert_eq!(
            PhoneNumber::parse_any(NUMBER, COUNTRY, "+447400123456", "")
                .unwrap()
                .as_str(),
            "+447400123456"
        );
        assert_eq!(
            PhoneNumber::parse_any(NUMBER, COUNTRY, "99123456", "CYP")
                .unwrap()
                .as_str(),
            "+35799123456"
        );
        assert_eq!(
            PhoneNumber::parse_any(NUMBER, COUNTRY, "99123456", "")
                .unwrap_err()
                .field,
            COUNTRY
        );
    }

    #[test]
    fn e164_round_trips() {
        assert_eq!(
            PhoneNumber::parse_e164(Field::Stored, "+35799123456")
                .unwrap()
                .as_str(),
            "+35799123456"
        );
        assert!(PhoneNumber::parse_e164(Field::Stored, "35799123456").is_err());
        assert!(PhoneNumber::parse_e164(Field::Stored, "+3579912").is_err());
    }
}
