// (c) Error cases, JS on and JS off:
//   - /register without a first name and without accepting the terms stays on
//     /register, shows each message next to its own field (aria-describedby),
//     keeps what was typed, sends nothing;
//   - a wrong code on /verify is reported next to the Code field and stays on
//     /verify; the right code still works after it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, TEST_TIMEOUT, assertProfile, button, disableNativeValidation, enterCode, field,
  fillRegistration, latestCode, launchBrowser, outboxMark, readOutbox, uniqueEmail,
  uniqueName, waitForFieldError, waitForPath, withPage,
} from './helpers.mjs';

describe('error cases', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`register: missing first name and terms are reported at their fields (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: '', last: uniqueName('Keep'), email: uniqueEmail('invalid') };
      await withPage(browser, { js, name: `errors_register_${label}` }, async (page) => {
        await fillRegistration(page, who, { acceptTerms: false });
        await disableNativeValidation(page); // we test the server's validation
        await button(page, 'Create account').click();

        // Each message is the one of its field, and sits next to it.
        await waitForFieldError(page, field(page, 'First name'), /^First name is required\.?$/);
        await waitForFieldError(page, field(page, 'I accept the terms of service'),
          /^You must accept the terms of service\.?$/);
        // The fields without a mistake carry no error.
        assert.equal(await field(page, 'Last name').getAttribute('aria-invalid'), null);
        assert.equal(new URL(page.url()).pathname, '/register');
        assert.equal(await field(page, 'Last name').inputValue(), who.last, 'Last name must keep its value');
        const sent = (await readOutbox()).filter((e) => String(e.to).toLowerCase() === who.email);
        assert.deepEqual(sent, [], 'no code may be sent for an invalid registration');
      });
    });

    test(`verify: a wrong code is reported at the Code field, the right one works (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Wrong'), last: uniqueName('Code'), email: uniqueEmail('code') };
      await withPage(browser, { js, name: `errors_code_${label}` }, async (page) => {
        const mark = await outboxMark(who.email);
        await fillRegistration(page, who);
        await button(page, 'Create account').click();
        await waitForPath(page, '/verify');
        const code = await latestCode(who.email, { after: mark });
        const wrong = String((Number(code) + 500_001) % 1_000_000).padStart(6, '0');

        await enterCode(page, wrong);
        await waitForFieldError(page, field(page, 'Code'), /^That code is not right\. Check the 6 digits and try again\.$/);
        assert.equal(new URL(page.url()).pathname, '/verify');

        await enterCode(page, code);
        await waitForPath(page, '/profile');
        await assertProfile(page, who);
      });
    });
  }
});
