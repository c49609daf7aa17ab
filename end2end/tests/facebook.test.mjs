// "Continue with Facebook" against the fake Facebook (end2end/fake-facebook.mjs,
// started by .ci/test, which passes FAKE_FACEBOOK_URL). JS on and JS off:
//   - a new Facebook user signs up through the consent page, must accept the
//     terms (/facebook/terms) and lands on /profile with a Facebook identity; signing out and in again reaches the
//     same contact (same customer code);
//   - a Facebook user whose email already belongs to an account must prove
//     that email with a code (/verify) before Facebook is linked to that
//     EXISTING account; afterwards Facebook signs straight in to it;
//   - a callback with a tampered `state` is refused (back on /sign-in with a
//     message, not signed in), and so is the genuine callback afterwards;
//   - Cancel on the consent page leads back to /sign-in with a message.
// Plus a self-check of the fake's token endpoint (single-use codes, PKCE), so
// that a lenient fake cannot make the browser scenarios pass for nothing.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  BASE_URL, HTTP_TIMEOUT, JS_MODES, SHORT_COOLDOWN_URL, TEST_TIMEOUT, assertProfile, button, enterCode, http, latestCode, launchBrowser,
  outboxMark, region, registerAndVerify, signOut, sleep, uniqueEmail, uniqueName, waitForCoolDown,
  waitForPath, waitForText, withPage,
} from './helpers.mjs';

const FB_URL = (process.env.FAKE_FACEBOOK_URL || '').replace(/\/+$/, '');
if (!FB_URL) {
  throw new Error('FAKE_FACEBOOK_URL is not set (the fake Facebook, end2end/fake-facebook.mjs); run the suite through .ci/test');
}
const FB_ORIGIN = new URL(FB_URL).origin;
const CALLBACK_URL = `${BASE_URL}/auth/facebook/callback`;

// --------------------------------------------------------------- helpers

let fbCounter = 0;
/** A Facebook user with a fresh numeric id (as Facebook's are) and a fresh name. */
function uniqueFacebookUser(tag, { email = uniqueEmail(`fb-${tag}`) } = {}) {
  fbCounter += 1;
  return {
    id: `7${Date.now()}${process.pid % 1000}${fbCounter}`,
    first_name: uniqueName('Fb'),
    last_name: uniqueName(tag.charAt(0).toUpperCase() + tag.slice(1)),
    email,
  };
}

