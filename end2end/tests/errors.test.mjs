// (c) Error cases, JS on and JS off:
//   - /register without a first name and without accepting the terms stays on
//     /register, shows messages about both, keeps what was typed, sends nothing;
//   - a wrong code on /verify shows a message about the code and stays on
//     /verify; "Send a new code" then delivers a code that works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, TEST_TIMEOUT, assertProfile, button, disableNativeValidation, enterCode, field,
  fillRegistration, latestCode, launchBrowser, messageTexts, outboxMark, readOutbox, uniqueEmail,
  uniqueName, waitForNewMessage, waitForPath, withPage,
} from './helpers.mjs';

describe('error cases', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`register: missing first name and terms are reported (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: '', last: uniqueName('Keep'), email: uniqueEmail('invalid') };
      await withPage(browser, { js, name: `errors_register_${label}` }, async (page) => {
        await fillRegistration(page, who, { acceptTerms: false });
        // Labels ("First name", "I accept the terms…") don't count: only
        // messages that appear after submitting do.
        const termsBefore = await messageTexts(page, /terms/i);
        const firstBefore = await messageTexts(page, /first name/i);
        await disableNativeValidation(page); // we test the server's validation
        await button(page, 'Create account').click();

        await waitForNewMessage(page, /first name/i, firstBefore);
        await waitForNewMessage(page, /terms/i, termsBefore);
        assert.equal(new URL(page.url()).pathname, '/register');
        assert.equal(await field(page, 'Last name').inputValue(), who.last, 'Last name must keep its value');
        const sent = (await readOutbox()).filter((e) => String(e.to).toLowerCase() === who.email);
        assert.deepEqual(sent, [], 'no code may be sent for an invalid registration');
      });
    });

    test(`verify: wrong code is rejected, a new code works (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Wrong'), last: uniqueName('Code'), email: uniqueEmail('code') };
      await withPage(browser, { js, name: `errors_code_${label}` }, async (page) => {
        const mark = await outboxMark(who.email);
        await fillRegistration(page, who);
        await button(page, 'Create account').click();
        await waitForPath(page, '/verify');
        const code = await latestCode(who.email, { after: mark });
        const wrong = String((Number(code) + 500_001) % 1_000_000).padStart(6, '0');

        const before = await messageTexts(page, /code/i);
        await enterCode(page, wrong);
        await waitForNewMessage(page, /code/i, before);
        assert.equal(new URL(page.url()).pathname, '/verify');

        const mark2 = await outboxMark(who.email);
        await button(page, 'Send a new code').click();
        const fresh = await latestCode(who.email, { after: mark2 });
        await waitForPath(page, '/verify');
        await enterCode(page, fresh);
        await waitForPath(page, '/profile');
        await assertProfile(page, who);
      });
    });
  }
});
