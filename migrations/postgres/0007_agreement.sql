-- What CRM.COM's v2 sign-up says about the contact's agreement: the referral code of whoever
-- referred it, and the country of its agreement (ISO 3166 alpha-3). Written at sign-up only.
ALTER TABLE contacts ADD COLUMN referred_by TEXT;
ALTER TABLE contacts ADD COLUMN country_of_agreement TEXT;
