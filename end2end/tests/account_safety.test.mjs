// Account safety in the browser, JS on and JS off (SECURITY.md):
//   - a claim that asks for a new email proves the email on file first (signed in), then the new
//     email with a code of its own; until then the new email and its password open nothing;
//   - a deleted contact's browser session ends, and never shows a new contact given its id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN, BASE_URL, JS_MODES, TEST_TIMEOUT, agentSignIn, button, createContact, enterCode, field, latestCode,
  launchBrowser, outboxMark, region, registerAndVerify, searchContacts, submitPasswordSignIn,
  uniqueCode, uniqueContactId, uniqueEmail, uniqueName, uniquePhone, waitForFieldError,
  waitForPath, waitForText, withPage,
} from './helpers.mjs';

describe('account safety in the portal', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`a claim adds a new email only after its own code (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const person = {
        type: 'Person', id: uniqueContactId(), code: uniqueCode(), first: uniqueName('Clara'),
        last: uniqueName('Claim'), email: uniqueEmail('onfile'),
      };
      await withPage(browser, { js, name: `safety_claim_create_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);
        await createContact(page, person);
      });
      const wanted = uniqueEmail('wanted');
      const password = 'a claimed password 1';

      await withPage(browser, { js, name: `safety_claim_${label}` }, async (page) => {
        const onFile = await outboxMark(person.email);
        const wantedMark = await outboxMark(wanted);
        await page.goto('/claim');
        await field(page, 'Contact code').fill(person.code);
        await field(page, 'Last name').fill(person.last);
        await field(page, 'Email or Phone on file').fill(person.email);
        await field(page, 'New email or phone (optional)').fill(wanted);
        await field(page, 'Password (optional)').fill(password);
        await button(page, 'Send code').click();
        await waitForPath(page, '/verify');

        // The code went to the address on file; the wanted one has heard nothing yet.
        await enterCode(page, await latestCode(person.email, { after: onFile }));
        await waitForPath(page, '/verify');
        await waitForText(page, /You are signed in\. To add \S+ as a way to sign in/);

        // Until its code is entered, the wanted address and its password open nothing.
        await withPage(browser, { js, name: `safety_claim_stranger_${label}` }, async (other) => {
          await submitPasswordSignIn(other, wanted, password);
          await waitForPath(other, '/sign-in');
          await waitForText(other, /The email or password is not correct/);
        });

        // A wrong code for it is refused next to the field; the right one adds it.
        const code = await latestCode(wanted, { after: wantedMark });
        await enterCode(page, code === '000000' ? '111111' : '000000');
        await waitForFieldError(page, field(page, 'Code'), /not right/);
        await enterCode(page, code);
        await waitForPath(page, '/profile');
        const identities = await region(page, 'How you sign in').innerText();
        assert.ok(identities.includes(person.email), identities);
        assert.ok(identities.includes(wanted), identities);
      });

      await withPage(browser, { js, name: `safety_claim_password_${label}` }, async (page) => {
        await submitPasswordSignIn(page, wanted, password);
        await waitForPath(page, '/profile');
        await waitForText(page, new RegExp(`${person.first}\\s+${person.last}`));
      });
    });

    test(`a deleted contact's browser session ends (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Olga'), last: uniqueName('Gone'), phone: uniquePhone() };
      const context = await browser.newContext({ javaScriptEnabled: js, baseURL: BASE_URL });
      const customer = await context.newPage();
      try {
        customer.setDefaultTimeout(15_000);
                await registerAndVerify(customer, who);
        await waitForText(customer, new RegExp(`${who.first}\\s+${who.last}`));

        // The back office deletes the contact and gives its id to someone new.
        const newcomer = { type: 'Person', first: uniqueName('Nina'), last: uniqueName('New') };
        await withPage(browser, { js, name: `safety_delete_agent_${label}` }, async (page) => {
          await agentSignIn(page, ADMIN);
          await searchContacts(page, who.last);
          await page.getByRole('link', { name: `${who.first} ${who.last}` }).first().click();
          await page.waitForURL((url) => /^\/agent\/contacts\/[^/]+$/.test(url.pathname));
          newcomer.id = new URL(page.url()).pathname.split('/').pop();
          await button(page, 'Delete contact').click();
          await waitForPath(page, '/agent/contacts');
          await createContact(page, newcomer);
        });

        await customer.goto('/profile');
        await waitForPath(customer, '/sign-in');
        const text = await customer.locator('body').innerText();
        assert.ok(!text.includes(newcomer.first), 'the old session must not show the new contact');
      } finally {
        await context.close();
      }
    });
  }
});
