use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: String,
    pub name: String,
    pub org_type: crate::domain::OrgType,
    pub created_at: i64,
}

pub async fn for_contact<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
) -> sqlx::Result<Vec<OrganisationRow>> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.org_type, o.created_at FROM organisations o \
         JOIN memberships m ON m.organisation_id = o.id WHERE m.contact_id = $1 ORDER BY o.name, o.id",
    )
    .bind(contact_id)
    .fetch_all(ex.read())
    .await
}

/// One page of a contact's organisations (`offset`, at most `limit`), in the same order.
pub async fn page_for_contact<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<OrganisationRow>> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.org_type, o.created_at FROM organisations o \
         JOIN memberships m ON m.organisation_id = o.id WHERE m.contact_id = $1 \
         ORDER BY o.name, o.id LIMIT $2 OFFSET $3",
    )
    .bind(contact_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex.read())
    .await
}

/// How many organisations a contact belongs to.
pub async fn count_for_contact<'e>(ex: impl Conn<'e>, contact_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE contact_id = $1")
        .bind(contact_id)
        .fetch_one(ex.read())
        .await
}

pub async fn insert<'e>(ex: impl Conn<'e>, row: &OrganisationRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO organisations (id, name, org_type, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&row.id)
    .bind(&row.name)
    .bind(row.org_type)
    .bind(row.created_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn list<'e>(ex: impl Conn<'e>) -> sqlx::Result<Vec<OrganisationRow>> {
    sqlx::query_as("SELECT id, name, org_type, created_at FROM organisations ORDER BY name, id")
        .fetch_all(ex.read())
        .await
}

pub async fn find<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<Option<OrganisationRow>> {
    sqlx::query_as("SELECT id, name, org_type, created_at FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(ex.read())
        .await
}

/// Joins; joining twice is not an error.
pub async fn join<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
    organisation_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO memberships (contact_id, organisation_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (contact_id, organisation_id) DO NOTHING",
    )
    .bind(contact_id)
    .bind(organisation_id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn leave<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
    organisation_id: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM memberships WHERE contact_id = $1 AND organisation_id = $2")
            .bind(contact_id)
            .bind(organisation_id)
            .execute(ex.write())
            .await?;
    Ok(done.rows_affected() > 0)
}
