//! The integration tests: one binary (one build, one link), a module per area. Every test starts
//! the real server on a free port with a fresh database and talks HTTP to it.

mod common;

mod account_safety;
mod agents;
mod alike_answers;
mod backoffice_api;
mod client_networks;
mod concurrency;
mod connections;
mod credentials;
mod crm_v2;
mod crm_v2_fields;
mod delivery;
mod docs;
mod facebook;
mod identities;
mod languages;
mod message_languages;
mod openapi;
mod operating;
mod operations;
mod otp_rules;
mod page_languages;
mod pending_codes;
mod portal_pages;
mod request_fields;
mod request_types;
mod self_service_api;
mod sms_guard;
mod tokens;
