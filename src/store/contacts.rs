use super::{Backend, Conn, Db};
use crate::domain::{Agreement, ContactCode, ContactId, ContactType, LanguageCode};

#[derive(Clone, Debug)]
pub struct ContactRow {
    pub id: String,
    pub code: String,
    pub contact_type: ContactType,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
    pub avatar: Option<String>,
    pub language_code: Option<LanguageCode>,
    /// Written at sign-up only (no update changes it).
    pub agreement: Agreement,
    pub is_verified: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Random per row: tokens, sessions and codes carry it, so none of them speaks for a later
    /// contact that was given the same id.
    pub incarnation: String,
}

/// A row as both backends store it: flags as 0 or 1.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    code: String,
    contact_type: ContactType,
    title: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    email_opt_out: i64,
    sms_opt_out: i64,
    avatar: Option<String>,
    language_code: Option<String>,
    referred_by: Option<String>,
    country_of_agreement: Option<String>,
    is_verified: i64,
    created_at: i64,
    updated_at: i64,
    incarnation: String,
}

impl From<Stored> for ContactRow {
    fn from(s: Stored) -> Self {
        ContactRow {
            id: s.id,
            code: s.code,
            contact_type: s.contact_type,
            title: s.title,
            first_name: s.first_name,
            last_name: s.last_name,
            company_name: s.company_name,
            email: s.email,
            phone: s.phone,
            email_opt_out: s.email_opt_out != 0,
            sms_opt_out: s.sms_opt_out != 0,
            avatar: s.avatar,
            // Written by `as_str` only; text of any other shape reads as no language.
            language_code: s
                .language_code
                .as_deref()
                .and_then(LanguageCode::from_stored),
            agreement: Agreement {
                referred_by: s.referred_by,
                country_of_agreement: s.country_of_agreement,
            },
            is_verified: s.is_verified != 0,
            created_at: s.created_at,
            updated_at: s.updated_at,
            incarnation: s.incarnation,
        }
    }
}

fn all(rows: Vec<Stored>) -> Vec<ContactRow> {
    rows.into_iter().map(ContactRow::from).collect()
}

impl ContactRow {
    /// A new contact with nothing but its id, code and type (and a fresh incarnation): the one
    /// place a contact row is put together; callers fill in what they know.
    pub fn new(id: &ContactId, code: &ContactCode, contact_type: ContactType, now: i64) -> Self {
        Self {
            id: id.as_str().to_owned(),
            code: code.as_str().to_owned(),
            contact_type,
            title: None,
            first_name: None,
            last_name: None,
            company_name: None,
            email: None,
            phone: None,
            email_opt_out: false,
            sms_opt_out: false,
            avatar: None,
            language_code: None,
            agreement: Agreement::default(),
            is_verified: false,
            created_at: now,
            updated_at: now,
            incarnation: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

const COLUMNS: &str =
    "id, code, contact_type, title, first_name, last_name, company_name, email, phone, \
     email_opt_out, sms_opt_out, avatar, language_code, referred_by, country_of_agreement, \
     is_verified, created_at, updated_at, incarnation";

pub async fn insert<'e>(ex: impl Conn<'e>, c: &ContactRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contacts (id, code, contact_type, title, first_name, last_name, company_name, email, phone, \
         email_opt_out, sms_opt_out, avatar, is_verified, created_at, updated_at, search_text, incarnation, \
         language_code, referred_by, country_of_agreement) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(&c.id)
    .bind(&c.code)
    .bind(c.contact_type)
    .bind(&c.title)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(i64::from(c.email_opt_out))
    .bind(i64::from(c.sms_opt_out))
    .bind(&c.avatar)
    .bind(i64::from(c.is_verified))
    .bind(c.created_at)
    .bind(c.updated_at)
    .bind(search_text(c))
    .bind(&c.incarnation)
    .bind(c.language_code.as_ref().map(LanguageCode::as_str))
    .bind(&c.agreement.referred_by)
    .bind(&c.agreement.country_of_agreement)
    .execute(ex.write())
    .await?;
    Ok(())
}

/// Locks a contact's row until the transaction ends (a no-op write: portable "FOR UPDATE"), so
/// that read-modify-write edits of one contact run one after the other. Every transaction that
/// acts on a contact takes this lock before touching the contact's codes, tokens, identities or
/// sessions, the order a delete takes them in: no two can deadlock.
pub async fn lock<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE contacts SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(ex.write())
        .await?;
    Ok(())
}

pub async fn find<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as::<_, Stored>(&format!("SELECT {COLUMNS} FROM contacts WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex.read())
        .await
        .map(|row| row.map(ContactRow::from))
}

/// The contact with this id, provided it is still the same row (not deleted and recreated).
/// The contact's language (for its messages), `None` when it has none or is gone.
pub async fn language_of<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<Option<LanguageCode>> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT language_code FROM contacts WHERE id = $1")
            .bind(id)
            .fetch_optional(ex.read())
            .await?;
    Ok(stored
        .flatten()
        .as_deref()
        .and_then(LanguageCode::from_stored))
}

pub async fn find_incarnation<'e>(
    ex: impl Conn<'e>,
    id: &str,
    incarnation: &str,
) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as::<_, Stored>(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE id = $1 AND incarnation = $2"
    ))
    .bind(id)
    .bind(incarnation)
    .fetch_optional(ex.read())
    .await
    .map(|row| row.map(ContactRow::from))
}

