// Shared helpers for the browser end-to-end tests.
//
// The tests drive a running portal server (BASE_URL) with the system chromium
// through playwright-core. No browser is ever downloaded: set CHROMIUM_PATH to
// override the default /usr/bin/chromium.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:3000); run the suite through .ci/test');
}

/**
 * A second portal server on the same database, different only in its send cool-down of 1 s
 * (OTP_SEND_COOLDOWN_SECS=1; BASE_URL keeps the real 60 s). The suite runs with the real limits;
 * this one is for the few scenarios that must send a second code to one identity within a minute
 * and are about something else: signing in again right after registering (register_email,
 * register_phone, signin_again), a forgotten password (password) and linking Facebook to an
 * email on file (facebook). They send that second code through it, after waiting for its
 * cool-down (`waitForCoolDown`). The cool-down itself is tested on BASE_URL (cooldown.test.mjs).
 */
export const SHORT_COOLDOWN_URL = (process.env.SHORT_COOLDOWN_URL || '').replace(/\/+$/, '');
if (!SHORT_COOLDOWN_URL) {
  throw new Error('SHORT_COOLDOWN_URL is not set (a second server with OTP_SEND_COOLDOWN_SECS=1); run the suite through .ci/test');
}
const SHORT_COOLDOWN_MS = 1_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const TEST_TIMEOUT = 120_000; // per test, generous for slow CI machines
const ACTION_TIMEOUT = 15_000;
/** The longest one HTTP request of a test may take: a server that never answers fails the test. */
export const HTTP_TIMEOUT = 10_000;

/** `fetch` that gives up after HTTP_TIMEOUT (every request the tests make goes through it). */
export function http(url, init = {}) {
  return fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT), ...init });
}
const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/**
 * The back-office agents the suite signs in as. `.ci/test` creates them with
 * `portal agent create` before starting the server and passes them in.
 */
export const ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL || 'admin@e2e.test',
  password: process.env.E2E_ADMIN_PASSWORD || 'Admin-e2e-Passw0rd',
};
export const AGENT = {
  email: process.env.E2E_AGENT_EMAIL || 'agent@e2e.test',
  password: process.env.E2E_AGENT_PASSWORD || 'Agent-e2e-Passw0rd',
};

/** Both JavaScript modes every scenario runs in. */
export const JS_MODES = [
  { js: true, label: 'JS on' },
  { js: false, label: 'JS off' },
];

export async function launchBrowser() {
  const options = {
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  };
  // Chromium occasionally crashes while starting on a busy machine (seen once
  // as SIGSEGV during launch); that says nothing about the app, so retry.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await chromium.launch(options);
    } catch (err) {
      if (attempt >= 3) throw err;
      console.error(`chromium launch failed (attempt ${attempt}/3), retrying: ${String(err.message).split('\n')[0]}`);
      await sleep(1_000);
    }
  }
}

/** Problems a test expects on its page (a page it opens on purpose that answers 404, say). */
const expectedProblems = new WeakMap();

/** Lets `page` log problems matching `re` (they are still listed if the test fails). */
export function expectProblems(page, re) {
  expectedProblems.set(page, [...(expectedProblems.get(page) ?? []), re]);
}

/**
 * Listens to `page` for what a visitor never should cause: console errors, uncaught page
 * errors, same-origin requests that fail or answer 4xx/5xx (a navigation the test makes to an
 * error page on purpose is the test's: see `expectProblems`). Returns the list it fills.
 */
