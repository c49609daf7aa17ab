// Shared helpers for the browser end-to-end tests.
//
// The tests drive a running portal server (BASE_URL) with the system chromium
// through playwright-core. No browser is ever downloaded: set CHROMIUM_PATH to
// override the default /usr/bin/chromium.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('BASE_URL is not set (e.g. BASE_URL=http://127.0.0.1:3000); run the suite through .ci/test');
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const TEST_TIMEOUT = 120_000; // per test, generous for slow CI machines
const ACTION_TIMEOUT = 15_000;
const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

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

/**
 * Runs `fn(page)` in a fresh browser context (fresh cookies) with JavaScript
 * enabled or disabled. On failure, saves a screenshot to end2end/test-results/
 * and appends the current URL and visible page text to the error message.
 */
export async function withPage(browser, { js, name }, fn) {
  const context = await browser.newContext({ javaScriptEnabled: js, baseURL: BASE_URL });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  try {
    await fn(page);
  } catch (err) {
    let extra = `\n--- page URL: ${page.url()}`;
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

/** A fresh Cyprus mobile number: national `99xxxxxx`, E.164 `+35799xxxxxx`. */
export function uniquePhone() {
  counter += 1;
  const six = String((Date.now() + counter * 7_919 + process.pid * 31) % 1_000_000).padStart(6, '0');
  const national = `99${six}`;
  return { country: 'CYP', national, e164: `+357${national}` };
}

export function uniqueEmail(tag = 'user') {
  counter += 1;
  return `e2e-${tag}-${runId}-${counter}@example.com`;
}

export function uniqueName(prefix) {
  counter += 1;
  // Letters only: names are typically validated as such.
  const suffix = `${Date.now()}${counter}`.split('').map((d) => 'abcdefghij'[Number(d)]).join('');
  return `${prefix}${suffix.slice(-8)}`;
}

// -------------------------------------------------------------------- outbox

/** GET /dev/outbox: array of { channel, to, code, body, created_at }, newest first. */
export async function readOutbox() {
  const res = await fetch(`${BASE_URL}/dev/outbox`, { headers: { accept: 'application/json' } });
  assert.equal(res.status, 200, `GET /dev/outbox answered ${res.status}`);
  const list = await res.json();
  assert.ok(Array.isArray(list), 'GET /dev/outbox must return a JSON array');
  return list;
}

const sameRecipient = (entry, to) => String(entry.to).toLowerCase() === String(to).toLowerCase();

/** Snapshot of what the outbox holds for `to`, to recognise a newer message later. */
export async function outboxMark(to) {
  const mine = (await readOutbox()).filter((e) => sameRecipient(e, to));
  return { count: mine.length, newest: mine[0] ? JSON.stringify(mine[0]) : null };
}

/**
 * Polls (20 × 250 ms) for the newest code sent to `to`. With `after` (from
 * outboxMark) only a message that arrived after that snapshot counts.
 */
export async function latestCode(to, { after = null, tries = 20, delayMs = 250 } = {}) {
  for (let i = 0; i < tries; i += 1) {
    const mine = (await readOutbox()).filter((e) => sameRecipient(e, to));
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
 * Fills /register. `who` is { first, last, phone } or { first, last, email }.
 * Leaves "Title" and "Password (optional)" untouched.
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
