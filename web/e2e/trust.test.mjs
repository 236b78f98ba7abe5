// The console's trust checks that need no story (issue 19): a county's own
// dashboard, and an error page from a proxy. Run after console.test.mjs by
// scripts/e2e.sh, against the same demo city.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, LOGINS, launch, closeBrowser, session, login, shot } from './harness.mjs';

describe('the console, as a clerk trusts it', () => {
  before(async () => {
    await launch();
  });

  after(async () => {
    await closeBrowser();
  });

  test('the console is served with its assets, and deep links load it', async () => {
    const page = await session('anonymous');
    const res = await page.goto(`${BASE}/console/needs/deep/link`);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { name: '登录' }).waitFor(); // not logged in: the login page
    assert.match(page.url(), /\/console\/login$/);
    await shot(page, '01-login');
    await page.context().close();
  });

  test('a county sees its own district once, and no target of 0', async () => {
    const page = await session('county');
    await login(page, LOGINS.county);
    await page.getByRole('heading', { name: /民政驾驶舱/ }).waitFor();
    const rows = page.locator('section', { has: page.getByRole('heading', { name: '各区县数据' }) }).locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1, "the county's table has its one row (it listed 中原区 twice)");
    const indicators = await page.locator('ul.indicators').innerText();
    assert.doesNotMatch(indicators, /\/ 0 ·/, `a district's indicators show no target of 0: ${indicators}`);
    // A proxy's 502 page is not shown as raw HTML: the console says the service is unavailable, with the status.
    await page.route(/\/v1\/organisations(\?.*)?$/, (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' }));
    await page.getByRole('link', { name: '机构管理' }).click();
    const err = page.locator('.error, [role="alert"]').filter({ hasText: 'HTTP 502' }).first();
    await err.waitFor();
    assert.doesNotMatch(await err.innerText(), /<|nginx/, 'no raw HTML on the screen');
    await page.context().close();
  });
});
