// (e) The back office, as an admin, JS on and JS off:
//   - sign in at /agent/sign-in → /agent/contacts; create an organisation;
//     create a person (with a GUID as ID) and a company through "New contact";
//     find the person by last name, code and email with the Search box; open
//     it, join the organisation, edit the first name; the audit trail shows it;
//   - "New contact" with an empty last name shows the error next to the field
//     and keeps what was typed; a taken ID shows an error on the ID field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN, JS_MODES, TEST_TIMEOUT, agentSignIn, button, clickAndWaitForNavigation, contactName, createContact, createOrganisation,
  disableNativeValidation, emailField, expectProblems, field, fillNewContact, launchBrowser, radio, region, searchContacts,
  uniqueCode, uniqueContactId, uniqueEmail, uniqueName, uniquePhone, waitForFieldError, waitForPath,
  waitForText, withPage,
} from './helpers.mjs';

/** The row of the contacts table that links to `c`, after a search. */
async function assertFound(page, c, how) {
  const link = page.getByRole('table').getByRole('link', { name: contactName(c), exact: true });
  try {
    await link.waitFor({ timeout: 5_000 });
  } catch {
    assert.fail(`searching by ${how} should list ${contactName(c)} (${c.id})`);
  }
  assert.equal(await link.count(), 1, `searching by ${how} should list ${contactName(c)} once`);
  assert.equal(await link.getAttribute('href'), `/agent/contacts/${c.id}`);
}

