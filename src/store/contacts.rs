use sqlx::{Any, Executor};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactRow {
    pub id: String,
    pub code: String,
    pub contact_type: String,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub email_opt_out: i64,
    pub sms_opt_out: i64,
    pub avatar: Option<String>,
    pub is_verified: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str =
    "id, code, contact_type, title, first_name, last_name, company_name, email, phone, \
     email_opt_out, sms_opt_out, avatar, is_verified, created_at, updated_at";

pub async fn insert<'e>(ex: impl Executor<'e, Database = Any>, c: &ContactRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contacts (id, code, contact_type, title, first_name, last_name, company_name, email, phone, \
         email_opt_out, sms_opt_out, avatar, is_verified, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&c.id)
    .bind(&c.code)
    .bind(&c.contact_type)
    .bind(&c.title)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(c.email_opt_out)
    .bind(c.sms_opt_out)
    .bind(&c.avatar)
    .bind(c.is_verified)
    .bind(c.created_at)
    .bind(c.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn find<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM contacts WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Writes every editable column back (the service decides what changed).
pub async fn update<'e>(
    ex: impl Executor<'e, Database = Any>,
    c: &ContactRow,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE contacts SET title = $2, first_name = $3, last_name = $4, company_name = $5, email = $6, \
         phone = $7, email_opt_out = $8, sms_opt_out = $9, avatar = $10, is_verified = $11, updated_at = $12 \
         WHERE id = $1",
    )
    .bind(&c.id)
    .bind(&c.title)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(c.email_opt_out)
    .bind(c.sms_opt_out)
    .bind(&c.avatar)
    .bind(c.is_verified)
    .bind(c.updated_at)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count<'e>(ex: impl Executor<'e, Database = Any>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(ex)
        .await
}
