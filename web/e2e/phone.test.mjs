// Issue 19, items 2 and 5: the committee runs shift day from a phone
// (390×844) — the roster by name, the rotating check-in QR code full-screen,
// attendance marks with check-out in view, hours verified and rejected — and
// civil affairs reads a map a clerk can use (names that do not collide, a
// scale bar, classes with a legend, keyboard focus and a text alternative,
// townships listed, community centres plotted). Every phone screen: no
// sideways scrolling, touch targets of at least 44 px, no serious or critical
// axe-core violation. Runs after console.test.mjs (the demo city it leaves:
// 贾秀琪's hours of demo-need-past-1 are already marked and verified).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  BASE, COMMUNITY, LOGINS, PAST_NEED, TAG, beijingDate, closeBrowser, expectNotice, idNumber, launch, login, must, pageErrors, randomPhone, session, shot, token,
  axeSerious,
} from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const s = {};

/** check runs every phone screen's checks: nothing wider than the phone, 44 px touch targets, axe-core. */
async function check(page, name) {
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
  assert.ok(sw <= iw, `${name}: scrolls sideways (${sw} > ${iw})`);
  const small = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main button, main a.button, main input, main select, main textarea, main [role="tab"], nav a')) {
      let r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      // a checkbox's target is the box and its label together
      const l = (el.type === 'checkbox' || el.type === 'radio') && el.labels?.[0]?.getBoundingClientRect();
      if (l) r = { width: Math.max(r.right, l.right) - Math.min(r.left, l.left), height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top) };
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.name || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
  assert.deepEqual(small, [], `${name}: touch targets under 44 px`);
  assert.deepEqual(await axeSerious(page), [], `${name}: axe violations`);
  await shot(page, `phone-${name}`);
}

/** inView reports whether the element lies wholly inside the viewport (after scrolling it in vertically). */
async function inView(locator) {
  await locator.scrollIntoViewIfNeeded();
  return locator.evaluate((el) => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight; });
}

/** overlapping counts the map's names (text.map-label in svg) and answers the pairs whose boxes on the page overlap. */
function overlapping(page, svg) {
  return page.evaluate((sel) => {
    const boxes = [...document.querySelectorAll(`${sel} text.map-label`)].map((t) => [t.textContent, t.getBoundingClientRect()]);
    const out = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom) out.push(`${a} × ${b}`);
    }
    return { count: boxes.length, out };
  }, svg);
}

