// The console's trust checks that need no story (issue 19): a county's own
// dashboard, an error page from a proxy, the lockout's wait and "forgot
// password", deep links and unsaved forms across an expired session, views
// that refresh after a write, and today's verified hours on the dashboard.
// Run after console.test.mjs by scripts/e2e.sh, against the same demo city.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, COMMUNITY, DEMO_PASSWORD, LOGINS, PAST_NEED, TAG, api, beijingDate, closeBrowser, expectNotice, launch, login, must, session, shot, shows, smsCode, smsCount, token,
} from './harness.mjs';

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

  test('logging in often is never refused; wrong passwords show the wait; a reset by SMS code lets the person in at once', async () => {
    // A demo volunteer's login that no other test uses (a code sent a moment ago to a new
    // registration would hold the reset's code back for a minute).
    const phone = '15600000888', first = DEMO_PASSWORD, second = 'e2e-second-pass';
    for (let i = 0; i < 12; i++) await token(phone, first); // more than the failure limit (10): successes do not count
    for (let i = 0; i < 10; i++) assert.equal((await api('POST', '/v1/auth/login', { body: { phone, password: 'not-the-password' } })).status, 401);

    const page = await session('locked');
    await page.goto(`${BASE}/console/`);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(first);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const wait = page.locator('.wait[role="timer"]');
    await wait.waitFor();
    assert.match(await wait.innerText(), /请等待 \d+ 分 \d+ 秒|请等待 \d+ 秒/, 'the wait is shown, counting down');
    assert.ok(await page.getByRole('button', { name: '登录', exact: true }).isDisabled(), 'logging in waits for the countdown');
    await shot(page, 'trust-01-lockout-wait');
    await page.getByRole('button', { name: '关闭提示' }).click(); // the refusal's notice, read

    await page.getByRole('button', { name: '忘记密码？' }).click();
    await page.getByRole('heading', { name: '重设密码' }).waitFor();
    await page.getByLabel('手机号').fill(phone);
    const seen = smsCount(phone);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expectNotice(page, '验证码已发送');
    await page.getByLabel('短信验证码').fill(await smsCode(phone, seen));
    await page.getByLabel('新密码', { exact: true }).fill(second);
    await page.getByLabel('再次输入新密码').fill(second);
    await shot(page, 'trust-02-reset-password');
    await page.getByRole('button', { name: '重设密码' }).click();
    await expectNotice(page, '密码已重设');
    await page.getByLabel('密码').fill(second);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '欢迎' }).waitFor(); // in at once (a volunteer: no console screens)
    await page.context().close();
  });

  test('a person logs in with an SMS code', async () => {
    const phone = '15600000889'; // a demo volunteer's login no other test uses
    const page = await session('code-login');
    await page.goto(`${BASE}/console/`);
    await page.getByRole('button', { name: '验证码登录' }).click();
    await page.getByRole('heading', { name: '验证码登录' }).waitFor();
    await page.getByLabel('手机号').fill(phone);
    const seen = smsCount(phone);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expectNotice(page, '验证码已发送');
    await page.getByLabel('短信验证码').fill(await smsCode(phone, seen));
    await shot(page, 'trust-02b-code-login');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '欢迎' }).waitFor();
    await page.context().close();
  });

  test('a deep link survives login, and a form being typed survives an expired session', async () => {
    const page = await session('expiry');
    await page.goto(`${BASE}/console/needs/new`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.getByLabel('手机号').fill(LOGINS.committee);
    await page.getByLabel('密码').fill('wushe-demo-2025');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '发布需求' }).waitFor(); // where the link pointed, not the committee's home
    assert.match(page.url(), /\/console\/needs\/new$/);
    const title = `会话过期时填写的需求 ${TAG}`;
    await page.getByLabel('标题').fill(title);

    // The session ends elsewhere (its login family revoked): the next write finds it gone.
    const tok = await page.evaluate(() => JSON.parse(sessionStorage.getItem('wushe.session')).accessToken);
    await must('POST', '/v1/auth/logout', { token: tok });
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.getByLabel('手机号').fill(LOGINS.committee);
    await page.getByLabel('密码').fill('wushe-demo-2025');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '发布需求' }).waitFor();
    assert.equal(await page.getByLabel('标题').inputValue(), title, 'the typed title came back');
    await page.getByText('已恢复上次未保存的内容').waitFor();
    await shot(page, 'trust-03-draft-restored');
    await page.getByRole('button', { name: '放弃这些修改' }).click();
    await page.waitForFunction(() => !Object.keys(sessionStorage).some((k) => k.startsWith('wushe.draft:')));
    assert.equal(await page.getByLabel('标题').inputValue(), '', 'a discarded draft is gone');
    await page.context().close();
  });

  test('when nobody fits a need, its matches say which constraint to relax', async () => {
    const committee = await token(LOGINS.committee);
    const need = await must('POST', '/v1/needs', { token: committee, body: {
      communityCode: COMMUNITY, title: `深夜手语陪护 ${TAG}`, domain: 'community_governance', targetGroup: 'community_residents', headcount: 1,
      location: { lat: 34.7466, lng: 113.6253 }, radiusKm: 0.2, requiredSkills: [{ code: 'sign_language', level: 3 }],
      window: { start: `${beijingDate(3)}T03:00:00+08:00`, end: `${beijingDate(3)}T04:00:00+08:00` },
    } });
    const page = await session('zero-matches');
    await login(page, LOGINS.committee);
    await page.goto(`${BASE}/console/needs/${need.id}`);
    const empty = page.locator('.empty', { hasText: '暂无符合条件的志愿者' });
    await empty.waitFor();
    assert.match(await empty.innerText(), /暂无符合条件的志愿者。\s*(多数志愿者|未成年人)\S*：可/, 'the constraint to relax, with what to change');
    await shot(page, 'trust-05-zero-matches');
    await page.context().close();
  });

  test('views refresh after a write, and the dashboard shows the hours verified today', async () => {
    const charity = await token(LOGINS.charity), org = await token(LOGINS.org);
    const funds = await must('GET', '/v1/funds?limit=100', { token: charity });
    let fund = funds.items.find((f) => f.open && f.ownerOrgId && f.remainingFen >= 1000000 && (f.regions ?? []).includes('410102') && (f.domains ?? []).includes('community_governance'));
    if (!fund) { // the console's story posts one; alone, this test posts its own
      const me = await must('GET', '/v1/me', { token: charity });
      const owner = me.roles.find((r) => r.role === 'charity_admin').organisationId;
      fund = await must('POST', '/v1/funds', { token: charity, body: { name: `刷新测试基金 ${TAG}`, totalFen: 10000000, grantMinFen: 100000, grantMaxFen: 1000000,
        domains: ['community_governance'], regions: ['410102'], opensAt: new Date(Date.now() - 60e3).toISOString(), closesAt: new Date(Date.now() + 30 * 864e5).toISOString(), ownerOrgId: owner } });
    }
    const app = await must('POST', '/v1/applications', { token: org, body: {
      organisationId: 'demo-org-0001', fundId: fund.id, title: `刷新测试 ${TAG}`, summary: '检查批准后页面数字即时更新。', domains: ['community_governance'],
      regions: ['410102'], requestedFen: 200000, targetGroup: 'community_residents', beneficiaries: 50, supervisorId: 'demo-sw-0001',
      budget: { salaryFen: 100000, supervisionTrainingFen: 40000, serviceActivitiesFen: 40000, projectManagementFen: 20000 },
      milestones: [{ name: '启动', due: new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10), tranchePercent: 100 }],
    } });
    await must('POST', `/v1/applications/${app.id}/submission`, { token: org });
    const page = await session('charity-refresh');
    await login(page, LOGINS.charity);
    await page.goto(`${BASE}/console/funds/${fund.id}`);
    const granted = page.locator('.kpi', { hasText: '已资助' }).locator('.kpi-value');
    await granted.waitFor();
    const before = await granted.innerText();
    const item = page.locator('li.app', { hasText: `刷新测试 ${TAG}` });
    await item.getByLabel('批准金额（元）').fill('1500');
    await item.getByRole('button', { name: '批准' }).click();
    await expectNotice(page, '已批准');
    const want = `¥${((fund.grantedFen + 150000) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })}`;
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent === text,
      ['.kpis .kpi:nth-child(2) .kpi-value', want]);
    assert.notEqual(before, want, 'the granted total moved without a reload');
    await page.context().close();

    // Today's hours: yesterday's demo shift, marked and verified now (after the day's snapshot), shows at once.
    const committee = await token(LOGINS.committee), city = await token(LOGINS.city);
    const d0 = await must('GET', '/v1/dashboard?division=4101', { token: city });
    // Walk-ins the committee records for yesterday's demo shift (people no other test uses): new pending records.
    const occurrence = (await must('GET', `/v1/needs/${PAST_NEED}`, { token: committee })).occurrences[0];
    const marked = await must('POST', '/v1/attendance/marks', { token: committee, body: { occurrenceId: occurrence.id,
      marks: ['demo-v-00777', 'demo-v-00778', 'demo-v-00779'].map((volunteerId) => ({ volunteerId, checkin: occurrence.start, checkout: occurrence.end })) } });
    const pending = (marked.records ?? []).filter((h) => h.status === 'pending');
    assert.ok(pending.length > 0, `walk-ins recorded for ${PAST_NEED}: ${JSON.stringify(marked)}`);
    let verified = 0;
    for (const h of pending) {
      await must('POST', `/v1/hours/${h.id}/verification`, { token: committee, body: { approve: true } });
      verified += h.hours;
    }
    const d1 = await must('GET', '/v1/dashboard?division=4101', { token: city });
    assert.ok(Math.abs(d1.today.hoursVerified - (d0.today.hoursVerified + verified)) < 1e-9, `today's figure moved by ${verified} h: ${JSON.stringify([d0.today, d1.today])}`);
    assert.equal(d1.today.hoursVerifiedTotal, Math.round((d1.total.figures.verifiedHours + d1.today.hoursVerified) * 100) / 100);
    const cityPage = await session('city-today');
    const t0 = Date.now();
    await login(cityPage, LOGINS.city);
    await shows(cityPage, cityPage.locator('.kpi', { hasText: '已核实志愿服务时长（含今日）' }));
    console.log(`# the dashboard's first load after logging in: ${Date.now() - t0} ms (a figure, not a check)`);
    assert.match(await cityPage.locator('.kpi', { hasText: '已核实志愿服务时长（含今日）' }).innerText(), /快照后新核实/);
    await shot(cityPage, 'trust-04-dashboard-today');
    await cityPage.context().close();
  });
});
