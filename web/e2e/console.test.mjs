// End-to-end tests of the web console in a real browser (Debian's Chromium
// driven by playwright-core), against a running Wushe service with the demo
// city: scripts/e2e.sh starts one on a free port and sets WUSHE_URL.
//
// The steps run in order and share state (one story): a committee posts a
// need and invites a matched volunteer, the volunteer accepts through the API,
// the committee runs the plan and marks attendance of the demo city's shift of yesterday (hours only
// for what happened) and verifies the hours; a charity posts a fund,
// decides an application and runs a competition to its awards with reviewers
// scoring in the console; civil affairs sees the new figures on the dashboard.
// Screenshots of each main screen go to e2e/screenshots/ (not committed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  BASE, LOGINS, COMMUNITY, PAST_NEED, DEMO_VOLUNTEER, ORG, STARTED, TAG, api, must, token, randomPhone, idNumber, beijingDate, launch, closeBrowser, pageErrors, session, shot, checkedShot, login, shows, expectNotice, dialogs,
} from './harness.mjs';

// ---- shared state of the story ----

const s = {};

describe('the web console', () => {
  before(async () => {
    await launch();
    // A volunteer of the committee's community, at home where the community's needs are, free all week.
    const committee = await token(LOGINS.committee);
    const needs = await must('GET', `/v1/needs?community=${COMMUNITY}&limit=1`, { token: committee });
    s.place = needs.items[0].location;
    s.volunteerPhone = randomPhone('139');
    s.volunteerName = `志愿者${TAG}`;
    const acct = await must('POST', '/v1/auth/register', { body: { phone: s.volunteerPhone, password: 'volunteer-pass-1', name: s.volunteerName } });
    s.volunteerId = acct.id;
    s.volunteer = await token(s.volunteerPhone, 'volunteer-pass-1');
    const all = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']]));
    await must('PUT', '/v1/me/volunteer-profile', { token: s.volunteer, body: {
      realName: s.volunteerName, idNumber: idNumber(), communityCode: COMMUNITY, home: s.place, maxDistanceKm: 5,
      availability: all, domains: ['community_governance'], skills: [{ code: 'first_aid', level: 2 }],
    } });
    await must('POST', `/v1/volunteers/${s.volunteerId}/verification`, { token: committee, body: { verified: true } });
  });

  after(async () => {
    await closeBrowser();
  });

  test('a committee posts a need, placing it on the map', async () => {
    const page = s.committeePage = await session('committee');
    await login(page, LOGINS.committee);
    await page.getByRole('link', { name: '发布需求' }).click();
    await page.getByLabel('标题', { exact: true }).fill(`独居老人探访 ${TAG}`);
    await page.getByLabel('说明').fill('每周陪伴独居老人聊天、读报（端到端测试）');
    await page.getByLabel('领域').selectOption('community_governance');
    await page.getByLabel('服务对象').selectOption('community_residents');
    await page.getByLabel('每场人数').fill('1');
    await page.getByLabel('日期').fill(beijingDate(2));
    await page.getByLabel('开始', { exact: true }).fill('09:00');
    await page.getByLabel('结束', { exact: true }).fill('11:00');
    await page.getByLabel('地址').fill('电缆社区活动室');
    // the map places the point on a click; the exact inputs then set it precisely
    const map = page.getByRole('application');
    const box = await map.boundingBox();
    await map.click({ position: { x: box.width / 2 + 20, y: box.height / 2 - 10 } });
    const lat = Number(await page.getByLabel('纬度').inputValue());
    assert.ok(lat > 34 && lat < 35.2, `the map click gave latitude ${lat}`);
    // and from the keyboard: the map takes focus (an SVG needs the lower-case tabindex) and an arrow moves the point north
    await map.focus();
    assert.equal(await map.evaluate((el) => document.activeElement === el), true, 'the map takes keyboard focus');
    await page.keyboard.press('ArrowUp');
    assert.ok(Number(await page.getByLabel('纬度').inputValue()) > lat, 'the up arrow moves the point north');
    await page.getByLabel('纬度').fill(String(s.place.lat));
    await page.getByLabel('经度').fill(String(s.place.lng));
    await shot(page, '02-need-form');
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await shows(page, page.getByRole('heading', { name: new RegExp(`独居老人探访 ${TAG}`) }));
    s.needId = page.url().split('/').pop();
    const need = await must('GET', `/v1/needs/${s.needId}`, { token: s.volunteer });
    assert.equal(need.status, 'open');
    assert.equal(need.headcount, 1);
    s.occurrenceId = need.occurrences[0].id;
  });

  test('the committee sees matches with their reasons and the exclusions, and invites', async () => {
    const page = s.committeePage;
    await page.getByText(/共考虑 [\d,]+ 人，符合条件 \d+ 人，排除 [\d,]+ 人/).waitFor();
    await page.getByText('排除原因').click();
    assert.ok(await page.locator('.exclusions li').count() > 0, 'exclusions listed');
    const row = page.locator('tr', { hasText: s.volunteerName });
    await row.waitFor();
    assert.match(await row.innerText(), /距离/);
    await checkedShot(page, '03-matches');
    await page.getByLabel(s.volunteerName).check();
    await page.getByRole('button', { name: /邀请所选（1）/ }).click();
    await expectNotice(page, '已邀请 1 位志愿者');
    await page.locator('tr', { hasText: s.volunteerName }).filter({ hasText: '待回复' }).waitFor();
  });

  test('the volunteer accepts through the API', async () => {
    const inv = await must('GET', '/v1/me/invitations', { token: s.volunteer });
    const mine = inv.items.find((i) => i.needId === s.needId);
    assert.ok(mine, 'the invitation reached the volunteer');
    const accepted = await must('POST', `/v1/invitations/${mine.id}/accept`, { token: s.volunteer });
    assert.equal(accepted.status, 'accepted');
  });

  test('the committee proposes a supervisor, who accepts, and confirms the linkage plan', async () => {
    const page = s.committeePage;
    await page.getByRole('tab', { name: '联动方案' }).click();
    await page.getByText(s.volunteerName).waitFor();
    const propose = page.getByRole('button', { name: '邀请督导' }).first();
    await propose.click();
    await expectNotice(page, '已邀请督导社工');
    const plan = await must('GET', `/v1/needs/${s.needId}/plan`, { token: await token(LOGINS.committee) });
    const sw = plan.supervisor.id; // demo social workers: demo-sw-NNNN has the phone 1561NNNNNNN
    assert.match(sw, /^demo-sw-\d+$/);
    const swToken = await token('1561' + sw.replace('demo-sw-', '').padStart(7, '0'));
    await must('POST', `/v1/needs/${s.needId}/plan/supervisor/response`, { token: swToken, body: { accept: true } });
    await page.reload();
    await page.getByRole('tab', { name: '联动方案' }).click();
    await page.getByText('已接受').waitFor();
    await page.getByRole('button', { name: '确认联动方案' }).click();
    await expectNotice(page, '联动方案已确认');
    assert.match(dialogs.at(-1) ?? '', /确认后联动方案生效/, 'confirming the plan asks first');
    await page.locator('.badge', { hasText: '已确认' }).waitFor();
    await checkedShot(page, '04-plan');
  });

  test('the check-in code shows full-screen and matches the service', async () => {
    const page = s.committeePage;
    await page.getByRole('tab', { name: '签到与出勤' }).click();
    await page.getByRole('link', { name: '显示签到码' }).click();
    const code = page.getByTestId('checkin-code');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="checkin-code"]')?.textContent ?? ''));
    const shown = (await code.innerText()).replace(/\s/g, '');
    const api1 = await must('GET', `/v1/attendance/code?occurrenceId=${encodeURIComponent(s.occurrenceId)}`, { token: await token(LOGINS.committee) });
    assert.match(shown, /^\d{6}$/);
    assert.equal(shown, api1.code, 'the screen shows the current code');
    await shot(page, '05-checkin-code');
    await page.getByRole('link', { name: /返回/ }).click();
  });

  test('attendance waits for the shift: the story\'s need, two days ahead, cannot be marked', async () => {
    const page = s.committeePage;
    await page.getByRole('tab', { name: '签到与出勤' }).click();
    await page.getByText('该场次尚未开始').waitFor();
    const early = await api('POST', '/v1/attendance/marks', { token: await token(LOGINS.committee), body: { occurrenceId: s.occurrenceId,
      marks: [{ volunteerId: s.volunteerId, checkin: `${beijingDate(2)}T09:00:00+08:00`, checkout: `${beijingDate(2)}T11:00:00+08:00` }] } });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.errors?.[0]?.location, 'body.occurrenceId');
  });

  test('the committee marks attendance of yesterday\'s shift, then verifies the hours in bulk', async () => {
    const page = s.committeePage;
    const plan = await must('GET', `/v1/needs/${PAST_NEED}/plan`, { token: await token(LOGINS.committee) });
    const name = plan.volunteers.find((v) => v.id === DEMO_VOLUNTEER)?.name;
    assert.ok(name, `the volunteer login holds a place in ${PAST_NEED}`);
    await page.goto(`${BASE}/console/needs/${PAST_NEED}`);
    await page.getByRole('tab', { name: '签到与出勤' }).click();
    await page.getByLabel(name, { exact: true }).check();
    await page.getByRole('button', { name: '登记出勤' }).click();
    await expectNotice(page, '已登记 1 条出勤');
    await page.getByRole('link', { name: '服务时长核实' }).click();
    const row = page.locator('tr', { hasText: name });
    await row.waitFor();
    assert.match(await row.innerText(), /\b2\b/); // 09:00–11:00: two hours
    await shot(page, '06-hours-pending');
    await page.getByLabel(name).check();
    await page.getByRole('button', { name: /核实所选（1）/ }).click();
    await expectNotice(page, '已核实 1 条');
    const mine = await must('GET', '/v1/me/hours', { token: await token(LOGINS.volunteer) });
    const rec = mine.items.find((h) => h.needId === PAST_NEED);
    assert.equal(rec?.status, 'verified');
    assert.equal(rec?.hours, 2);
  });

  test('the committee completes the need and records service-object feedback', async () => {
    const page = s.committeePage;
    await page.goto(`${BASE}/console/needs/${s.needId}`);
    await page.getByRole('button', { name: '改为：进行中' }).click();
    await expectNotice(page, '状态已变更');
    await page.getByRole('button', { name: '改为：已完成' }).click();
    await page.locator('h1 .badge', { hasText: '已完成' }).waitFor();
    await page.getByRole('tab', { name: '服务对象反馈' }).click();
    await page.getByLabel('4').check();
    await page.getByLabel('意见').fill('老人很满意，希望继续');
    await page.getByRole('button', { name: '提交反馈' }).click();
    await expectNotice(page, '反馈已记录');
  });

  test('what the API forbids, the console cannot do: a committee token posting a fund gets 403', async () => {
    const page = s.committeePage;
    const nav = await page.getByRole('navigation', { name: '主导航' }).innerText();
    assert.ok(!nav.includes('资金与申请'), 'the committee is not shown funds');
    const status = await page.evaluate(async () => {
      const { accessToken } = JSON.parse(sessionStorage.getItem('wushe.session'));
      const res = await fetch('/v1/funds', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ name: '越权资金', totalFen: 100000, domains: ['charity'], regions: ['410102'], grantMinFen: 100, grantMaxFen: 1000,
          opensAt: new Date().toISOString(), closesAt: new Date(Date.now() + 864e5).toISOString(), ownerOrgId: 'demo-org-0002' }),
      });
      return res.status;
    });
    assert.equal(status, 403);
    await page.context().close();
  });

  test('a charity posts a fund and approves an application with an idempotency key', async () => {
    const page = s.charityPage = await session('charity');
    await login(page, LOGINS.charity);
    await page.getByRole('link', { name: '资金与申请' }).click();
    await page.getByRole('link', { name: '设立资金' }).click();
    await page.getByLabel('资金名称').fill(`社区公益创投基金 ${TAG}`);
    await page.getByLabel('总额（元）').fill('1000000');
    await page.getByLabel('单笔最低（元）').fill('1000');
    await page.getByLabel('单笔最高（元）').fill('100000');
    await page.getByLabel('中原区', { exact: true }).check();
    await page.getByLabel('社区治理', { exact: true }).check();
    await shot(page, '07-fund-form');
    await page.getByRole('button', { name: '设立', exact: true }).click();
    await shows(page, page.getByRole('heading', { name: new RegExp(`社区公益创投基金 ${TAG}`) }));
    s.fundId = page.url().split('/').pop();

    // an organisation applies through the API
    s.org = await token(LOGINS.org);
    const app = await must('POST', '/v1/applications', { token: s.org, body: {
      organisationId: ORG, fundId: s.fundId, title: `楼院议事会培育 ${TAG}`, summary: '培育楼院议事会，开展居民协商。', domains: ['community_governance'],
      regions: ['410102'], requestedFen: 5000000, targetGroup: 'community_residents', beneficiaries: 300, supervisorId: 'demo-sw-0001',
      budget: { salaryFen: 2000000, supervisionTrainingFen: 1000000, serviceActivitiesFen: 1500000, projectManagementFen: 500000 },
      milestones: [{ name: '启动', due: beijingDate(30), tranchePercent: 50 }, { name: '结项', due: beijingDate(120), tranchePercent: 50 }],
    } });
    await must('POST', `/v1/applications/${app.id}/submission`, { token: s.org });

    await page.reload();
    const item = page.locator('li.app', { hasText: `楼院议事会培育 ${TAG}` });
    await item.waitFor();
    await item.getByLabel('批准金额（元）').fill('40000');
    await checkedShot(page, '08-applications');
    const decision = page.waitForRequest((r) => r.url().endsWith(`/v1/applications/${app.id}/decision`));
    await item.getByRole('button', { name: '批准' }).click();
    assert.match((await decision).headers()['idempotency-key'] ?? '', /^[0-9a-f]{32}$/, 'the decision carries an Idempotency-Key');
    await expectNotice(page, '已批准');
    assert.match(dialogs.at(-1) ?? '', /不能撤回/, 'approving a grant asks first');
    const decided = await must('GET', `/v1/applications/${app.id}`, { token: s.org });
    assert.equal(decided.status, 'approved');
    assert.equal(decided.grantedFen, 4000000);
  });

  test('the charity drafts a competition and opens it (the pool is reserved)', async () => {
    const page = s.charityPage;
    await page.getByRole('link', { name: '公益创投大赛' }).click();
    await page.getByRole('link', { name: '新建大赛' }).click();
    await page.getByLabel('资金', { exact: true }).selectOption(s.fundId);
    await page.getByLabel('大赛名称').fill(`邻里守望公益创投 ${TAG}`);
    await page.getByLabel('每个项目的评审人数').fill('2');
    await page.getByLabel('社区治理', { exact: true }).check();
    await page.getByLabel('中原区', { exact: true }).check();
    await shot(page, '09-competition-form');
    await page.getByRole('button', { name: '创建草稿' }).click();
    await shows(page, page.getByRole('heading', { name: new RegExp(`邻里守望公益创投 ${TAG}`) }));
    s.competitionId = page.url().split('/').pop();
    await page.getByRole('button', { name: /进入下一阶段/ }).click();
    await shows(page, page.locator('.stepper li.current', { hasText: '报名' }));
    const c = await must('GET', `/v1/competitions/${s.competitionId}`);
    assert.equal(c.phase, 'open');
    assert.equal(c.reservedFen, 11000000); // 1 × 50,000 + 2 × 30,000 yuan
  });

  test('organisations enter through the API; the charity invites reviewers and starts the review', async () => {
    s.entries = [];
    for (const [i, title] of ['社区食堂助老', '儿童课后托管', '楼道微更新'].entries()) {
      const fen = [4000000, 5000000, 2500000][i];
      const a = await must('POST', '/v1/applications', { token: s.org, body: {
        organisationId: ORG, competitionId: s.competitionId, title: `${title} ${TAG}`, summary: `${title}项目（端到端测试）`, domains: ['community_governance'],
        regions: ['410102'], requestedFen: fen, targetGroup: 'community_residents', beneficiaries: 100 + i, supervisorId: 'demo-sw-0001',
        budget: { salaryFen: fen * 0.4, supervisionTrainingFen: fen * 0.1, serviceActivitiesFen: fen * 0.4, projectManagementFen: fen * 0.1 },
        milestones: [{ name: '完成', due: beijingDate(90), tranchePercent: 100 }],
      } });
      await must('POST', `/v1/applications/${a.id}/submission`, { token: s.org });
      s.entries.push(a.id);
    }
    const page = s.charityPage;
    await page.reload();
    await page.getByRole('tab', { name: '评审专家' }).click();
    s.reviewers = [];
    for (let i = 0; i < 3; i++) {
      const phone = randomPhone('137');
      // Reviewers register themselves (their own phone and password); the organiser only invites.
      await must('POST', '/v1/auth/register', { body: { phone, password: 'reviewer-pass-1', name: `专家${i + 1}` } });
      await page.getByLabel('手机号').fill(phone);
      await page.getByLabel('称呼（可选）').fill(`评审${i + 1}-${TAG}`);
      await page.getByRole('button', { name: '邀请', exact: true }).click();
      await expectNotice(page, '评审专家已邀请');
      await page.locator('tr', { hasText: `评审${i + 1}-${TAG}` }).waitFor();
      s.reviewers.push(phone);
    }
    await page.getByRole('button', { name: /进入下一阶段/ }).click();
    await shows(page, page.locator('.stepper li.current', { hasText: '评审' }));
    await page.getByRole('tab', { name: '评审专家' }).click();
    await checkedShot(page, '10-reviewers');
  });

  test('a reviewer declares a conflict in the console; the organiser re-runs the assignment', async () => {
    const page = await session('reviewer-3');
    await login(page, s.reviewers[2], 'reviewer-pass-1');
    await page.getByRole('link', { name: new RegExp(`邻里守望公益创投 ${TAG}`) }).click();
    const first = page.locator('tbody tr').first();
    await first.waitFor();
    const title = (await first.locator('td').first().innerText()).trim();
    await page.getByLabel('类型').selectOption('family');
    assert.doesNotMatch(await page.getByLabel('涉及的项目或机构').innerText(), /demo-org-\d+/, 'organisations by name, not id');
    assert.doesNotMatch(await page.locator('tbody').innerText(), /demo-org-\d+/, 'the entries name their organisations');
    await page.getByLabel('涉及的项目或机构').selectOption({ label: `项目：${title}` });
    await page.getByLabel('说明').fill('申报人为本人亲属');
    await checkedShot(page, '11-conflict');
    await page.getByRole('button', { name: '声明', exact: true }).click();
    await expectNotice(page, '已声明利益冲突');
    await page.context().close();

    const charity = s.charityPage;
    await charity.getByRole('button', { name: '重新分配未评分项目' }).click();
    await expectNotice(charity, '重新分配');
  });

  test('reviewers score their assigned entries in the console, with the running total', async () => {
    const sheets = {}; // entry title → sheets given so far
    for (const [r, phone] of s.reviewers.entries()) {
      const page = await session(`reviewer-${r + 1}`);
      await login(page, phone, 'reviewer-pass-1');
      await page.getByRole('link', { name: '我的评审' }).click();
      await page.getByRole('link', { name: new RegExp(`邻里守望公益创投 ${TAG}`) }).click();
      await page.locator('h1', { hasText: TAG }).waitFor();
      await page.locator('table, .empty').first().waitFor();
      const links = page.locator('tbody tr', { hasText: '待评分' }).getByRole('link');
      const titles = await links.allInnerTexts();
      for (const [k, title] of titles.entries()) {
        await page.getByRole('link', { name: title }).click();
        // the default rubric: weight = maximum, so the weighted total is the sum of the points
        const points = { 需求精准度: 16, 专业性与社工参与: 15, 可行性: 14, 预算合理性: 12, 可持续性: 11, 创新性: 7 };
        const bias = r === 1 ? -4 : 0; // the second reviewer is harsher: normalisation removes it
        // The second sheet of 社区食堂 disagrees wildly with the first: the report flags it.
        const split = title.includes('食堂') && (sheets[title] = (sheets[title] ?? 0) + 1) === 2;
        let total = 0;
        for (const [name, p] of Object.entries(points)) {
          const v = split ? 2 : Math.max(0, p + bias + (title.includes('食堂') ? 3 : title.includes('楼道') ? -3 : 0));
          await page.getByLabel(name).fill(String(v));
          total += v;
        }
        assert.equal(await page.getByTestId('running-total').innerText(), String(total), 'the running total');
        if (r === 0 && k === 0) {
          // what is scored is on the page: the budget's lines, the team, the milestones
          for (const text of ['服务活动经费', '项目团队', '里程碑与拨付']) await page.getByText(text, { exact: true }).first().waitFor();
          await checkedShot(page, '12-scoring');
        }
        await page.getByRole('button', { name: '提交评分' }).click();
        await expectNotice(page, '评分已提交');
        await page.getByText('其他评审的评分（匿名）').waitFor();
        await page.getByRole('link', { name: '项目', exact: true }).click();
        await page.locator('h1', { hasText: TAG }).waitFor();
      }
      await page.context().close();
    }
  });

  test('the charity sees raw and normalised scores with flags, and awards', async () => {
    const page = s.charityPage;
    await page.reload();
    await page.getByRole('button', { name: /进入下一阶段/ }).click(); // finalists: the ranking is frozen
    await shows(page, page.locator('.stepper li.current', { hasText: '入围' }));
    await page.getByRole('tab', { name: '评分与排名' }).click();
    await page.getByText('排名已冻结').waitFor();
    await page.locator('.badge', { hasText: '原始分分歧' }).first().waitFor(); // 社区食堂's two sheets differ by more than 30 points
    await checkedShot(page, '13-scores-normalised');
    await page.getByLabel('原始分').check();
    await page.getByRole('columnheader', { name: '原始均分' }).waitFor();
    await checkedShot(page, '14-scores-raw');
    await page.getByRole('button', { name: /进入下一阶段/ }).click(); // awarded: grants from the reserve
    await shows(page, page.locator('.stepper li.current', { hasText: '颁奖' }));
    await page.getByRole('tab', { name: '颁奖' }).click();
    await page.getByText('一等奖').first().waitFor();
    await checkedShot(page, '15-awards');
    const report = await must('GET', `/v1/competitions/${s.competitionId}/report`, { token: await token(LOGINS.charity) });
    const awarded = report.entries.filter((e) => e.award);
    assert.equal(awarded.length, 3);
    assert.ok(awarded.every((e) => e.grantedFen <= e.requestedFen), 'no award above the request');
    s.awardedFen = report.awardedFen;

    await page.getByRole('link', { name: '资金与申请' }).click();
    await page.getByRole('link', { name: `社区公益创投基金 ${TAG}` }).click();
    await page.getByRole('tab', { name: '账本' }).click();
    await page.getByRole('cell', { name: '预留', exact: true }).waitFor();
    await checkedShot(page, '16-ledger');
    await page.getByRole('tab', { name: '资金报告' }).click();
    await page.getByText('账本一致').waitFor();
    await page.context().close();
  });

  test('an organisation admin manages its organisation and members', async () => {
    const page = await session('org');
    await login(page, LOGINS.org);
    await page.getByRole('link', { name: '本机构' }).click();
    await page.getByRole('heading', { name: '成员' }).waitFor();
    await page.getByLabel('手机号（本人接受邀请后加入）').fill(s.volunteerPhone);
    await page.getByLabel('角色').selectOption('social_worker');
    await page.getByRole('button', { name: '邀请成员' }).click();
    await expectNotice(page, '邀请已发送');
    // Nothing changes until the person accepts the offer.
    assert.equal(await page.locator('tr', { hasText: s.volunteerName }).count(), 0);
    const offers = await must('GET', '/v1/me/role-offers', { token: s.volunteer });
    const offer = offers.items.find((o) => o.status === 'pending' && o.role === 'social_worker');
    assert.ok(offer, 'the volunteer sees the offer');
    await must('POST', `/v1/me/role-offers/${offer.id}/accept`, { token: s.volunteer });
    await page.reload();
    await page.locator('tr', { hasText: s.volunteerName }).waitFor();
    await shot(page, '17-organisation');
    await page.context().close();
  });

  test('civil affairs sees the new figures on the dashboard, the map, the charts and the CSV', async (t) => {
    const page = s.cityPage = await session('city');
    await login(page, LOGINS.city);
    await page.getByRole('heading', { name: /民政驾驶舱/ }).waitFor();
    const d = await must('GET', '/v1/dashboard?division=4101', { token: await token(LOGINS.city) });
    const zy = d.rows.find((r) => r.code === '410102');
    const row = page.locator('tr', { hasText: '中原区' }).first();
    assert.match(await row.innerText(), new RegExp(String(zy.figures.grants)));
    // The dashboard is a daily snapshot, taken at the first read of the day. On the
    // fresh server of scripts/e2e.sh that read is this one, after the story above.
    if (Date.parse(d.snapshotTakenAt) < STARTED) {
      t.diagnostic(`the snapshot (${d.snapshotTakenAt}) predates this run (a reused server): its figures are not checked`);
    } else {
      assert.ok(zy.figures.verifiedHours >= 2, `中原区 verified hours ${zy.figures.verifiedHours}`);
      assert.ok(zy.figures.grants >= 4, `中原区 grants ${zy.figures.grants}`); // the approval and three awards
      assert.ok(zy.figures.grantsFen >= 4000000 + s.awardedFen);
      assert.ok(d.series.some((x) => x.domain === 'community_governance' && x.verifiedHours >= 2), 'the hours reach the series');
      const kpi = (await page.locator('.kpi', { hasText: '已核实志愿服务时长' }).innerText()).replace(/,/g, '');
      assert.ok(kpi.includes(String(d.total.figures.verifiedHours)), `the hours shown: ${kpi}`);
    }
    await page.getByRole('img', { name: '各区县社工站覆盖率地图' }).waitFor();
    await page.getByRole('progressbar', { name: '持证社会工作者' }).waitFor();
    await shot(page, '18-dashboard');
    await page.getByLabel('需求数').check();
    await page.getByRole('img', { name: '各区县已发布需求数地图' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const raw = await readFile(await (await download).path());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the downloaded CSV keeps its BOM (Excel reads it as UTF-8)');
    const csv = raw.toString('utf8');
    assert.match(csv, /中原区/);
  });

  test('civil affairs handles a complaint and changes an organisation status', async () => {
    const page = s.cityPage;
    await must('POST', '/v1/organisations/demo-org-0150/complaints', { token: s.volunteer, body: { category: 'service_quality', content: `服务不到位（${TAG}）` } });
    await page.getByRole('link', { name: '投诉处理' }).click();
    const item = page.locator('li.app', { hasText: TAG });
    await item.waitFor();
    await item.getByLabel('处理意见').fill('已约谈机构负责人');
    await item.getByRole('button', { name: '调查中' }).click();
    await expectNotice(page, '已处理');
    await item.locator('ol.history').getByText('已约谈机构负责人').waitFor(); // the handling note shows in the complaint's history
    await shot(page, '19-complaints');
    const org = await must('GET', '/v1/organisations/demo-org-0150');
    await page.getByRole('link', { name: '机构管理' }).click();
    await page.getByLabel('名称').fill(org.name);
    await page.getByRole('button', { name: org.name }).click();
    const to = org.status === 'active' ? 'warned' : 'active';
    await page.getByLabel('变更为').selectOption(to);
    await page.getByLabel('说明').fill(`端到端测试 ${TAG}`);
    await page.getByRole('button', { name: '变更状态' }).click();
    await expectNotice(page, '机构状态已变更');
    await page.getByText(`端到端测试 ${TAG}`).waitFor();
    await shot(page, '20-organisation-status');
    assert.equal((await must('GET', '/v1/organisations/demo-org-0150')).status, to);
  });

  test('the interface switches to English, and the dashboard works on a tablet', async () => {
    const page = s.cityPage;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: /Civil-affairs dashboard/ }).waitFor();
    await page.getByRole('heading', { name: 'Progress against the 2025 targets' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await shot(page, '21-dashboard-en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();

    const tablet = await session('tablet', { width: 820, height: 1180 });
    await login(tablet, LOGINS.city);
    await tablet.getByRole('heading', { name: /民政驾驶舱/ }).waitFor();
    const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px on a tablet`);
    await shot(tablet, '22-dashboard-tablet');
    await tablet.context().close();
  });

  test('no script error and no CSP violation happened in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
