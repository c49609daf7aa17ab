// Pages in Greek, JS on and JS off: a Greek browser gets Greek pages (<html lang="el">) with a
// registration error in Greek beside its field, and the profile's language choice switches the
// pages; the switch at the foot of every page switches back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JS_MODES, TEST_TIMEOUT, button, field, launchBrowser, radio, registerAndVerify, uniqueName,
  uniquePhone, waitForFieldError, waitForPath, waitForText, withPage,
} from './helpers.mjs';

const htmlLang = (page) => page.locator('html').getAttribute('lang');

describe('pages in the visitor\'s language', { concurrency: 1 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const { js, label } of JS_MODES) {
    test(`a Greek browser registers in Greek and sees its error in Greek (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage(browser, { js, name: `greek_register_${label}`, locale: 'el-GR' }, async (page) => {
        await page.goto('/register');
        assert.equal(await htmlLang(page), 'el');
        assert.match(await page.title(), /^Δημιουργήστε τον λογαριασμό σας · /);
        const phone = uniquePhone();
        await field(page, 'Επώνυμο').fill('Γεωργίου');
        await radio(page, 'Εγγραφή με', 'Τηλέφωνο').check();
        await field(page, 'Χώρα').selectOption(phone.country);
        await field(page, 'Αριθμός τηλεφώνου').fill(phone.national);
        await field(page, 'Αποδέχομαι τους όρους χρήσης').check();
        // The form's own language choice follows the browser.
        assert.equal(await radio(page, 'Γλώσσα', 'Ελληνικά').isChecked(), true);
        await button(page, 'Δημιουργία λογαριασμού').click();
        await waitForFieldError(page, field(page, 'Όνομα'), /^Το πεδίο «Όνομα» είναι υποχρεωτικό$/);
        assert.equal(await field(page, 'Επώνυμο').inputValue(), 'Γεωργίου', 'what was typed is kept');
        assert.equal(await htmlLang(page), 'el');
      });
    });

    test(`the profile's language choice and the page switch change the pages (${label})`, { timeout: TEST_TIMEOUT }, async () => {
      const who = { first: uniqueName('Eleni'), last: uniqueName('Lang'), phone: uniquePhone() };
      await withPage(browser, { js, name: `language_switch_${label}` }, async (page) => {
        await registerAndVerify(page, who);
        assert.equal(await htmlLang(page), 'en');
        await radio(page, 'Language', 'Ελληνικά').check();
        await button(page, 'Save').click();
        await waitForText(page, /Αποθηκεύτηκε/);
        assert.equal(await htmlLang(page), 'el');
        await waitForText(page, /Τα στοιχεία σας/);
        assert.equal(await radio(page, 'Γλώσσα', 'Ελληνικά').isChecked(), true);

        // The switch at the foot of the page goes back to English, on the same page.
        await button(page, 'English').click();
        await waitForText(page, /Your details/);
        await waitForPath(page, '/profile');
        assert.equal(await htmlLang(page), 'en');
        await page.goto('/sign-in');
        assert.equal(await htmlLang(page), 'en');
      });
    });
  }
});
