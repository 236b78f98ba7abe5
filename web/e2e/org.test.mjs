// The organisations' side of the console (issue 19, build item 3), at a
// laptop's size: an organisation admin drafts an application (budget lines
// in yuan, team, milestones with tranches, targets), finds it after a
// reload, gets back what it typed after losing its login, sees the API's
// problems named by field, and submits it (asked first); the charity
// decides through the API; the organisation reports its milestones in the
// console (the supervisor verifies and the charity releases through the
// API); an evaluator of the institution the charity engages evaluates the
// completed project in the console; the organisation sees its evaluations.
// Every new screen passes axe-core (no serious or critical violation).
// Run after console.test.mjs by scripts/e2e.sh, against the same demo city.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, LOGINS, ORG, TAG, beijingDate, closeBrowser, dialogs, expectNotice, launch, login, must, pageErrors, randomPhone, session, shot, shows, token,
  axeSerious,
} from './harness.mjs';

const FUND = 'demo-fund-0001'; // the demo charity's community fund (city-wide, ¥5,000–¥50,000 a grant)
const SUPERVISOR = 'demo-sw-0001'; // a verified social worker the demo organisation employs (phone 15610000001)
const INSTITUTION = 'demo-org-0038'; // a supervision and evaluation institution of the demo city
const TITLE = `社区睦邻互助 ${TAG}`;
const s = { axe: 0 };

/** check waits for the screen, runs axe-core on it (no serious or critical violation) and takes its screenshot. */
async function check(page, name) {
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  assert.deepEqual(await axeSerious(page), [], `${name}: axe violations`);
  s.axe++;
  await shot(page, `org-${name}`);
}

const key = () => crypto.randomUUID().replaceAll('-', '');

/** problem is the API's refusal shown beside a form. */
const problem = (scope) => scope.locator('.form-problem');

/** nav is a link of the main navigation. */
const nav = (page, name) => page.getByRole('navigation', { name: /主导航|Main/ }).getByRole('link', { name });

