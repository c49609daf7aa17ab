use super::{Field, FieldError};

/// ISO 639-1, the two-letter language codes CRM.COM's API carries (`EN`, `EL`, …).
const ISO_639_1: &str =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch \
co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi \
ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky \
la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om \
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te \
tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// CRM.COM's code for Greek (not ISO 639-1, whose code is EL).
const CRM_GREEK: &str = "GR";

/// The languages the portal's pages and messages are written in, the first the default.
pub const OFFERED: &[LanguageCode] = &[LanguageCode::ENGLISH, LanguageCode::GREEK];

/// A contact's language: an ISO 639-1 code, kept upper-case as CRM.COM writes it. Any of them
/// may be kept (a business may serve a language this portal does not render yet); `offered`
/// says whether the portal speaks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LanguageCode([u8; 2]);

impl LanguageCode {
    pub const ENGLISH: LanguageCode = LanguageCode(*b"EN");
    pub const GREEK: LanguageCode = LanguageCode(*b"EL");

    /// Case-insensitive and trimmed; `Ok(None)` when nothing was sent. `GR`, CRM.COM's code
    /// for Greek (its documents list `EN` and `GR`), is Greek: `EL`.
    pub fn parse_optional(field: Field, raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
            return Ok(None);
        };
        if raw.eq_ignore_ascii_case(CRM_GREEK) {
            return Ok(Some(Self::GREEK));
        }
        let lower = raw.to_ascii_lowercase();
        let known = lower.len() == 2 && ISO_639_1.split(' ').any(|code| code == lower);
        match lower.as_bytes() {
            [a, b] if known => Ok(Some(LanguageCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ]))),
            _ => Err(FieldError::new(
                field,
                "INVALID_VALUE",
                "Language must be a two-letter ISO 639-1 code, such as EN or EL",
            )),
        }
    }

    /// The stored form exactly (rows were written by `as_str`).
    pub fn from_stored(raw: &str) -> Option<Self> {
        Self::parse_optional(Field::Stored, Some(raw))
            .ok()
            .flatten()
            .filter(|code| code.as_str() == raw)
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("EN")
    }

    /// As CRM.COM's v2 face writes it: Greek is `GR` there, every other language as here.
    pub fn crm_spelling(self) -> String {
        match self {
            Self::GREEK => CRM_GREEK.to_owned(),
            other => other.to_string(),
        }
    }

    /// Whether the portal's pages and messages are written in it.
    pub fn offered(self) -> bool {
        OFFERED.contains(&self)
    }

    /// The first offered language of an `Accept-Language` header, by its q-values (ties keep
    /// the header's order); `None` when it names none the portal offers.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, LanguageCode)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Ok(Some(code)) = Self::parse_optional(Field::Stored, Some(primary)) else {
                continue;
            };
            if code.offered() && quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, code));
            }
        }
        best.map(|(_, code)| code)
    }
}

impl std::fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_case_insensitively_and_unknown_ones_are_refused() {
        let parse = |raw| LanguageCode::parse_optional(Field::LanguageCode, Some(raw));
        assert_eq!(parse(" el ").unwrap().unwrap().as_str(), "EL");
        assert_eq!(parse("EN").unwrap().unwrap(), LanguageCode::ENGLISH);
        assert_eq!(parse("").unwrap(), None);
        for bad in ["XX", "ENG", "e", "en-GB", "Ελ"] {
            let error = parse(bad).unwrap_err();
            assert_eq!(
                (error.field, error.code.as_str()),
                (Field::LanguageCode, "INVALID_VALUE"),
                "{bad}"
            );
        }
        assert_eq!(
            parse("gr").unwrap(),
            Some(LanguageCode::GREEK),
            "CRM.COM's Greek"
        );
        assert_eq!(LanguageCode::GREEK.crm_spelling(), "GR");
        assert_eq!(LanguageCode::ENGLISH.crm_spelling(), "EN");
        assert_eq!(LanguageCode::from_stored("el"), None);
        assert_eq!(
            LanguageCode::from_stored("EL").map(|c| c.offered()),
            Some(true)
        );
        assert_eq!(
            LanguageCode::from_stored("FR").map(|c| c.offered()),
            Some(false)
        );
    }

    #[test]
    fn accept_language_picks_the_best_offered_language() {
        let pick = |h| LanguageCode::from_accept_language(h).map(|c| c.to_string());
        assert_eq!(pick("el-GR,el;q=0.9,en;q=0.8").as_deref(), Some("EL"));
        assert_eq!(pick("fr-FR, en;q=0.5, el;q=0.7").as_deref(), Some("EL"));
        assert_eq!(pick("de, fr").as_deref(), None);
        assert_eq!(pick("el;q=0, en").as_deref(), Some("EN"));
        assert_eq!(pick("").as_deref(), None);
    }
}
