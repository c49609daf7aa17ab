// (h) Passwords, JS on and JS off:
//   - register by email with a password → verify → sign out → sign in with
//     email + password → profile; a wrong password is refused on /sign-in;
//   - a too-common password at registration is reported at the Password field;
//   - forgotten password: /forgot-password → code → /reset-password → /sign-in
//     says it changed; the new password works, the old one no longer does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, SHORT_COOLDOWN_URL, TEST_TIMEOUT, assertProfile, button, disableNativeValidation, emailField, enterCode, field,
  fillRegistration, latestCode, launchBrowser, outboxMark, readOutbox, registerAndVerify, signInWithPassword,
  signOut, submitPasswordSignIn, uniqueEmail, uniqueName, waitForCoolDown, waitForFieldError, waitForPath,
  waitForText, withPage,
} from './helpers.mjs';

const WRONG = /The email or password is not correct\./;

/** A password sign-in that must fail: stays on /sign-in with the message. */
async function assertPasswordRefused(page, email, password) {
  await page.goto('/sign-in'); // a fresh form: no message from an earlier try
  await submitPasswordSignIn(page, email, password);
  await waitForPath(page, '/sign-in');
  await waitForText(page, WRONG);
  assert.equal(await field(page, 'Password (optional)').inputValue(), '', 'a password is never sent back');
  await page.goto('/profile'); // and no session was made
  await waitForPath(page, '/sign-in');
}

describe('passwords', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`register with a password, sign in with it; a wrong one is refused (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = {
        first: uniqueName('Pam'), last: uniqueName('Password'), email: uniqueEmail('pw'),
        password: `Corr3ct-Horse-Battery-${uniqueName('x')}`,
      };
      await withPage(browser, { js, name: `password_signin_${label}` }, async (page) => {
        await registerAndVerify(page, who);
        await assertProfile(page, who);
        await signOut(page);

        await signInWithPassword(page, who);
        await assertProfile(page, who);
        await signOut(page);

        await assertPasswordRefused(page, who.email, `${who.password}x`);
        await assertPasswordRefused(page, uniqueEmail('nopw'), who.password); // unknown email: same answer
      });
    });

    test(`register with a too-common password: error at the Password field (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Cory'), last: uniqueName('Common'), email: uniqueEmail('common'), password: 'password123' };
      await withPage(browser, { js, name: `password_common_${label}` }, async (page) => {
        await fillRegistration(page, who);
        await disableNativeValidation(page);
        await button(page, 'Create account').click();
        await waitForPath(page, '/register');
        await waitForFieldError(page, field(page, 'Password (optional)'), /common/i);
        assert.equal(await field(page, 'Password (optional)').inputValue(), '', 'a password is never sent back');
        assert.equal(await field(page, 'Last name').inputValue(), who.last, 'Last name keeps its value');
        assert.equal(await emailField(page).inputValue(), who.email, 'Email keeps its value');
        const sent = (await readOutbox()).filter((e) => String(e.to).toLowerCase() === who.email);
        assert.deepEqual(sent, [], 'no code may be sent for a refused registration');
      });
    });

    test(`forgotten password: reset with a code, new works, old fails (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = {
        first: uniqueName('Fay'), last: uniqueName('Forgot'), email: uniqueEmail('forgot'),
        password: `Corr3ct-Horse-Battery-${uniqueName('o')}`,
      };
      const newPassword = `Stapl3-Orbit-Lantern-${uniqueName('n')}`;
      await withPage(browser, { js, name: `password_forgot_register_${label}` }, (page) => registerAndVerify(page, who));

      // The reset code is a second code to the email within the minute: SHORT_COOLDOWN_URL.
      await waitForCoolDown(who.email);
      await withPage(browser, { js, name: `password_forgot_${label}`, baseURL: SHORT_COOLDOWN_URL }, async (page) => {
        await page.goto('/sign-in');
        await page.getByRole('link', { name: 'Forgot your password?', exact: true }).click();
        await waitForPath(page, '/forgot-password');
        await emailField(page).fill(who.email);
        const mark = await outboxMark(who.email);
        await button(page, 'Send code').click();
        await waitForPath(page, '/reset-password');
        const code = await latestCode(who.email, { after: mark });

        await field(page, 'Code').fill(code);
        await field(page, 'New password').fill(newPassword);
        await button(page, 'Set new password').click();
        await waitForPath(page, '/sign-in');
        await waitForText(page, /Your password was changed/);

        await signInWithPassword(page, who, newPassword);
        await assertProfile(page, who);
        await signOut(page);
        await assertPasswordRefused(page, who.email, who.password);
      });
    });
  }
});