describe('back office', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`admin: organisation, person, company, search, join, edit, audit (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const org = { name: uniqueName('Org'), type: 'Business' };
      const person = {
        type: 'Person', id: uniqueContactId(), code: uniqueCode(), title: 'Dr',
        first: uniqueName('Petra'), last: uniqueName('Office'), email: uniqueEmail('bo'),
      };
      const company = {
        type: 'Company', id: uniqueContactId(), company: uniqueName('Acme'), email: uniqueEmail('co'), phone: uniquePhone(),
      };

      await withPage(browser, { js, name: `backoffice_flow_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);
        await createOrganisation(page, org);

        // A person: lands on /agent/contacts/{the ID typed}.
        await createContact(page, person);
        const details = await region(page, 'Details').innerText();
        assert.ok(details.includes(person.id), 'details should show the ID');
        assert.ok(details.includes(person.code), 'details should show the code');
        assert.ok(details.includes(person.email), 'details should show the email');
        assert.match(details, /\bPerson\b/);

        // A company: the person-only fields are hidden once "Company" is chosen.
        await fillNewContact(page, company);
        assert.equal(await field(page, 'Last name').isVisible(), false, 'Last name is hidden for a company');
        assert.equal(await field(page, 'Company name').isVisible(), true);
        await button(page, 'Create contact').click();
        await waitForPath(page, `/agent/contacts/${company.id}`);
        await page.getByRole('heading', { level: 1, name: company.company, exact: true }).waitFor();
        const companyDetails = await region(page, 'Details').innerText();
        assert.match(companyDetails, /\bCompany\b/);
        assert.ok(companyDetails.replace(/\D/g, '').includes(company.phone.national), 'details should show the phone');

        // Search by last name, by code, by email.
        await page.goto('/agent/contacts');
        await searchContacts(page, person.last);
        await assertFound(page, person, 'last name');
        await searchContacts(page, person.code);
        await assertFound(page, person, 'code');
        await searchContacts(page, person.email);
        await assertFound(page, person, 'email');
        await searchContacts(page, company.company);
        await assertFound(page, company, 'company name');

        // Open the person from the search results.
        await searchContacts(page, person.last);
        await page.getByRole('table').getByRole('link', { name: contactName(person), exact: true }).click();
        await waitForPath(page, `/agent/contacts/${person.id}`);

        // Join the organisation.
        await field(page, 'Organisation').selectOption({ label: org.name });
        await button(page, 'Join').click();
        await waitForPath(page, `/agent/contacts/${person.id}`);
        await waitForText(page, /Joined the organisation/);
        const orgs = await region(page, 'Organisations').innerText();
        assert.ok(orgs.includes(org.name), `the contact's organisations should list ${org.name}:\n${orgs}`);
        await button(page, `Leave ${org.name}`).waitFor();

        // Edit → change the first name → Save.
        await page.getByRole('link', { name: 'Edit', exact: true }).click();
        await waitForPath(page, `/agent/contacts/${person.id}/edit`);
        assert.equal(await field(page, 'Last name').inputValue(), person.last, 'the edit form is filled in');
        person.first = uniqueName('Paula');
        await field(page, 'First name').fill(person.first);
        await button(page, 'Save').click();
        await waitForPath(page, `/agent/contacts/${person.id}`);
        await waitForText(page, /\bSaved\b/);
        await page.getByRole('heading', { level: 1, name: contactName(person), exact: true }).waitFor();
        // Still a member, and the rest unchanged.
        assert.ok((await region(page, 'Organisations').innerText()).includes(org.name));
        assert.ok((await region(page, 'Details').innerText()).includes(person.email));

        // The audit trail.
        const audit = await region(page, 'Audit trail').innerText();
        for (const what of ['contact created', 'organisation joined', 'contact updated']) {
          assert.match(audit, new RegExp(what, 'i'), `the audit trail should show "${what}":\n${audit}`);
        }
      });
    });

    // Editing one field of a contact that has a phone number must not require
    // retyping the phone: the form shows the number as stored (E.164, "+357…").
    test(`edit: a contact with a phone number saves a new first name (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const person = {
        type: 'Person', id: uniqueContactId(), first: uniqueName('Phia'), last: uniqueName('Phone'), phone: uniquePhone(),
      };
      await withPage(browser, { js, name: `backoffice_edit_phone_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);
        await createContact(page, person);
        await page.getByRole('link', { name: 'Edit', exact: true }).click();
        await waitForPath(page, `/agent/contacts/${person.id}/edit`);
        person.first = uniqueName('Pia');
        await field(page, 'First name').fill(person.first);
        await clickAndWaitForNavigation(page, button(page, 'Save'));
        const errors = await page.locator('.field-error').allInnerTexts();
        assert.deepEqual(errors, [], `saving only a new first name should succeed; the edit form said: ${JSON.stringify(errors)}`);
        await waitForPath(page, `/agent/contacts/${person.id}`);
        await waitForText(page, /\bSaved\b/);
        await page.getByRole('heading', { level: 1, name: contactName(person), exact: true }).waitFor();
        assert.ok((await region(page, 'Details').innerText()).replace(/\D/g, '').includes(person.phone.national),
          'the phone number is kept');
      });
    });

    test(`new contact: empty last name and a taken ID are shown at the field (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const taken = {
        type: 'Person', id: uniqueContactId(), first: uniqueName('Tia'), last: uniqueName('Taken'),
      };
      await withPage(browser, { js, name: `backoffice_errors_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);

        // Empty last name.
        const typed = {
          type: 'Person', id: uniqueContactId(), code: uniqueCode(), first: uniqueName('Lena'), last: '',
          email: uniqueEmail('nolast'),
        };
        await fillNewContact(page, typed);
        await disableNativeValidation(page); // the server must validate on its own
        await button(page, 'Create contact').click();
        await waitForPath(page, '/agent/contacts/new');
        await waitForFieldError(page, field(page, 'Last name'), /Last name is required/);
        assert.equal(await field(page, 'First name').inputValue(), typed.first, 'First name keeps its value');
        assert.equal(await field(page, 'ID (optional)').inputValue(), typed.id, 'ID keeps its value');
        assert.equal(await field(page, 'Code (optional)').inputValue(), typed.code, 'Code keeps its value');
        assert.equal(await emailField(page).inputValue(), typed.email, 'Email keeps its value');
        assert.equal(await radio(page, 'Type', 'Person').isChecked(), true, 'Type stays Person');
        // Nothing was created under that ID (the 404 is what this asks for).
        expectProblems(page, new RegExp(`404.*/agent/contacts/${typed.id}`));
        const res = await page.goto(`/agent/contacts/${typed.id}`);
        assert.equal(res.status(), 404, `GET /agent/contacts/${typed.id} should be 404 after a failed create`);

        // A taken ID.
        await createContact(page, taken);
        const dup = { type: 'Person', id: taken.id, first: uniqueName('Dora'), last: uniqueName('Dup') };
        await fillNewContact(page, dup);
        await button(page, 'Create contact').click();
        await waitForPath(page, '/agent/contacts/new');
        await waitForFieldError(page, field(page, 'ID (optional)'), /\bID\b.*\b(taken|in use|already)\b|\b(taken|in use|already)\b.*\bID\b/i);
        assert.equal(await field(page, 'ID (optional)').inputValue(), dup.id, 'ID keeps its value');
        assert.equal(await field(page, 'Last name').inputValue(), dup.last, 'Last name keeps its value');
        // The first contact is untouched.
        await page.goto(`/agent/contacts/${taken.id}`);
        await page.getByRole('heading', { level: 1, name: contactName(taken), exact: true }).waitFor();
      });
    });
  }
});