describe('the committee\'s shift day on a phone, and maps a clerk can use', () => {
  before(async () => {
    await launch();
    s.committee = await token(LOGINS.committee);
    s.plan = await must('GET', `/v1/needs/${PAST_NEED}/plan`, { token: s.committee });
    s.occ = s.plan.assignments[0].occurrenceId;
    s.names = s.plan.volunteers.map((v) => v.name);
    // A need of the day after tomorrow whose one place a new volunteer accepted (an invitation, answered through the API).
    const needs = await must('GET', `/v1/needs?community=${COMMUNITY}&limit=1`, { token: s.committee });
    s.place = needs.items[0].location;
    const phone = randomPhone('138');
    s.volunteerName = `手机志愿者${TAG}`;
    const acct = await must('POST', '/v1/auth/register', { body: { phone, password: 'volunteer-pass-1', name: s.volunteerName } });
    const vt = await token(phone, 'volunteer-pass-1');
    await must('PUT', '/v1/me/volunteer-profile', { token: vt, body: {
      realName: s.volunteerName, idNumber: idNumber(), communityCode: COMMUNITY, home: s.place, maxDistanceKm: 5,
      availability: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])), domains: ['community_governance'],
    } });
    await must('POST', `/v1/volunteers/${acct.id}/verification`, { token: s.committee, body: { verified: true } });
    const need = await must('POST', '/v1/needs', { token: s.committee, body: {
      communityCode: COMMUNITY, title: `楼道清扫 ${TAG}`, domain: 'community_governance', targetGroup: 'community_residents', headcount: 1, location: s.place,
      window: { start: `${beijingDate(2)}T14:00:00+08:00`, end: `${beijingDate(2)}T16:00:00+08:00` },
    } });
    s.needId = need.id;
    const inv = await must('POST', `/v1/needs/${need.id}/invitations`, { token: s.committee, body: { volunteerIds: [acct.id], occurrenceId: need.occurrences[0].id } });
    assert.equal(inv.results[0].outcome, 'invited', JSON.stringify(inv.results));
    const mine = (await must('GET', '/v1/me/invitations', { token: vt })).items.find((i) => i.needId === need.id);
    await must('POST', `/v1/invitations/${mine.id}/accept`, { token: vt });
    // the committee's community has its centre set: the dashboard plots it
    await must('PUT', `/v1/communities/${COMMUNITY}/centre`, { token: s.committee, body: { location: s.place } });
  });

  after(async () => {
    await closeBrowser();
  });

  test('the roster names who holds a place, also after a reload', async () => {
    const page = s.page = await session('committee-phone', PHONE);
    await login(page, LOGINS.committee);
    await page.goto(`${BASE}/console/needs/${PAST_NEED}`);
    await page.getByRole('tab', { name: '当班名单' }).click();
    for (const round of [1, 2]) {
      const roster = page.locator('ul.roster');
      await roster.waitFor();
      const text = await roster.innerText();
      for (const n of s.names) assert.ok(text.includes(n), `the roster names ${n}: ${text}`);
      assert.doesNotMatch(text, /demo-v-\d+/, 'no account ids on the roster');
      assert.match(await page.getByTestId('roster-count').innerText(), new RegExp(`${s.names.length}/`));
      if (round === 1) await page.reload(); // the page opens on the roster of a need under way
    }
    await check(page, 'roster');
  });

  test('the rotating check-in QR code fills the phone and holds the current code', async () => {
    const page = s.page;
    await page.getByRole('link', { name: '显示签到码' }).first().click();
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="checkin-code"]')?.textContent ?? ''));
    const qr = page.getByTestId('checkin-qr');
    await page.locator('[data-testid="checkin-qr"] path').waitFor();
    const box = await qr.boundingBox();
    assert.ok(box.width >= PHONE.width * 0.9, `the QR code is ${box.width}px wide on a ${PHONE.width}px phone`);
    assert.ok(await inView(qr), 'the whole QR code is on the screen');
    assert.ok(await inView(page.getByTestId('checkin-code')), 'the digits are on the screen with it');
    const shown = (await page.getByTestId('checkin-code').innerText()).replace(/\s/g, '');
    const png = PNG.sync.read(await qr.screenshot());
    const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
    const api = await must('GET', `/v1/attendance/code?occurrenceId=${encodeURIComponent(s.occ)}`, { token: s.committee });
    assert.equal(shown, api.code, 'the digits are the current code');
    assert.equal(read, api.code, 'the QR code reads as the current code');
    await check(page, 'checkin-qr');
    await page.getByRole('link', { name: /返回/ }).click();
  });

  test('attendance: check-out in view for everyone; two volunteers marked', async () => {
    const page = s.page;
    await page.getByRole('tab', { name: '签到与出勤' }).click();
    const [, second, third] = s.names;
    for (const n of s.names) {
      const out = page.getByLabel(`${n} 签退时间`);
      assert.ok(await inView(out), `${n}'s check-out is on the screen`);
    }
    await check(page, 'attendance');
    await page.getByLabel(second, { exact: true }).check();
    await page.getByLabel(third, { exact: true }).check();
    await page.getByRole('button', { name: '登记出勤' }).click();
    await expectNotice(page, '已登记 2 条出勤');
    await page.getByRole('tab', { name: '当班名单' }).click();
    await page.locator('ul.roster li', { hasText: second }).getByText(/时长待核实 2 小时/).waitFor();
  });

  test('hours: one verified, one rejected with a reason', async () => {
    const page = s.page;
    const [, second, third] = s.names;
    await page.getByRole('link', { name: '服务时长核实' }).click();
    await page.locator('tr', { hasText: second }).waitFor();
    await page.locator('tr', { hasText: third }).waitFor();
    await check(page, 'hours');
    await page.locator('tr', { hasText: second }).getByLabel(second).check();
    await page.getByRole('button', { name: /核实所选（1）/ }).click();
    await expectNotice(page, '已核实 1 条');
    await page.locator('tr', { hasText: third }).getByLabel(third).check();
    await page.getByLabel('驳回原因').fill('当天未到场（端到端测试）');
    await page.getByRole('button', { name: '驳回所选' }).click();
    await expectNotice(page, '已驳回 1 条');
    const left = await must('GET', `/v1/hours/pending?community=${COMMUNITY}&limit=100`, { token: s.committee });
    assert.ok(!left.items?.some((h) => h.occurrenceId === s.occ), 'no hours of the shift wait any more');
  });

  test('an accepted volunteer shows by name on the need\'s screens, also after a reload', async () => {
    const page = s.page;
    await page.goto(`${BASE}/console/needs/${s.needId}`);
    for (const round of [1, 2]) {
      await page.getByRole('tab', { name: '当班名单' }).click();
      await page.locator('ul.roster', { hasText: s.volunteerName }).waitFor();
      await page.getByRole('tab', { name: '匹配与邀请' }).click();
      const row = page.locator('tr', { hasText: '已接受' });
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(s.volunteerName), 'the invitation names its volunteer');
      assert.doesNotMatch(await page.locator('main').innerText(), /[0-9a-f]{8}…|demo-v-\d+/, 'no account ids on the page');
      if (round === 1) await page.reload();
    }
    await check(page, 'invitations');
    await page.getByRole('tab', { name: '联动方案' }).click();
    await page.getByText('督导社工建议').waitFor();
    await page.locator('table.stack tbody tr').first().waitFor();
    await check(page, 'plan');
    await page.context().close();
  });

  test('the dashboard\'s map: names apart, a scale bar, classes with a legend, focus, a text alternative, townships and community points', async () => {
    const page = await session('city-map');
    await login(page, LOGINS.city);
    const map = page.getByRole('img', { name: '各区县社工站覆盖率地图' });
    await map.waitFor();
    const { count, out } = await overlapping(page, '.choropleth svg');
    assert.equal(count, 12, 'every district is named at the city view');
    assert.deepEqual(out, [], 'no two names overlap');
    assert.match(await page.locator('.choropleth .scalebar text').textContent(), /^\d+ km$/, 'a scale bar in km');
    const colours = await page.evaluate(() => ({
      legend: [...document.querySelectorAll('.choropleth .legend .classes i')].map((i) => getComputedStyle(i).backgroundColor),
      fills: [...document.querySelectorAll('.choropleth .districts path')].map((p) => getComputedStyle(p).fill),
    }));
    assert.ok(new Set(colours.legend).size >= 4, `the legend has its classes and no-data: ${colours.legend}`);
    assert.ok(new Set(colours.fills).size >= 3, `the districts are told apart: ${[...new Set(colours.fills)]}`);
    for (const f of colours.fills) assert.ok(colours.legend.includes(f), `the fill ${f} is in the legend`);
    assert.match(await page.locator('.choropleth .legend .classes').innerText(), /50–70%/, 'the legend gives the ranges');
    // focus, and the numbers as text
    assert.equal(await map.getAttribute('tabindex'), '0');
    await map.focus();
    assert.equal(await map.evaluate((el) => document.activeElement === el), true, 'the map takes keyboard focus');
    const described = await page.locator(`#${await map.getAttribute('aria-describedby')}`).textContent();
    for (const d of ['中原区', '二七区', '管城回族区', '金水区', '惠济区']) assert.match(described, new RegExp(`${d}: 覆盖率 [\\d.]+%`));
    await page.keyboard.press('ArrowRight');
    assert.match(await page.locator('.map-info').innerText(), /覆盖率 [\d.]+%/, 'the arrow keys read a district');
    await shot(page, 'map-city');
    // a district selected from the keyboard: zoomed in, names still apart, its townships listed by name, its communities with a centre plotted
    for (let i = 0; i < 12 && !(await page.locator('.map-info').innerText()).startsWith('中原区'); i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /中原区 · 乡镇（街道）社工站/ }).waitFor();
    const named = (await must('GET', '/v1/divisions?parent=410102&limit=100')).items;
    const towns = page.locator('.town-list li');
    await towns.filter({ hasText: named[0].name }).waitFor();
    assert.equal(await towns.count(), named.length, `中原区's ${named.length} townships`);
    assert.doesNotMatch(await page.locator('.town-list').innerText(), /\d{9}/, 'townships by name, not code');
    await page.locator('.choropleth circle.community title', { hasText: '电缆社区' }).waitFor({ state: 'attached' });
    assert.deepEqual((await overlapping(page, '.choropleth svg')).out, [], 'no two names overlap when zoomed in');
    assert.match(await page.locator('.choropleth .scalebar text').textContent(), /^\d+ km$/);
    await page.getByText('乡镇（街道）的边界数据暂缺').waitFor();
    await shot(page, 'map-district');
    await page.getByLabel('需求数').check();
    await page.getByRole('img', { name: '各区县已发布需求数地图' }).waitFor();
    await page.context().close();
  });

  test('the need-place picker: names apart at the city view, a scale bar, the township\'s community centres', async () => {
    const page = await session('committee-picker');
    await login(page, LOGINS.committee);
    await page.getByRole('link', { name: '发布需求' }).click();
    const map = page.getByRole('application');
    await map.waitFor();
    await page.locator('.picker circle.community').first().waitFor({ state: 'attached' });
    await page.getByRole('button', { name: '全市' }).click();
    const { count, out } = await overlapping(page, '.picker svg');
    assert.ok(count >= 10, `${count} names at the city view`);
    assert.deepEqual(out, [], 'no two names overlap');
    assert.match(await page.locator('.picker .scalebar text').textContent(), /^\d+ km$/);
    await shot(page, 'map-picker');
    await page.context().close();
  });

  test('no script error and no CSP violation happened in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