function watchForProblems(page, origin) {
  const problems = [];
  const sameOrigin = (url) => { try { return new URL(url).origin === origin; } catch { return false; } };
  page.on('console', (message) => {
    // Another site's page (Facebook's) is not the portal's to fix.
    const at = message.location()?.url;
    if (message.type() === 'error' && (!at || sameOrigin(at))) {
      problems.push(`console error: ${message.text()} (at ${message.location()?.url || 'unknown'})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? '';
    // A request cut short by the next navigation (a form posted, a link followed) is not a fault.
    if (sameOrigin(request.url()) && !why.includes('ERR_ABORTED')) {
      problems.push(`request failed: ${request.method()} ${request.url()} (${why})`);
    }
  });
  page.on('response', (response) => {
    if (sameOrigin(response.url()) && response.status() >= 400) {
      problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/**
 * Runs `fn(page)` in a fresh browser context (fresh cookies) with JavaScript
 * enabled or disabled, against BASE_URL (or `baseURL`). On failure, saves a screenshot to end2end/test-results/
 * and appends the current URL and visible page text to the error message. Fails, too, when the
 * page logged a console error, a page error or a failed same-origin request (watchForProblems).
 */
export async function withPage(browser, { js, name, baseURL = BASE_URL, locale }, fn) {
  // `locale` sets the browser's language (its Accept-Language too).
  const context = await browser.newContext({ javaScriptEnabled: js, baseURL, ...(locale ? { locale } : {}) });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const problems = watchForProblems(page, new URL(baseURL).origin);
  try {
    await fn(page);
    const expected = expectedProblems.get(page) ?? [];
    // A problem the test expects may also be reported by the console ("Failed to load
    // resource: … 404") for the same response.
    const unexpected = problems.filter((p) => !expected.some((re) => re.test(p)));
    assert.deepEqual(unexpected, [], `the page logged problems a visitor would meet:\n${unexpected.join('\n')}`);
  } catch (err) {
    let extra = `\n--- page URL: ${page.url()}`;
    if (problems.length) extra += `\n--- problems the page logged:\n${problems.join('\n')}`;
    try {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = join(RESULTS_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
      extra += `\n--- screenshot: ${file}`;
      const text = await page.locator('body').innerText({ timeout: 2_000 });
      extra += `\n--- page text:\n${text.slice(0, 2_000)}`;
    } catch { /* best effort only */ }
    if (err instanceof Error) err.message += extra;
    throw err;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- identities

let counter = 0;
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;

const phonesHandedOut = new Set();

/**
 * A fresh Cyprus mobile number (`9[4-79]` and six random digits, E.164 `+357…`): random, so that
 * test files running in other processes do not pick the same one (5 million to choose from).
 */
export function uniquePhone() {
  for (;;) {
    const prefix = ['94', '95', '96', '97', '99'][randomInt(5)];
    const national = `${prefix}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    if (phonesHandedOut.has(national)) continue;
    phonesHandedOut.add(national);
    return { country: 'CYP', national, e164: `+357${national}` };
  }
}

export function uniqueEmail(tag = 'user') {
  counter += 1;
  return `e2e-${tag}-${runId}-${counter}@example.com`;
}

/** A contact ID as another system would send it: a 36-character GUID. */
export const uniqueContactId = () => randomUUID();

/** A contact code (cross-reference), e.g. `E2E-3F9A1C0B7D`. */
export const uniqueCode = (tag = 'E2E') => `${tag}-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

export function uniqueName(prefix) {
  counter += 1;
  // Letters only: names are typically validated as such.
  const suffix = `${Date.now()}${counter}`.split('').map((d) => 'abcdefghij'[Number(d)]).join('');
  return `${prefix}${suffix.slice(-8)}`;
}

// -------------------------------------------------------------------- outbox

/** GET /dev/outbox: array of { channel, to, code, body, created_at }, newest first. */
export async function readOutbox() {
  const res = await http(`${BASE_URL}/dev/outbox`, { headers: { accept: 'application/json' } });
  assert.equal(res.status, 200, `GET /dev/outbox answered ${res.status}`);
  const list = await res.json();
  assert.ok(Array.isArray(list), 'GET /dev/outbox must return a JSON array');
  return list;
}

/**
 * Waits (at most `timeout` ms) until the server's delivery queue is empty: every message queued
 * so far has reached the outbox, so the outbox shows all that will ever be sent for it.
 */
export async function deliveriesSettled(timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let depth = null;
  for (;;) {
    const res = await http(`${BASE_URL}/metrics`);
    assert.equal(res.status, 200, `GET /metrics answered ${res.status}`);
    const line = (await res.text()).split('\n').find((l) => l.startsWith('portal_delivery_queue_depth '));
    depth = line ? Number(line.split(' ')[1]) : null;
    if (depth === 0) return;
    if (Date.now() > deadline) assert.fail(`the delivery queue did not empty within ${timeout} ms (depth ${depth})`);
    await sleep(100);
  }
}

const sameRecipient = (entry, to) => String(entry.to).toLowerCase() === String(to).toLowerCase();
/** A message carrying a code (notices, such as "an email was added", carry none: `code` null). */
const codeFor = (entry, to) => sameRecipient(entry, to) && entry.code != null;

/** Snapshot of the codes the outbox holds for `to`, to recognise a newer one later. */
export async function outboxMark(to) {
  const mine = (await readOutbox()).filter((e) => codeFor(e, to));
  return { count: mine.length, newest: mine[0] ? JSON.stringify(mine[0]) : null };
}

/**
 * Polls (20 × 250 ms) for the newest code sent to `to`. With `after` (from
 * outboxMark) only a message that arrived after that snapshot counts.
 */
export async function latestCode(to, { after = null, tries = 20, delayMs = 250 } = {}) {
  for (let i = 0; i < tries; i += 1) {
    const mine = (await readOutbox()).filter((e) => codeFor(e, to));
    const newest = mine[0];
    const isNew = !after || mine.length > after.count || (newest && JSON.stringify(newest) !== after.newest);
    if (newest && isNew) {
      assert.match(String(newest.code), /^\d{6}$/, `outbox code for ${to} is not 6 digits: ${newest.code}`);
      return String(newest.code);
    }
    await sleep(delayMs);
  }
  throw new Error(`no ${after ? 'new ' : ''}code in /dev/outbox for ${to} after ${tries * delayMs} ms`);
}

/**
 * Waits until SHORT_COOLDOWN_URL's cool-down (1 s) has passed since the newest message to `to`
 * was sent (the outbox records it only after the code's send was counted).
 */
export async function waitForCoolDown(to) {
  const newest = (await readOutbox()).find((e) => sameRecipient(e, to));
  assert.ok(newest, `no message was sent to ${to}`);
  const ready = Date.parse(newest.created_at) + SHORT_COOLDOWN_MS + 50;
  assert.ok(Number.isFinite(ready), `outbox created_at ${newest.created_at} is not a time`);
  while (Date.now() < ready) await sleep(Math.min(100, ready - Date.now()));
}

// ------------------------------------------------------------------- page ops

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const field = (page, label) => page.getByLabel(label, { exact: true });
/** The "Email" text field (a radio is labelled "Email" too). */
export const emailField = (page) => page.getByRole('textbox', { name: 'Email', exact: true });
export const button = (page, name) => page.getByRole('button', { name, exact: true });

/** A radio inside the fieldset (or radiogroup) named by its legend. */
export function radio(page, legend, label) {
  const group = page.getByRole('group', { name: legend, exact: true })
    .or(page.getByRole('radiogroup', { name: legend, exact: true }));
  return group.getByLabel(label, { exact: true });
}

/**
 * Clicks (a submit button, a link) and waits until the page has navigated to
 * a new document and loaded it: for forms that post back to the same URL,
 * where waiting for the URL proves nothing.
 */
export async function clickAndWaitForNavigation(page, locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await locator.click();
  await navigated;
  await page.waitForLoadState();
}

export async function waitForPath(page, path) {
  await page.waitForURL((url) => url.pathname === path);
  assert.equal(new URL(page.url()).pathname, path);
}

/** Visible text of the page (what a user can read). */
export const pageText = (page) => page.locator('body').innerText();

/** Polls the visible page text until `re` matches it. */
export async function waitForText(page, re, timeout = ACTION_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let text = '';
  for (;;) {
    try { text = await pageText(page); } catch { text = ''; } // page may be navigating
    if (re.test(text)) return text;
    if (Date.now() > deadline) {
      assert.fail(`expected visible text matching ${re} on ${page.url()}; page text:\n${text.slice(0, 2_000)}`);
    }
    await sleep(200);
  }
}

/**
 * Texts of the smallest visible elements matching `re`, excluding labels,
 * legends, buttons and options: i.e. messages, not the form's own captions.
 */
export async function messageTexts(page, re) {
  const sel = `*:not(label, label *, legend, legend *, button, button *, option, title, script, style)`
    + `:text-matches(${JSON.stringify(re.source)}, "${re.flags.includes('i') ? 'i' : ''}"):visible`;
  return page.locator(sel).allInnerTexts();
}

/**
 * Polls until the page shows a message matching `re` that was not there
 * before (`before` from messageTexts), and returns the new messages.
 */
export async function waitForNewMessage(page, re, before, timeout = ACTION_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let now = [];
  for (;;) {
    try { now = await messageTexts(page, re); } catch { now = []; }
    const remaining = [...before];
    const fresh = now.filter((t) => {
      const i = remaining.indexOf(t);
      if (i === -1) return true;
      remaining.splice(i, 1);
      return false;
    });
    if (fresh.length) return fresh;
    if (Date.now() > deadline) {
      assert.fail(`expected a new message matching ${re} on ${page.url()}; messages before: `
        + `${JSON.stringify(before)}, now: ${JSON.stringify(now)}`);
    }
    await sleep(200);
  }
}

/** The texts of the elements a form control points at with `aria-describedby`. */
export async function describedByText(locator) {
  return locator.evaluate((el) => (el.getAttribute('aria-describedby') || '')
    .split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)?.innerText ?? '')
    .join('\n'));
}

/**
 * Polls until the control is marked invalid (`aria-invalid="true"`) and one of
 * the elements its `aria-describedby` names shows a visible text matching `re`:
 * the error is shown next to that field, not only somewhere on the page.
 */
export async function waitForFieldError(page, locator, re, timeout = ACTION_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let text = '';
  let invalid = null;
  for (;;) {
    try {
      text = await describedByText(locator);
      invalid = await locator.getAttribute('aria-invalid');
    } catch { text = ''; invalid = null; } // page may be navigating
    if (invalid === 'true' && re.test(text)) return text;
    if (Date.now() > deadline) {
      assert.fail(`expected the field to be aria-invalid with an error matching ${re} (via aria-describedby) `
        + `on ${page.url()}; aria-invalid=${JSON.stringify(invalid)}, described by: ${JSON.stringify(text)}`);
    }
    await sleep(200);
  }
}

/**
 * The server must validate on its own: turn off the browser's native
 * constraint validation (`required`, `type=email`, …), which would otherwise
 * block the submission before it reaches the server.
 */
export async function disableNativeValidation(page) {
  await page.evaluate(() => { for (const f of document.forms) f.noValidate = true; });
}

// ------------------------------------------------------------------ flows

/**
 * Fills /register. `who` is { first, last, phone } or { first, last, email,
 * password? }. Leaves "Title" untouched, and "Password (optional)" too unless
 * `who.password` is given (email only).
 */
export async function fillRegistration(page, who, { acceptTerms = true } = {}) {
  await page.goto('/register');
  await field(page, 'First name').fill(who.first);
  await field(page, 'Last name').fill(who.last);
  if (who.phone) {
    await radio(page, 'Sign up with', 'Phone').check();
    await field(page, 'Country').selectOption(who.phone.country);
    await field(page, 'Phone number').fill(who.phone.national);
  } else {
    await radio(page, 'Sign up with', 'Email').check();
    await emailField(page).fill(who.email);
    if (who.password != null) await field(page, 'Password (optional)').fill(who.password);
  }
  if (acceptTerms) await field(page, 'I accept the terms of service').check();
}

/** Register, then verify with the code from the outbox; ends on /profile. */
export async function registerAndVerify(page, who) {
  const to = who.phone ? who.phone.e164 : who.email;
  const mark = await outboxMark(to);
  await fillRegistration(page, who);
  await button(page, 'Create account').click();
  await waitForPath(page, '/verify');
  await enterCode(page, await latestCode(to, { after: mark }));
  await waitForPath(page, '/profile');
}

/** Sign in by one-time code; ends on /profile. */
export async function signInWithCode(page, who) {
  const to = who.phone ? who.phone.e164 : who.email;
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in');
  if (who.phone) {
    await radio(page, 'Sign in with', 'Phone').check();
    await field(page, 'Country').selectOption(who.phone.country);
    await field(page, 'Phone number').fill(who.phone.national);
  } else {
    await radio(page, 'Sign in with', 'Email').check();
    await emailField(page).fill(who.email);
  }
  const mark = await outboxMark(to);
  await button(page, 'Send code').click();
  await waitForPath(page, '/verify');
  await enterCode(page, await latestCode(to, { after: mark }));
  await waitForPath(page, '/profile');
}

/**
 * On /sign-in: Email + "Password (optional)" → **Sign in**. Does not wait for
 * the outcome (see signInWithPassword).
 */
export async function submitPasswordSignIn(page, email, password) {
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in');
  await radio(page, 'Sign in with', 'Email').check();
  await emailField(page).fill(email);
  await field(page, 'Password (optional)').fill(password);
  await button(page, 'Sign in').click();
}

/** Sign in with email + password; ends on /profile. */
export async function signInWithPassword(page, who, password = who.password) {
  await submitPasswordSignIn(page, who.email, password);
  await waitForPath(page, '/profile');
}

export async function enterCode(page, code) {
  await field(page, 'Code').fill(code);
  await button(page, 'Verify').click();
}

/** Asserts /profile shows the name, "Verified" and the identity. */
export async function assertProfile(page, who) {
  const text = await waitForText(page, new RegExp(`${who.first}\\s+${who.last}`));
  // "Verified" (any case), but not "Not verified" / "Unverified".
  assert.match(text, /(?<!\bnot\s+)\bverified\b/i, 'profile should show the verification state "Verified"');
  if (who.phone) {
    // Formatting is free (+357 99 123456, 99-123456, …): compare digits only.
    assert.ok(text.replace(/\D/g, '').includes(who.phone.national),
      `profile should show the phone number ${who.phone.e164}`);
  } else {
    assert.ok(text.toLowerCase().includes(who.email.toLowerCase()),
      `profile should show the email ${who.email}`);
  }
}

/** Changes the first name on /profile, saves, and checks the confirmation. */
export async function editFirstName(page, who, newFirst) {
  await field(page, 'First name').fill(newFirst);
  await button(page, 'Save').click();
  await waitForText(page, /\bSaved\b/);
  await waitForText(page, new RegExp(`${newFirst}\\s+${who.last}`));
  assert.equal(new URL(page.url()).pathname, '/profile');
  who.first = newFirst;
}

export async function signOut(page) {
  await button(page, 'Sign out').click();
  await waitForPath(page, '/sign-in');
  // The session is really gone: /profile now redirects back to /sign-in.
  await page.goto('/profile');
  await waitForPath(page, '/sign-in');
}

// --------------------------------------------------------------- back office

/** Fills /agent/sign-in and presses **Sign in**; does not wait for the outcome. */
export async function submitAgentSignIn(page, agent) {
  await page.goto('/agent/sign-in');
  await emailField(page).fill(agent.email);
  await field(page, 'Password').fill(agent.password);
  await button(page, 'Sign in').click();
}

/** Signs an agent in at /agent/sign-in; ends on /agent/contacts. */
export async function agentSignIn(page, agent = ADMIN) {
  await submitAgentSignIn(page, agent);
  await waitForPath(page, '/agent/contacts');
  await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
}

/** The back-office navigation bar. */
export const agentNav = (page) => page.getByRole('navigation', { name: 'Back office', exact: true });

/** A section of a page, found by its heading (`<section aria-labelledby>`). */
export const region = (page, name) => page.getByRole('region', { name, exact: true });

/** Creates an organisation on /agent/organisations (admin); `type` is the radio label. */
export async function createOrganisation(page, { name, type = 'Business' }) {
  await page.goto('/agent/organisations');
  await field(page, 'Name').fill(name);
  await radio(page, 'Organisation type', type).check();
  await button(page, 'Create organisation').click();
  await waitForPath(page, '/agent/organisations');
  await waitForText(page, new RegExp(`Created ${name}`));
  await page.getByRole('cell', { name, exact: true }).waitFor();
}

/**
 * Fills /agent/contacts/new (reached from the **New contact** link on
 * /agent/contacts). `c`: { type: 'Person'|'Company', id?, code?, title?, first?,
 * last?, company?, email?, phone?: { country, national } }. The type is chosen
 * first: the other type's fields are then hidden. Does not submit.
 */
export async function fillNewContact(page, c) {
  if (new URL(page.url()).pathname !== '/agent/contacts') await page.goto('/agent/contacts');
  await page.getByRole('link', { name: 'New contact', exact: true }).first().click();
  await waitForPath(page, '/agent/contacts/new');
  await radio(page, 'Type', c.type || 'Person').check();
  if (c.id != null) await field(page, 'ID (optional)').fill(c.id);
  if (c.code != null) await field(page, 'Code (optional)').fill(c.code);
  if ((c.type || 'Person') === 'Person') {
    if (c.title != null) await field(page, 'Title').fill(c.title);
    if (c.first != null) await field(page, 'First name').fill(c.first);
    if (c.last != null) await field(page, 'Last name').fill(c.last);
  } else if (c.company != null) {
    await field(page, 'Company name').fill(c.company);
  }
  if (c.email != null) await emailField(page).fill(c.email);
  if (c.phone) {
    await field(page, 'Country').selectOption(c.phone.country);
    await field(page, 'Phone number').fill(c.phone.national);
  }
}

/** The name the back office shows for a contact. */
export const contactName = (c) => (c.type === 'Company' ? c.company : `${c.first} ${c.last}`);

/** Creates a contact in the back office; ends on /agent/contacts/{id}. */
export async function createContact(page, c) {
  await fillNewContact(page, c);
  await button(page, 'Create contact').click();
  if (c.id) {
    await waitForPath(page, `/agent/contacts/${c.id}`);
  } else {
    await page.waitForURL((url) => /^\/agent\/contacts\/(?!new$)[^/]+$/.test(url.pathname));
  }
  await page.getByRole('heading', { level: 1, name: contactName(c), exact: true }).waitFor();
}

/** Searches /agent/contacts with the **Search** box; ends on the result page. */
export async function searchContacts(page, query) {
  if (new URL(page.url()).pathname !== '/agent/contacts') await page.goto('/agent/contacts');
  await field(page, 'Search').fill(query);
  await button(page, 'Search').click();
  await page.waitForURL((url) => url.pathname === '/agent/contacts' && url.searchParams.get('search') === query);
}
