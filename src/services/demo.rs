//! `portal demo-data`: a few organisations and contacts so a newcomer has something to look at.

use super::{contacts::backoffice::NewContact, Actor, Core};

fn person(first: &str, last: &str, email: &str, phone: Option<(&str, &str)>) -> NewContact {
    NewContact {
        contact_type: Some("PERSON".into()),
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        email: Some(email.into()),
        phone_number: phone.map(|p| p.0.into()),
        phone_country: phone.map(|p| p.1.into()),
        ..Default::default()
    }
}

fn company(name: &str, email: &str) -> NewContact {
    NewContact {
        contact_type: Some("COMPANY".into()),
        company_name: Some(name.into()),
        email: Some(email.into()),
        ..Default::default()
    }
}

/// Adds the demo set; running it twice adds a second set (codes and ids are generated).
pub async fn load(core: &Core) -> anyhow::Result<String> {
    let actor = Actor::System;
    let orgs = [
        ("DropHop", "BUSINESS"),
        ("Harbour Coffee", "MERCHANT"),
        ("City Arena", "VENUE"),
    ];
    let mut org_ids = Vec::new();
    for (name, kind) in orgs {
        org_ids.push(
            core.create_organisation(&actor, Some(name), Some(kind))
                .await?
                .id,
        );
    }
    let contacts = [
        person(
            "Andy",
            "Steward",
            "andy.steward@example.com",
            Some(("99 123456", "CYP")),
        ),
        person(
            "Maria",
            "Georgiou",
            "maria.georgiou@example.com",
            Some(("97 654321", "CYP")),
        ),
        person("Ελένη", "Παπαδοπούλου", "eleni@example.com", None),
        person(
            "John",
            "Smith",
            "john.smith@example.org",
            Some(("07400 123456", "GBR")),
        ),
        company("Blue Fin Ltd", "accounts@bluefin.example"),
        company("Nicosia Bikes", "hello@nicosiabikes.example"),
    ];
    let mut count = 0;
    for (i, input) in contacts.into_iter().enumerate() {
        let contact = core.create_contact(input, &actor).await?;
        core.join_organisation(&contact.id, &org_ids[i % org_ids.len()], &actor)
            .await?;
        count += 1;
    }
    Ok(format!(
        "{} organisations and {count} contacts added",
        org_ids.len()
    ))
}