/** Registers the user with the fake (POST /test/users): its consent page then offers "Continue as …". */
async function registerFacebookUser(user) {
  const res = await http(`${FB_URL}/test/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user),
  });
  assert.equal(res.status, 201, `POST ${FB_URL}/test/users answered ${res.status}: ${await res.text()}`);
}

const fbName = (u) => `${u.first_name} ${u.last_name}`;
const continueAs = (page, u) => button(page, `Continue as ${fbName(u)}`);

/** /sign-in → "Continue with Facebook" → the fake's consent page; returns the authorization URL. */
async function openConsent(page) {
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Continue with Facebook', exact: true }).click();
  await page.waitForURL((url) => url.origin === FB_ORIGIN && url.pathname === '/dialog/oauth');
  await page.getByRole('heading', { level: 1, name: /^Log in to Fake Facebook/ }).waitFor();
  return new URL(page.url());
}

/** Signs in with Facebook as `u` (who already has a contact); ends on /profile. */
async function signInWithFacebook(page, u) {
  await openConsent(page);
  await continueAs(page, u).click();
  await waitForPath(page, '/profile');
}

/** The "Customer code" shown under "Your details" on /profile. */
async function customerCode(page) {
  const dd = region(page, 'Your details').locator('dt', { hasText: /^\s*Customer code\s*$/ })
    .locator('xpath=following-sibling::dd[1]');
  const code = (await dd.innerText()).trim();
  assert.ok(code && code !== '—', `/profile should show a customer code, got ${JSON.stringify(code)}`);
  return code;
}

/** The lines of "How you sign in" on /profile. */
async function signInMethods(page) {
  const text = await region(page, 'How you sign in').innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'How you sign in');
}

/** "How you sign in" lists the Facebook identity of `u`, once, verified. */
async function assertFacebookIdentity(page, u) {
  const lines = await signInMethods(page);
  const facebook = lines.filter((l) => /\bFacebook\b/.test(l));
  assert.equal(facebook.length, 1, `"How you sign in" should list Facebook once; it lists: ${JSON.stringify(lines)}`);
  assert.match(facebook[0], new RegExp(`^Facebook:\\s*${u.id}\\s*\\((?!not\\b)verified\\b`),
    `the Facebook line should name the Facebook user ${u.id}, verified; it lists: ${JSON.stringify(lines)}`);
  return lines;
}

/** Waits until the page shows the Facebook error message of /sign-in. */
const facebookError = (page) => waitForText(page, /Facebook sign-in\b[^\n]*\btry again\b/i);

/** /profile redirects to /sign-in: nobody is signed in. */
async function assertSignedOut(page) {
  await page.goto('/profile');
  await waitForPath(page, '/sign-in');
}

// ------------------------------------------------------------------ tests

describe('fake Facebook (self-check of the test double)', () => {
  test('the token endpoint enforces the client secret, PKCE and single-use codes', { timeout: TEST_TIMEOUT }, async () => {
    const u = uniqueFacebookUser('selfcheck');
    await registerFacebookUser(u);
    const redirectUri = 'http://127.0.0.1:9/auth/facebook/callback';
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = async () => {
      const res = await http(`${FB_URL}/dialog/oauth/decide`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({
          response_type: 'code', client_id: 'e2e-app', redirect_uri: redirectUri, state: 's1',
          code_challenge: challenge, code_challenge_method: 'S256', user: u.id, decision: 'allow',
        }),
      });
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get('location'));
      assert.equal(location.searchParams.get('state'), 's1');
      return location.searchParams.get('code');
    };
    const exchange = async (code, overrides = {}) => {
      const res = await http(`${FB_URL}/oauth/access_token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'e2e-app',
          client_secret: 'e2e-secret', code_verifier: verifier, ...overrides,
        }),
      });
      return { status: res.status, body: await res.json() };
    };

    assert.equal((await exchange(await authorize(), { client_secret: 'wrong' })).status, 400, 'wrong client secret');
    assert.equal((await exchange(await authorize(), { code_verifier: 'x'.repeat(43) })).status, 400, 'wrong PKCE verifier');
    assert.equal((await exchange(await authorize(), { redirect_uri: `${redirectUri}x` })).status, 400, 'other redirect_uri');

    const code = await authorize();
    const first = await exchange(code);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.token_type, 'bearer');
    const replay = await exchange(code);
    assert.deepEqual([replay.status, replay.body.error?.message], [400, 'code already used']);

    const token = first.body.access_token;
    const debug = await http(`${FB_URL}/debug_token?${new URLSearchParams({ input_token: token, access_token: 'e2e-app|e2e-secret' })}`);
    assert.equal(debug.status, 200);
    const { data } = await debug.json();
    assert.deepEqual([data.is_valid, data.app_id, data.user_id], [true, 'e2e-app', u.id]);
    const me = await http(`${FB_URL}/me?${new URLSearchParams({ fields: 'id,first_name,last_name,name,email', access_token: token })}`);
    assert.deepEqual(await me.json(), { id: u.id, first_name: u.first_name, last_name: u.last_name, name: fbName(u), email: u.email });
    const unknown = await http(`${FB_URL}/me?${new URLSearchParams({ access_token: 'not-a-token' })}`);
    assert.equal(unknown.status, 400);
    assert.ok((await unknown.json()).error?.message, 'an unknown token is answered with an error JSON');
  });
});