describe("the organisations' side of the console", () => {
  before(async () => {
    await launch();
    s.charity = await token(LOGINS.charity);
    s.city = await token(LOGINS.city);
    s.supervisor = await token('15610000001');
  });

  after(async () => {
    await closeBrowser();
  });

  test('an organisation admin drafts an application with budget lines, team, milestones and targets', async () => {
    const page = s.page = await session('org-applications');
    await login(page, LOGINS.org);
    await nav(page, '项目申请').click();
    await page.getByRole('heading', { name: '项目申请' }).waitFor();
    await check(page, 'applications');
    await page.getByRole('link', { name: '新建申请' }).click();
    await page.getByRole('heading', { name: '新建项目申请' }).waitFor();
    await page.getByLabel('项目名称').fill(TITLE);
    await page.getByLabel('申报的资金').selectOption(FUND);
    await page.getByLabel('服务对象').selectOption('community_residents');
    await page.getByLabel('受益人数').fill('200');
    await page.getByLabel('申请金额（元）').fill('30000');
    await page.getByLabel('项目督导社工').selectOption(SUPERVISOR);
    await page.getByLabel('项目简介').fill('组织楼院互助小组，结对帮扶独居老人（端到端测试）。');
    await page.getByLabel('中原区', { exact: true }).check();
    await page.locator('summary', { hasText: '服务领域' }).click();
    await page.getByLabel('社区治理', { exact: true }).check();
    // the budget in yuan; the total follows
    await page.getByLabel('薪酬待遇（元）').fill('12000');
    await page.getByLabel('督导培训经费（元）').fill('3000');
    await page.getByLabel('服务活动经费（元）').fill('12000');
    await page.getByLabel('项目管理经费（元）').fill('3000.50');
    assert.equal(await page.getByTestId('budget-total').innerText(), '¥30,000.50');
    // the team: a professional post left without its social worker (the API names it), and a staff member
    await page.getByRole('button', { name: '添加团队成员' }).click();
    await page.getByRole('button', { name: '添加团队成员' }).click();
    const member2 = page.getByRole('group', { name: '团队成员 2' });
    await member2.getByLabel('岗位').selectOption('staff');
    await member2.getByLabel('姓名').fill('王会计');
    await page.getByRole('group', { name: '团队成员 1' }).getByLabel('姓名').fill('杨飞');
    // milestones with their tranches
    for (const [i, [name, days, pct]] of [['启动与需求调研', 30, '50'], ['互助服务与结项', 120, '50']].entries()) {
      await page.getByRole('button', { name: '添加里程碑' }).click();
      const m = page.getByRole('group', { name: `里程碑 ${i + 1}` });
      await m.getByLabel('名称').fill(name);
      await m.getByLabel('到期日').fill(beijingDate(days));
      await m.getByLabel('拨付比例（%）').fill(pct);
    }
    assert.equal(await page.getByTestId('tranche-sum').innerText(), '100%');
    // targets
    await page.getByRole('button', { name: '添加考核指标' }).click();
    const k1 = page.getByRole('group', { name: '考核指标 1' });
    await k1.getByLabel('指标', { exact: true }).fill('入户探访人次');
    await k1.getByLabel('目标值').fill('≥ 120 人次');
    await k1.getByLabel('数量').fill('120');
    await k1.getByLabel('单位服务成本（元）').fill('50');
    await page.getByRole('button', { name: '添加考核指标' }).click();
    const k2 = page.getByRole('group', { name: '考核指标 2' });
    await k2.getByLabel('类型').selectOption('effect');
    await k2.getByLabel('指标', { exact: true }).fill('居民满意度');
    await k2.getByLabel('目标值').fill('≥ 90%');
    await check(page, 'application-new');

    // Bad input: the API's 422 is shown beside the form, the field named as the form names it.
    await page.getByRole('button', { name: '创建草稿' }).click();
    await shows(page, problem(page).filter({ hasText: '团队成员 1 · 社工账号' }));
    assert.match(await problem(page).innerText(), /body\.team\[0\]\.socialWorkerId/);
    await shot(page, 'org-application-problem');

    await page.getByRole('group', { name: '团队成员 1' }).getByLabel('社工账号').selectOption(SUPERVISOR);
    const created = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/applications');
    await page.getByRole('button', { name: '创建草稿' }).click();
    const body = (await created).postDataJSON();
    // typed in yuan, sent in fen
    assert.deepEqual(body.budget, { salaryFen: 1200000, supervisionTrainingFen: 300000, serviceActivitiesFen: 1200000, projectManagementFen: 300050 });
    assert.equal(body.requestedFen, 3000000);
    assert.equal(body.kpis[0].unitCostFen, 5000);
    assert.deepEqual(body.milestones.map((m) => m.tranchePercent), [50, 50]);
    await expectNotice(page, '草稿已保存');
    await page.getByRole('heading', { name: /编辑草稿/ }).waitFor();
    s.appId = page.url().split('/').pop();
    const saved = await must('GET', `/v1/applications/${s.appId}`, { token: await token(LOGINS.org) });
    assert.equal(saved.status, 'draft');
    assert.equal(saved.budgetTotalFen, 3000050);
    assert.deepEqual(saved.team.map((m) => [m.name, m.post, m.socialWorkerId ?? '']), [['杨飞', 'professional', SUPERVISOR], ['王会计', 'staff', '']]);
  });

  test('the draft is found after a reload, and what was typed survives a lost login until it is saved', async () => {
    const page = s.page;
    const summary = '组织楼院互助小组，结对帮扶独居老人，每月一次集中活动。';
    await page.getByLabel('项目简介').fill(summary);
    await page.getByLabel('申请金额（元）').fill('25000');
    await page.waitForFunction(() => Object.keys(sessionStorage).some((k) => k.startsWith('wushe.application-form.') && sessionStorage.getItem(k).includes('25000')));
    // The login is lost (the session ends); the typed form is still in the tab.
    await page.evaluate(() => sessionStorage.removeItem('wushe.session'));
    await page.reload();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await login(page, LOGINS.org);
    await page.goto(`${BASE}/console/applications/${s.appId}`);
    await page.getByText('已恢复本标签页中未保存的修改').waitFor();
    assert.equal(await page.getByLabel('项目简介').inputValue(), summary);
    assert.equal(await page.getByLabel('申请金额（元）').inputValue(), '25000');
    await check(page, 'application-draft');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expectNotice(page, '草稿已保存');
    const kept = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('wushe.application-form.')));
    assert.deepEqual(kept, [], 'the saved form is no longer kept in the tab');
    // The draft is on the server: the list shows it after a reload.
    await nav(page, '项目申请').click();
    await page.reload();
    const row = page.locator('tr', { hasText: TITLE });
    await row.waitFor();
    assert.match(await row.innerText(), /草稿/);
    assert.match(await row.innerText(), /¥25,000\.00/);
    await row.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { name: /编辑草稿/ }).waitFor();
  });

  test('submitting asks first; a submission the API refuses names the field', async () => {
    const page = s.page;
    await page.getByRole('group', { name: '里程碑 2' }).getByLabel('拨付比例（%）').fill('60');
    const asked = dialogs.length;
    await page.getByRole('button', { name: '提交申请' }).click();
    await shows(page, problem(page).filter({ hasText: '里程碑' }));
    assert.match(await problem(page).innerText(), /合计为 100%/);
    assert.match(dialogs[asked] ?? '', /提交后申请交资助方审核/, 'submitting asks first');
    await page.getByRole('group', { name: '里程碑 2' }).getByLabel('拨付比例（%）').fill('50');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expectNotice(page, '申请已提交');
    await page.locator('h1 .badge', { hasText: '已提交' }).waitFor();
    assert.equal(dialogs.length, asked + 2);
    const a = await must('GET', `/v1/applications/${s.appId}`, { token: await token(LOGINS.org) });
    assert.equal(a.status, 'submitted');
    assert.equal(a.requestedFen, 2500000);
  });

  test('the charity approves through the API; the organisation reports its milestones in the console', async () => {
    const page = s.page;
    await must('POST', `/v1/applications/${s.appId}/decision`, { token: s.charity, body: { decision: 'approve', amountFen: 2400000 }, headers: { 'Idempotency-Key': key() } });
    await page.reload();
    const tranches = page.locator('#tranches');
    await shows(page, tranches.locator('tr[data-milestone="0"]', { hasText: '待报告' }));
    assert.match(await tranches.locator('tr[data-milestone="0"]').innerText(), /¥12,000\.00/); // 50% of ¥24,000
    assert.match(await tranches.locator('.kpis').innerText(), /¥24,000\.00/);
    // A report too short: the API names the field.
    const report1 = page.getByLabel(/里程碑 1「启动与需求调研」的报告/);
    await report1.fill('已启动');
    await page.getByRole('button', { name: '提交报告 1' }).click();
    await shows(page, problem(tranches).filter({ hasText: '报告' }));
    assert.match(await problem(tranches).innerText(), /10–10000/);
    await report1.fill('完成 60 户入户需求调研，建立互助小组 8 个，名单与照片存档。');
    await page.getByRole('button', { name: '提交报告 1' }).click();
    await expectNotice(page, '里程碑报告已提交');
    assert.match(dialogs.at(-1) ?? '', /提交后不能修改/, 'a report asks first');
    await shows(page, tranches.locator('tr[data-milestone="0"]', { hasText: '待督导核验' }));
    await check(page, 'application-tranches');
    // the supervisor verifies, the charity releases (API)
    await must('POST', `/v1/applications/${s.appId}/milestones/0/verification`, { token: s.supervisor, body: { note: '抽查 10 户，记录属实' } });
    await must('POST', `/v1/applications/${s.appId}/milestones/0/release`, { token: s.charity, headers: { 'Idempotency-Key': key() } });
    await page.reload();
    await shows(page, tranches.locator('tr[data-milestone="0"]', { hasText: '已拨付' }));
    assert.match(await tranches.locator('tr[data-milestone="0"]').innerText(), /抽查 10 户/);
    assert.match(await tranches.locator('.kpis').innerText(), /已拨付\s*¥12,000\.00/);
    await page.getByLabel(/里程碑 2「互助服务与结项」的报告/).fill('互助服务全部完成：探访 132 人次，满意度 94%，结项报告已归档。');
    await page.getByRole('button', { name: '提交报告 2' }).click();
    await expectNotice(page, '里程碑报告已提交');
    await must('POST', `/v1/applications/${s.appId}/milestones/1/verification`, { token: s.supervisor, body: {} });
    const a = await must('GET', `/v1/applications/${s.appId}`, { token: s.charity });
    assert.equal(a.status, 'completed');
  });

  test('an evaluator of the engaged institution evaluates the completed project in the console', async () => {
    const phone = randomPhone('136');
    await must('POST', '/v1/auth/register', { body: { phone, password: 'evaluator-pass-1', name: `评估员${TAG}` } });
    await must('POST', `/v1/organisations/${INSTITUTION}/members`, { token: s.city, body: { phone, role: 'evaluator' } });
    await must('POST', `/v1/applications/${s.appId}/evaluator`, { token: s.charity, body: { organisationId: INSTITUTION } });
    const page = s.evaluatorPage = await session('evaluator');
    await login(page, phone, 'evaluator-pass-1');
    await page.getByRole('heading', { name: '绩效评估' }).waitFor();
    await page.getByRole('link', { name: TITLE }).waitFor(); // the engaged project is listed (GET /v1/me/evaluation-projects)
    await check(page, 'evaluator');
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { name: TITLE }).waitFor();
    await page.getByRole('heading', { name: '提交评估' }).waitFor();
    await check(page, 'evaluate');
    const form = page.locator('#evaluation-form');
    await form.getByLabel('总分（0–100）').fill('88');
    await form.getByLabel('等级').selectOption('good');
    await form.getByLabel(/评估报告/).fill('很好');
    const t1 = form.getByRole('group', { name: /^指标 1：/ });
    await t1.getByLabel('实际完成').fill('132 人次');
    await t1.getByLabel('达标').check();
    const t2 = form.getByRole('group', { name: /^指标 2：/ });
    await t2.getByLabel('实际完成').fill('86%');
    // A report too short: named by field.
    await form.getByRole('button', { name: '提交评估' }).click();
    await shows(page, problem(form).filter({ hasText: '报告' }));
    await form.getByLabel(/评估报告/).fill('探访目标超额完成；满意度 86%，未达 90% 的目标，建议加强回访。');
    await form.getByRole('button', { name: '提交评估' }).click();
    await expectNotice(page, '评估已提交');
    assert.match(dialogs.at(-1) ?? '', /评估提交后不能修改/, 'an evaluation asks first');
    await shows(page, page.locator('#project-evaluation').getByTestId('evaluation-score').filter({ hasText: '88' }));
    await shot(page, 'org-evaluated');
    const g = await must('GET', `/v1/applications/${s.appId}/grant`, { token: s.charity });
    assert.equal(g.evaluation.score, 88);
    assert.deepEqual(g.evaluation.kpiResults.map((r) => [r.index, r.met]), [[0, true], [1, false]]);
    // the project is listed as evaluated
    await nav(page, '绩效评估').click();
    await page.getByLabel('状态').selectOption('evaluated');
    await page.getByRole('row', { name: new RegExp(TITLE) }).getByText('已评估').waitFor();
    await page.context().close();
  });

  test("the organisation sees its comprehensive evaluations and its projects' evaluations", async () => {
    const page = s.page;
    await nav(page, '评估结果').click();
    await page.getByRole('heading', { name: '评估结果', level: 1 }).waitFor();
    const history = await must('GET', `/v1/organisations/${ORG}/evaluations`);
    const comprehensive = page.locator('section', { has: page.getByRole('heading', { name: /机构综合评估/ }) });
    await shows(page, comprehensive.locator('tbody tr').first());
    assert.equal(await comprehensive.locator('tbody tr').count(), history.items.length);
    if (history.items[0]) assert.match(await comprehensive.innerText(), new RegExp(history.items[0].institution.replace(/[()（）]/g, '.')));
    const project = page.locator('li.app', { hasText: TITLE });
    await project.waitFor();
    assert.match(await project.innerText(), /88\s*\/ 100/);
    assert.match(await project.innerText(), /未达标/);
    await check(page, 'evaluations');
    // The project's own page shows the evaluation and the tranche it still waits for.
    await project.getByRole('link', { name: TITLE }).click();
    await shows(page, page.locator('#project-evaluation', { hasText: '良好' }));
    await shows(page, page.locator('#tranches tr[data-milestone="1"]', { hasText: '已核验，待拨付' }));
    // in English too
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Grant and tranches' }).waitFor();
    await nav(page, 'Evaluations').click();
    await page.getByRole('heading', { name: 'Evaluations', level: 1 }).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();
  });

  test('no script error or CSP violation on any page', () => {
    assert.deepEqual(pageErrors, []);
    console.log(`axe-core: ${s.axe} screen checks, no serious or critical violation`);
  });
});
