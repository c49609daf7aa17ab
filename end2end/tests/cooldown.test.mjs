// The send cool-down as a person meets it on /verify, JS on and JS off, with the real limits
// (one code per identity per 60 s):
//   - right after a code was sent, the page says when a new one can be asked for, and the
//     "Send a new code" button is described by that;
//   - pressing it anyway says how long to wait, stays on /verify and sends nothing;
//   - the code that was sent still works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, TEST_TIMEOUT, assertProfile, button, clickAndWaitForNavigation, deliveriesSettled, describedByText,
  enterCode, fillRegistration, latestCode, launchBrowser, outboxMark, uniqueName, uniquePhone,
  waitForPath, waitForText, withPage,
} from './helpers.mjs';

const WAIT = /^You can ask for a new code in (\d+) s\.$/;

describe('the cool-down on /verify', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`"Send a new code" says when, and waits for it (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Cleo'), last: uniqueName('Cool'), phone: uniquePhone() };
      await withPage(browser, { js, name: `cooldown_${label}` }, async (page) => {
        const mark = await outboxMark(who.phone.e164);
        await fillRegistration(page, who);
        await button(page, 'Create account').click();
        await waitForPath(page, '/verify');
        const code = await latestCode(who.phone.e164, { after: mark });

        const resend = button(page, 'Send a new code');
        const [, first] = (await describedByText(resend)).match(WAIT)
          ?? assert.fail(`the button is not described by the wait: ${await describedByText(resend)}`);
        assert.ok(Number(first) >= 1 && Number(first) <= 60, `${first} s`);

        const sent = await outboxMark(who.phone.e164);
        await clickAndWaitForNavigation(page, resend);
        assert.equal(new URL(page.url()).pathname, '/verify');
        const text = await waitForText(page, /A code was sent only a moment ago\. Please wait (\d+) seconds and ask for a new one\./);
        const told = Number(text.match(/Please wait (\d+) seconds/)[1]);
        assert.ok(told >= 1 && told <= Number(first), `told to wait ${told} s after ${first} s`);
        const [, now] = (await describedByText(button(page, 'Send a new code'))).match(WAIT) ?? [];
        assert.ok(Number(now) >= 1 && Number(now) <= Number(first), `still waiting: ${now} s`);
        await deliveriesSettled();
        assert.deepEqual(await outboxMark(who.phone.e164), sent, 'nothing is sent within the cool-down');

        await enterCode(page, code);
        await waitForPath(page, '/profile');
        await assertProfile(page, who);
      });
    });
  }
});
