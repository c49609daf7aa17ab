// (g) Claiming a contact the back office created, JS on and JS off:
//   - an admin creates a person with a known code, last name and email; in a
//     fresh browser the customer opens /claim, gets a code at the email on
//     file, and lands on /profile with that name and the email identity;
//   - a claim with a wrong last name looks the same (it goes to /verify: no
//     enumeration) but sends nothing to the email on file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN, JS_MODES, TEST_TIMEOUT, agentSignIn, button, createContact, enterCode, field, latestCode,
  deliveriesSettled, launchBrowser, outboxMark, readOutbox, region, uniqueCode, uniqueContactId, uniqueEmail,
  uniqueName, waitForPath, waitForText, withPage,
} from './helpers.mjs';

/** Fills /claim and presses "Send code"; ends on /verify. */
async function claim(page, { code, last, onFile }) {
  await page.goto('/claim');
  await field(page, 'Contact code').fill(code);
  await field(page, 'Last name').fill(last);
  await field(page, 'Email or Phone on file').fill(onFile);
  await button(page, 'Send code').click();
  await waitForPath(page, '/verify');
  await field(page, 'Code').waitFor();
}

const sentTo = async (to) => (await readOutbox()).filter((e) => String(e.to).toLowerCase() === to.toLowerCase());

/** An admin creates a person contact (in its own browser context). */
async function createPerson(browser, js, label, tag) {
  const person = {
    type: 'Person', id: uniqueContactId(), code: uniqueCode(), first: uniqueName('Clara'),
    last: uniqueName('Claim'), email: uniqueEmail(tag),
  };
  await withPage(browser, { js, name: `claim_${tag}_create_${label}` }, async (page) => {
    await agentSignIn(page, ADMIN);
    await createContact(page, person);
  });
  return person;
}

/** The customer-facing /profile after a claim: name, and the email as a way to sign in. */
async function assertClaimedProfile(page, person) {
  await waitForText(page, new RegExp(`${person.first}\\s+${person.last}`));
  const identities = await region(page, 'How you sign in').innerText();
  assert.ok(identities.toLowerCase().includes(person.email.toLowerCase()),
    `"How you sign in" should list ${person.email}:\n${identities}`);
  assert.match(identities, /email/i);
  const details = await region(page, 'Your details').innerText();
  assert.ok(details.includes(person.code), `the profile should show the customer code ${person.code}`);
}

describe('claim a back-office contact', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`claim with code, last name and email on file → profile (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const person = await createPerson(browser, js, label, 'claim');
      await withPage(browser, { js, name: `claim_ok_${label}` }, async (page) => {
        const mark = await outboxMark(person.email);
        await claim(page, { code: person.code, last: person.last, onFile: person.email });
        await enterCode(page, await latestCode(person.email, { after: mark }));
        await waitForPath(page, '/profile');
        await assertClaimedProfile(page, person);
      });

      // The back office now sees the contact as claimed, with the identity.
      await withPage(browser, { js, name: `claim_ok_backoffice_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);
        await page.goto(`/agent/contacts/${person.id}`);
        await waitForText(page, /Claimed by the customer/);
        const identities = await region(page, 'Identities').innerText();
        assert.match(identities, /EMAIL/i);
      });
    });

    test(`claim with a wrong last name: /verify, but no code is sent (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const person = await createPerson(browser, js, label, 'noclaim');
      // The control is a contact of its own: a second claim of the first within the minute
      // would meet the cool-down (the claim counts the contact code typed, match or not).
      const control = await createPerson(browser, js, label, 'control');
      await withPage(browser, { js, name: `claim_wrong_${label}` }, async (page) => {
        const before = (await sentTo(person.email)).length;
        await claim(page, { code: person.code, last: uniqueName('Wrong'), onFile: person.email });
        // Once the delivery queue is empty, whatever the claim queued is in the outbox.
        await deliveriesSettled();
        const after = await sentTo(person.email);
        assert.equal(after.length, before,
          `a claim with a wrong last name must send nothing to ${person.email}; the outbox has: ${JSON.stringify(after)}`);
      });

      // Control: the same claim with the right last name does send exactly one code.
      await withPage(browser, { js, name: `claim_wrong_control_${label}` }, async (page) => {
        const mark = await outboxMark(control.email);
        await claim(page, { code: control.code, last: control.last, onFile: control.email });
        const code = await latestCode(control.email, { after: mark });
        await deliveriesSettled();
        assert.equal((await sentTo(control.email)).length, mark.count + 1);
        await enterCode(page, code);
        await waitForPath(page, '/profile');
        await assertClaimedProfile(page, control);
      });
    });
  }
});
