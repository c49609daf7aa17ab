-- A contact's language (ISO 639-1, upper-case as CRM.COM writes it: EN, EL). Contacts written
-- before it have none: messages and pages then follow the request's language.
ALTER TABLE contacts ADD COLUMN language_code TEXT;