describe('Facebook sign-in', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`new Facebook user: signs up, signs out, signs in again to the same contact (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const u = uniqueFacebookUser('new');
      await registerFacebookUser(u);
      const who = { first: u.first_name, last: u.last_name, email: u.email };
      await withPage(browser, { js, name: `facebook_new_${label}` }, async (page) => {
        const auth = await openConsent(page);
        // What the portal asked Facebook for.
        const p = auth.searchParams;
        assert.equal(p.get('response_type'), 'code');
        assert.equal(p.get('client_id'), 'e2e-app');
        assert.equal(p.get('redirect_uri'), CALLBACK_URL);
        assert.equal(p.get('code_challenge_method'), 'S256');
        assert.match(p.get('code_challenge') || '', /^[A-Za-z0-9_-]{43}$/);
        assert.ok((p.get('state') || '').length >= 16, 'state should be a random value');
        assert.deepEqual((p.get('scope') || '').split(/[ ,]+/).sort(), ['email', 'public_profile']);

        await continueAs(page, u).click();
        // Someone new accepts the terms before an account is made, like every other sign-up.
        await waitForPath(page, '/facebook/terms');
        await button(page, 'Create account').click();
        await waitForText(page, /You must accept the terms of service/);
        assert.equal(new URL(page.url()).pathname, '/facebook/terms');
        await page.getByLabel('I accept the terms of service').check();
        await button(page, 'Create account').click();
        await waitForPath(page, '/profile');
        await assertProfile(page, who);
        await assertFacebookIdentity(page, u);
        const code = await customerCode(page);

        await signOut(page);
        await signInWithFacebook(page, u);
        await assertProfile(page, who);
        await assertFacebookIdentity(page, u);
        assert.equal(await customerCode(page), code, 'signing in with Facebook again must reach the same contact');
      });
    });

    test(`email already on file: Facebook is linked to that account after proving the email (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Lena'), last: uniqueName('Linked'), email: uniqueEmail('fb-link') };
      let code;
      await withPage(browser, { js, name: `facebook_link_register_${label}` }, async (page) => {
        await registerAndVerify(page, who);
        code = await customerCode(page);
      });
      // Facebook knows this person under another name, with the same email.
      const u = uniqueFacebookUser('link', { email: who.email });
      await registerFacebookUser(u);

      // Proving the email sends it a second code within the minute: SHORT_COOLDOWN_URL.
      await waitForCoolDown(who.email);
      await withPage(browser, { js, name: `facebook_link_${label}`, baseURL: SHORT_COOLDOWN_URL }, async (page) => {
        await openConsent(page);
        const mark = await outboxMark(who.email);
        await continueAs(page, u).click();
        await waitForPath(page, '/verify');
        await waitForText(page, /already has an account[\s\S]*\blink\b[\s\S]*Facebook/i);
        await enterCode(page, await latestCode(who.email, { after: mark }));
        await waitForPath(page, '/profile');

        await assertProfile(page, who); // the EXISTING account: the registered name, not Facebook's
        assert.equal(await customerCode(page), code, 'Facebook must be linked to the existing contact');
        const text = await waitForText(page, new RegExp(`${who.first}\\s+${who.last}`));
        assert.ok(!text.includes(u.first_name), `the profile should not take Facebook's name ${fbName(u)}`);
        const lines = await assertFacebookIdentity(page, u);
        assert.ok(lines.some((l) => l.startsWith('Email:') && l.toLowerCase().includes(who.email.toLowerCase())),
          `"How you sign in" should still list the email; it lists: ${JSON.stringify(lines)}`);

        // Linked: Facebook now signs straight in to that account, no code needed.
        await signOut(page);
        const sent = await outboxMark(who.email);
        await signInWithFacebook(page, u);
        await assertProfile(page, who);
        assert.equal(await customerCode(page), code);
        assert.deepEqual(await outboxMark(who.email), sent, 'no code should be sent once Facebook is linked');
      });
    });

    test(`a tampered state is refused (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const u = uniqueFacebookUser('tamper');
      await registerFacebookUser(u);
      await withPage(browser, { js, name: `facebook_tampered_state_${label}` }, async (page) => {
        await openConsent(page);
        // Where the consent page would send the browser: ask the fake ourselves
        // (no redirects followed) and keep the browser where it is.
        let callback = null;
        await page.route((url) => url.origin === FB_ORIGIN && url.pathname === '/dialog/oauth/decide', async (route) => {
          const res = await route.fetch({ maxRedirects: 0, timeout: HTTP_TIMEOUT });
          callback = res.headers().location ?? '';
          await route.fulfill({ status: 204 });
        });
        await continueAs(page, u).click();
        for (let i = 0; callback === null && i < 100; i += 1) await sleep(100);
        await page.unrouteAll({ behavior: 'wait' });
        assert.ok(callback, 'the consent page should redirect to the callback');
        const genuine = new URL(callback);
        assert.equal(`${genuine.origin}${genuine.pathname}`, CALLBACK_URL);
        const state = genuine.searchParams.get('state');
        assert.ok(state && genuine.searchParams.get('code'), `callback without code/state: ${callback}`);

        const tampered = new URL(genuine);
        tampered.searchParams.set('state', randomBytes(16).toString('base64url'));
        assert.notEqual(tampered.searchParams.get('state'), state);
        await page.goto(tampered.toString());
        await waitForPath(page, '/sign-in');
        await facebookError(page);
        await assertSignedOut(page);

        // The flow is over: the genuine callback does not sign in either.
        await page.goto(genuine.toString());
        await waitForPath(page, '/sign-in');
        await facebookError(page);
        await assertSignedOut(page);
      });
    });

    test(`Cancel on the consent page leads back to /sign-in (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `facebook_cancel_${label}` }, async (page) => {
        await openConsent(page);
        await button(page, 'Cancel').click();
        await waitForPath(page, '/sign-in');
        await facebookError(page);
        await assertSignedOut(page);
      });
    });
  }
});
