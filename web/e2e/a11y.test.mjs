// axe-core on every screen of the console at desktop size (issue 19): the
// log-in page in its three modes, then each role's screens of the demo
// city, a need's tabs, a fund's and a competition's page. No serious or
// critical violation anywhere. Reads only: it runs first (node's runner
// takes the files in name order) and changes nothing the others read.
// The app's screens (/m/) are checked by volunteer.test.mjs and
// app-more.test.mjs, the committee's phone screens by phone.test.mjs, the
// organisations' screens by org.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, LOGINS, PAST_NEED, axeSerious, closeBrowser, launch, login, must, pageErrors, session, shot, token } from './harness.mjs';

let checked = 0;

/** screen waits for the page's heading and quiet network, then runs axe-core on it. */
async function screen(page, name) {
  await page.locator('main h1, .login h1').first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.locator('.skeleton').first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => undefined);
  assert.deepEqual(await axeSerious(page), [], `${name}: axe violations`);
  checked++;
  await shot(page, `a11y-${name}`);
}

/** visit opens each console path and checks it. */
async function visit(page, paths) {
  for (const [path, name] of paths) {
    await page.goto(`${BASE}/console${path}`);
    await screen(page, name);
  }
}

describe('every console screen passes axe-core', () => {
  before(async () => {
    await launch();
  });

  after(async () => {
    await closeBrowser();
  });

  test('the log-in page: password, SMS code, reset', async () => {
    const page = await session('a11y-login');
    await page.goto(`${BASE}/console/`);
    await screen(page, 'login');
    await page.getByRole('button', { name: '验证码登录' }).click();
    await screen(page, 'login-code');
    await page.getByRole('button', { name: '用密码登录' }).click();
    await page.getByRole('button', { name: '忘记密码？' }).click();
    await screen(page, 'login-reset');
    await page.context().close();
  });

  test("the committee's screens and a need's tabs", async () => {
    const page = await session('a11y-committee');
    await login(page, LOGINS.committee);
    await visit(page, [['/needs', 'needs'], ['/needs/new', 'need-form'], ['/hours', 'hours'], [`/needs/${PAST_NEED}`, 'need']]);
    for (const tab of await page.getByRole('tab').all()) {
      const name = (await tab.innerText()).trim();
      await tab.click();
      await screen(page, `need-tab-${name}`);
    }
    await page.context().close();
  });

  test("civil affairs' screens", async () => {
    const page = await session('a11y-city');
    await login(page, LOGINS.city);
    await visit(page, [['/dashboard', 'dashboard'], ['/complaints', 'complaints'], ['/organisations', 'organisations'], ['/funds', 'funds-city'], ['/competitions', 'competitions-city']]);
    await page.context().close();
  });

  test("a charity's screens, a fund's and a competition's page", async () => {
    const charity = await token(LOGINS.charity);
    const funds = await must('GET', '/v1/funds?limit=5', { token: charity });
    const comps = await must('GET', '/v1/competitions?limit=5', { token: charity });
    const page = await session('a11y-charity');
    await login(page, LOGINS.charity);
    const paths = [['/funds', 'funds'], ['/funds/new', 'fund-form'], ['/competitions', 'competitions'], ['/competitions/new', 'competition-form'], ['/organisation', 'charity-organisation']];
    if (funds.items?.[0]) paths.push([`/funds/${funds.items[0].id}`, 'fund']);
    if (comps.items?.[0]) paths.push([`/competitions/${comps.items[0].id}`, 'competition']);
    await visit(page, paths);
    if (funds.items?.[0]) { // the applications' status filter speaks words, never codes (issue 19)
      await page.goto(`${BASE}/console/funds/${funds.items[0].id}`);
      const filter = page.getByLabel('状态', { exact: true }).first();
      await filter.locator('option').nth(3).waitFor({ state: 'attached' }); // the page renders after its fund loads
      const options = await filter.locator('option').allInnerTexts();
      assert.ok(options.length > 3 && options.every((o) => !/^[a-z_]+$/.test(o.trim())), `the filter shows words: ${options.join(', ')}`);
    }
    await page.context().close();
  });

  test("an organisation's screens", async () => {
    const page = await session('a11y-org');
    await login(page, LOGINS.org);
    await visit(page, [['/organisation', 'organisation'], ['/applications', 'applications'], ['/applications/new', 'application-form'], ['/evaluations', 'evaluations']]);
    await page.context().close();
  });

  test('no script error or CSP violation, and every screen was checked', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(checked >= 20, `${checked} screens checked`);
    console.log(`axe-core: ${checked} console screens, no serious or critical violation`);
  });
});
