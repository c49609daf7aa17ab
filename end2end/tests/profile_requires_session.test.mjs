// (d) /profile without a session redirects to /sign-in. JS on and JS off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JS_MODES, TEST_TIMEOUT, button, launchBrowser, waitForPath, withPage } from './helpers.mjs';

describe('profile requires a session', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`/profile without session → /sign-in (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `profile_requires_session_${label}` }, async (page) => {
        await page.goto('/profile');
        await waitForPath(page, '/sign-in');
        await button(page, 'Send code').waitFor(); // the real sign-in page, not an error page
        assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
      });
    });
  }
});