/// Marks a contact verified: one of its identities has just been proven.
pub async fn mark_verified<'e>(ex: impl Conn<'e>, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE contacts SET is_verified = 1, updated_at = $2 WHERE id = $1 AND is_verified = 0",
    )
    .bind(id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(())
}

/// Writes every editable column back (the service decides what changed).
pub async fn update<'e>(ex: impl Conn<'e>, c: &ContactRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE contacts SET title = $2, first_name = $3, last_name = $4, company_name = $5, email = $6, \
         phone = $7, email_opt_out = $8, sms_opt_out = $9, avatar = $10, is_verified = $11, updated_at = $12, \
         code = $13, search_text = $14, language_code = $15 WHERE id = $1",
    )
    .bind(&c.id)
    .bind(&c.title)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(i64::from(c.email_opt_out))
    .bind(i64::from(c.sms_opt_out))
    .bind(&c.avatar)
    .bind(i64::from(c.is_verified))
    .bind(c.updated_at)
    .bind(&c.code)
    .bind(search_text(c))
    .bind(c.language_code.as_ref().map(LanguageCode::as_str))
    .execute(ex.write())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count<'e>(ex: impl Conn<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(ex.read())
        .await
}

/// What search matches: names, company, email, phone, code and id, lower-cased.
pub fn search_text(c: &ContactRow) -> String {
    [
        c.first_name.as_deref(),
        c.last_name.as_deref(),
        c.company_name.as_deref(),
        c.email.as_deref(),
        c.phone.as_deref(),
        Some(c.code.as_str()),
        Some(c.id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

pub async fn delete<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(id)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn code_taken<'e>(ex: impl Conn<'e>, code: &str, except_id: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE code = $1 AND id <> $2")
        .bind(code)
        .bind(except_id)
        .fetch_one(ex.read())
        .await?;
    Ok(n > 0)
}

pub struct SearchPage {
    pub rows: Vec<ContactRow>,
    pub total: i64,
}

fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Newest first; with a term, contacts whose names, company, email, phone, code or id contain it.
/// SQLite answers terms of 3+ characters from its FTS5 trigram index (rows come in rowid order,
/// which is creation order, so no sort over all matches is needed); PostgreSQL from a pg_trgm GIN
/// index. Shorter terms scan. See bench/README.md for the numbers at a million contacts.
pub async fn search(
    db: &Db,
    term: Option<&str>,
    offset: i64,
    limit: i64,
) -> sqlx::Result<SearchPage> {
    let term = term
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    let (list_sql, count_sql, arg) = match (&term, db.backend) {
        (None, _) => (
            format!("SELECT {COLUMNS} FROM contacts ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"),
            "SELECT COUNT(*) FROM contacts".to_owned(),
            None,
        ),
        (Some(t), Backend::Sqlite) if t.chars().count() >= 3 => {
            let prefixed: Vec<String> = COLUMNS.split(", ").map(|c| format!("c.{c}")).collect();
            (
                format!(
                    "SELECT {} FROM contacts_fts f JOIN contacts c ON c.rowid = f.rowid \
                     WHERE contacts_fts MATCH $1 ORDER BY f.rowid DESC LIMIT $2 OFFSET $3",
                    prefixed.join(", ")
                ),
                "SELECT COUNT(*) FROM contacts_fts WHERE contacts_fts MATCH $1".to_owned(),
                Some(format!("\"{}\"", t.replace('"', "\"\""))),
            )
        }
        (Some(t), _) => (
            format!(
                "SELECT {COLUMNS} FROM contacts WHERE search_text LIKE $1 ESCAPE '\\' \
                 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
            ),
            "SELECT COUNT(*) FROM contacts WHERE search_text LIKE $1 ESCAPE '\\'".to_owned(),
            Some(like_pattern(t)),
        ),
    };
    let mut list = sqlx::query_as::<_, Stored>(&list_sql);
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    if let Some(arg) = &arg {
        list = list.bind(arg.clone());
        count = count.bind(arg.clone());
    }
    let rows = all(list.bind(limit).bind(offset).fetch_all(db.read()).await?);
    let total = count.fetch_one(db.read()).await?;
    Ok(SearchPage { rows, total })
}

pub async fn find_by_code<'e>(ex: impl Conn<'e>, code: &str) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as::<_, Stored>(&format!("SELECT {COLUMNS} FROM contacts WHERE code = $1"))
        .bind(code)
        .fetch_optional(ex.read())
        .await
        .map(|row| row.map(ContactRow::from))
}

pub async fn by_email<'e>(ex: impl Conn<'e>, email: &str) -> sqlx::Result<Vec<ContactRow>> {
    sqlx::query_as::<_, Stored>(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE email = $1 LIMIT 10"
    ))
    .bind(email)
    .fetch_all(ex.read())
    .await
    .map(all)
}

pub async fn by_phone<'e>(ex: impl Conn<'e>, phone: &str) -> sqlx::Result<Vec<ContactRow>> {
    sqlx::query_as::<_, Stored>(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE phone = $1 LIMIT 10"
    ))
    .bind(phone)
    .fetch_all(ex.read())
    .await
    .map(all)
}
