// Sign in again from a new device: register in one browser context, then sign
// in by one-time code in a fresh context (no cookies). JS on and JS off, by
// email and by phone. The sign-in sends a second code to the identity within the
// minute's cool-down, so it goes through SHORT_COOLDOWN_URL (helpers.mjs says why).
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, SHORT_COOLDOWN_URL, TEST_TIMEOUT, assertProfile, launchBrowser, registerAndVerify,
  signInWithCode, uniqueEmail, uniqueName, uniquePhone, waitForCoolDown, withPage,
} from './helpers.mjs';

describe('sign in again on a new device', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    for (const kind of ['email', 'phone']) {
      test(`${kind}: sign in with a code in a fresh browser (${label})`, { timeout: TEST_TIMEOUT }, async () => {
        const who = { first: uniqueName('Nina'), last: uniqueName('Again') };
        if (kind === 'email') who.email = uniqueEmail('again'); else who.phone = uniquePhone();
        await withPage(browser, { js, name: `signin_again_${kind}_register_${label}` }, (page) => registerAndVerify(page, who));
        await waitForCoolDown(who.email ?? who.phone.e164);
        await withPage(browser, { js, name: `signin_again_${kind}_${label}`, baseURL: SHORT_COOLDOWN_URL }, async (page) => {
          await signInWithCode(page, who);
          await assertProfile(page, who);
        });
      });
    }
  }
});
