// (b) Register by email → verify → profile → edit name → sign out →
//     sign in again by email with a new code → profile. JS on and JS off.
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, SHORT_COOLDOWN_URL, TEST_TIMEOUT, assertProfile, editFirstName, launchBrowser, registerAndVerify,
  signInWithCode, signOut, uniqueName, uniqueEmail, waitForCoolDown, withPage,
} from './helpers.mjs';

describe('register by email', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`email: register, verify, edit, sign out, sign in again (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Anna'), last: uniqueName('Email'), email: uniqueEmail('reg') };
      await withPage(browser, { js, name: `register_email_${label}` }, async (page) => {
        await registerAndVerify(page, who);
        await assertProfile(page, who);

        await editFirstName(page, who, uniqueName('Maria'));
        await signOut(page);

        // A second code within the minute: through SHORT_COOLDOWN_URL (helpers.mjs says why),
        // in the same browser (cookies are per host, so it is the same visitor).
        await waitForCoolDown(who.email);
        await page.goto(`${SHORT_COOLDOWN_URL}/sign-in`);
        await signInWithCode(page, who);
        await assertProfile(page, who); // shows the edited name
      });
    });
  }
});
