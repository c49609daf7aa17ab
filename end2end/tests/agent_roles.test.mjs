// (f) Who may use the back office, JS on and JS off:
//   - a plain agent (role agent) signs in, but /agent/agents and /agent/api-keys
//     say "Admins only" and the navigation has no "Agents" / "API keys" links
//     (an admin's has them);
//   - agent pages without a session redirect to /agent/sign-in, and so do they
//     with a customer's session (a customer's session is not an agent's);
//   - a wrong agent password is refused with a message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN, AGENT, JS_MODES, TEST_TIMEOUT, agentNav, agentSignIn, button, emailField, expectProblems, launchBrowser,
  registerAndVerify, submitAgentSignIn, uniqueEmail, uniqueName, waitForPath, waitForText, withPage,
} from './helpers.mjs';

const ADMIN_ONLY = ['/agent/agents', '/agent/api-keys'];
const AGENT_PAGES = ['/agent/contacts', '/agent/contacts/new', '/agent/organisations', ...ADMIN_ONLY];

const navLink = (page, name) => agentNav(page).getByRole('link', { name, exact: true });

/** Every agent page redirects to /agent/sign-in, which is the real sign-in form. */
async function assertAgentPagesRedirect(page) {
  for (const path of AGENT_PAGES) {
    await page.goto(path);
    await waitForPath(page, '/agent/sign-in');
    await button(page, 'Sign in').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Search', exact: true }).count(), 0,
      `${path} must not show the contacts search without an agent session`);
  }
}

describe('agent roles and access', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`plain agent: no admin pages, no admin links (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `agent_roles_agent_${label}` }, async (page) => {
        await agentSignIn(page, AGENT);
        await navLink(page, 'Contacts').waitFor(); // the navigation is there…
        assert.equal(await navLink(page, 'Agents').count(), 0, 'a plain agent sees no "Agents" link');
        assert.equal(await navLink(page, 'API keys').count(), 0, 'a plain agent sees no "API keys" link');

        for (const path of ADMIN_ONLY) {
          // The 403 is what this test asks for.
          expectProblems(page, new RegExp(`403.*${path}`));
          const res = await page.goto(path);
          assert.equal(res.status(), 403, `${path} must answer 403 Forbidden to a plain agent`);
          assert.equal(new URL(page.url()).pathname, path);
          await waitForText(page, /Admins only/);
          for (const name of ['Create agent', 'Create key']) {
            assert.equal(await button(page, name).count(), 0, `${path} must not offer "${name}" to a plain agent`);
          }
          assert.equal(await navLink(page, 'Agents').count(), 0);
          assert.equal(await navLink(page, 'API keys').count(), 0);
        }

        // Organisations: a plain agent sees them but cannot create one.
        await page.goto('/agent/organisations');
        await page.getByRole('heading', { level: 1, name: 'Organisations', exact: true }).waitFor();
        assert.equal(await button(page, 'Create organisation').count(), 0,
          'only admins manage organisations');
      });
    });

    test(`admin: sees the admin pages and links (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `agent_roles_admin_${label}` }, async (page) => {
        await agentSignIn(page, ADMIN);
        await navLink(page, 'Agents').waitFor();
        await navLink(page, 'API keys').waitFor();
        for (const [path, name] of [['/agent/agents', 'Create agent'], ['/agent/api-keys', 'Create key']]) {
          const res = await page.goto(path);
          assert.equal(res.status(), 200, `${path} must answer 200 to an admin`);
          await button(page, name).waitFor();
        }
        assert.doesNotMatch(await page.locator('body').innerText(), /Admins only/);
      });
    });

    test(`agent pages without a session → /agent/sign-in (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `agent_roles_no_session_${label}` }, async (page) => {
        await assertAgentPagesRedirect(page);
      });
    });

    test(`a customer's session is not an agent's (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Cora'), last: uniqueName('Customer'), email: uniqueEmail('cust') };
      await withPage(browser, { js, name: `agent_roles_customer_${label}` }, async (page) => {
        await registerAndVerify(page, who); // signed in as a customer, on /profile
        await assertAgentPagesRedirect(page);
        // The customer is still signed in as a customer.
        await page.goto('/profile');
        await waitForPath(page, '/profile');
      });
    });

    test(`wrong agent password is refused (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `agent_roles_wrong_password_${label}` }, async (page) => {
        await submitAgentSignIn(page, { email: AGENT.email, password: `${AGENT.password}-wrong` });
        await waitForPath(page, '/agent/sign-in');
        await waitForText(page, /The email or password is not correct\./);
        assert.equal(await emailField(page).inputValue(), AGENT.email, 'Email keeps its value');
        // Still no agent session.
        await page.goto('/agent/contacts');
        await waitForPath(page, '/agent/sign-in');

        // An unknown agent gets the same answer.
        await submitAgentSignIn(page, { email: uniqueEmail('nobody'), password: AGENT.password });
        await waitForPath(page, '/agent/sign-in');
        await waitForText(page, /The email or password is not correct\./);
      });
    });
  }
});
