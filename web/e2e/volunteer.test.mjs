// The volunteers' mobile app (/m/) at 390×844, in Debian's Chromium: a new
// volunteer registers with the SMS code (read from the log adapter's line in
// the server's log, WUSHE_SERVER_LOG), fills the real-name profile, taps a
// week of availability, sets the home point from the map and the phone's
// position, finds a need nearby, accepts the committee's invitation with its
// countdown, checks in by a QR image of the committee's rotating code (and by
// typing it), is refused check-out before the start in the API's words, shows
// a signed service record whose QR code opens the public verification page,
// reads notifications, exports and erases their data. The demo volunteer logs
// in with a password, disputes a decided record and reads the pathway.
// Every screen: no sideways scrolling and no serious or critical axe-core
// violation. Last, the app's first load under slow 3G and a 4× slower CPU.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  BASE, COMMUNITY, DEMO_PASSWORD, DEMO_VOLUNTEER, LOGINS, PAST_NEED, PHONE_VIEW, TAG, api, appNotice, axeChecks, closeBrowser, idNumber, launch, must,
  pageErrors, phoneCheck, randomPhone, session, smsCode, token,
} from './harness.mjs';

const s = {};

/** wgsToGcj is the app's conversion (src/m/screens.tsx), written again here on purpose: the test's own oracle for the GPS point the app converts (the page's module is not importable in node); gcjToWgs inverts it for the fake GPS. */
function wgsToGcj(p) {
  const a = 6378245.0, ee = 0.00669342162296594323;
  const x = p.lng - 105, y = p.lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLng += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLng += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLng += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (p.lat / 180) * Math.PI;
  let magic = Math.sin(rad);
  magic = 1 - ee * magic * magic;
  const sq = Math.sqrt(magic);
  return { lat: p.lat + (dLat * 180) / (((a * (1 - ee)) / (magic * sq)) * Math.PI), lng: p.lng + (dLng * 180) / ((a / sq) * Math.cos(rad) * Math.PI) };
}
const gcjToWgs = (g) => { const d = wgsToGcj(g); return { latitude: 2 * g.lat - d.lat, longitude: 2 * g.lng - d.lng }; };

/** check: no sideways scroll and axe-core on every screen (harness.mjs). */
const check = phoneCheck;

async function open(page, path, name) {
  await page.goto(`${BASE}/m${path}`);
  if (name) await check(page, name);
}

const notice = appNotice;

/** beijing is the Beijing wall-clock parts of a time. */
function beijing(ms) {
  const d = new Date(ms + 8 * 3600e3);
  return { day: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][d.getUTCDay()], h: d.getUTCHours(), m: d.getUTCMinutes() };
}

describe("the volunteers' app at 390×844", () => {
  before(async () => {
    await launch();
    s.committee = await token(LOGINS.committee);
    const needs = await must('GET', `/v1/needs?community=${COMMUNITY}&limit=1`, { token: s.committee });
    s.place = needs.items[0].location;
    const vocab = await must('GET', '/v1/meta/vocabularies');
    s.terms = Object.fromEntries(vocab.vocabularies.map((v) => [v.name, Object.fromEntries(v.terms.map((t) => [t.code, t.zh]))]));
    s.phone = randomPhone('137');
    s.name = `移动${TAG}`;
    s.password = 'mobile-pass-1';
    s.page = await session('volunteer-app', PHONE_VIEW);
    await s.page.context().grantPermissions(['geolocation'], { origin: BASE });
    await s.page.context().setGeolocation(gcjToWgs(s.place));
  });

  after(async () => {
    await closeBrowser();
  });

  test('register with an SMS code', async () => {
    const page = s.page;
    await open(page, '/', 'login');
    await page.getByRole('link', { name: '用短信验证码注册' }).click();
    await check(page, 'register');
    await page.getByLabel('手机号').fill(s.phone);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await notice(page, '验证码已发送');
    await page.getByRole('button', { name: /秒后可重发/ }).waitFor();
    await page.getByLabel('短信验证码').fill(await smsCode(s.phone));
    await page.getByLabel('姓名').fill(s.name);
    await page.getByLabel(/设置密码/).fill(s.password);
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await notice(page, '注册成功');
    assert.match(page.url(), /\/m\/profile$/);
    s.token = await token(s.phone, s.password);
    s.id = (await must('GET', '/v1/me', { token: s.token })).id;
  });

  test('the real-name profile: ID number pending verification, community, skills, domains, languages', async () => {
    const page = s.page;
    await check(page, 'profile-new');
    await page.getByLabel('真实姓名').fill(s.name);
    await page.getByLabel(/身份证号/).fill(idNumber());
    await page.getByLabel('区县').selectOption(COMMUNITY.slice(0, 6));
    await page.getByLabel('街道 / 乡镇').selectOption(COMMUNITY.slice(0, 9));
    await page.getByLabel('社区 / 村').selectOption(COMMUNITY);
    await page.getByLabel(s.terms.skills.first_aid).check();
    await page.getByRole('group', { name: '关注领域' }).getByLabel(s.terms.domains.community_governance).check();
    await page.getByRole('group', { name: '语言' }).getByLabel(s.terms.languages.mandarin).check();
    await page.getByRole('button', { name: '保存' }).click();
    await notice(page, '档案已保存');
    await page.locator('.badge', { hasText: '待核验' }).waitFor();
    await check(page, 'profile-pending');
    const v = await must('GET', '/v1/me/volunteer-profile', { token: s.token });
    assert.equal(v.communityCode, COMMUNITY);
    assert.equal(v.realNameVerified, false);
    assert.deepEqual(v.skills.map((x) => x.code), ['first_aid']);
  });

  test('two needs the committee posts: one in three hours (to invite), one within the hour (to check in)', async () => {
    const post = async (title, start) => must('POST', '/v1/needs', { token: s.committee, body: {
      communityCode: COMMUNITY, title, domain: 'community_governance', targetGroup: 'community_residents',
      tasks: ['community_activities'], beneficiaries: 5, description: '社区活动协助', location: s.place, headcount: 1,
      window: { start: new Date(start).toISOString(), end: new Date(start + 3600e3).toISOString() },
    } });
    // the next half hour (at least a minute away), for an hour: check-in opens 30 minutes before the start;
    // invitations close 2 hours before it
    let soon = Math.ceil(Date.now() / 1800e3) * 1800e3;
    if (soon - Date.now() < 60e3) soon += 1800e3;
    const later = soon + 3 * 3600e3;
    s.windows = [[soon, soon + 3600e3], [later, later + 3600e3]];
    s.need = await post(`手机签到测试${TAG}`, soon);
    s.occ = s.need.occurrences[0].id;
    s.invNeed = await post(`手机邀请测试${TAG}`, later);
  });

  test('the weekly availability grid, tap to toggle', async () => {
    const page = s.page;
    await open(page, '/availability', 'availability');
    const cells = new Set();
    for (const [a, b] of s.windows) for (let t = a; t < b; t += 1800e3) { const w = beijing(t); cells.add(`${w.day}${Math.floor(w.h / 3) * 3}`); }
    for (const c of cells) {
      const cell = page.locator(`[data-slot="${c}"]`);
      await cell.click();
      assert.equal(await cell.getAttribute('aria-pressed'), 'true');
    }
    // a tap toggles back
    const other = page.locator('[data-slot="sun0"]');
    if (!cells.has('sun0')) { await other.click(); await other.click(); assert.equal(await other.getAttribute('aria-pressed'), 'false'); }
    await page.getByRole('button', { name: '保存' }).click();
    await notice(page, '可服务时间已保存');
    const v = await must('GET', '/v1/me/volunteer-profile', { token: s.token });
    assert.ok(Object.keys(v.availability).length >= 1, JSON.stringify(v.availability));
  });

  test('the home point: a tap on the district map, then the phone\'s position (GCJ-02)', async () => {
    const page = s.page;
    await open(page, '/home-point', 'home-point');
    const before = await page.locator('.coords').innerText();
    const box = await page.locator('svg.map').boundingBox();
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await page.waitForFunction((b) => document.querySelector('.coords').textContent !== b, before);
    await page.getByRole('button', { name: '使用手机位置' }).click();
    await notice(page, 'GCJ-02');
    const txt = await page.locator('.coords').innerText();
    const [lat, lng] = txt.replace(/^[^\d]*/, '').split(',').map(Number);
    assert.ok(Math.abs(lat - s.place.lat) < 2e-4 && Math.abs(lng - s.place.lng) < 2e-4, `phone position ${txt} vs ${JSON.stringify(s.place)}`);
    await page.getByLabel('愿意前往的最远距离').selectOption('5');
    await page.getByRole('button', { name: '保存' }).click();
    await notice(page, '常驻地点已保存');
    // The committee verifies the real name (the volunteer's community).
    await must('POST', `/v1/volunteers/${s.id}/verification`, { token: s.committee, body: { verified: true } });
  });

  test('needs near me: the list with its distance band, filters', async () => {
    const page = s.page;
    await open(page, '/needs', 'needs');
    const card = page.locator('li.need', { hasText: s.need.title });
    await card.waitFor();
    assert.match(await card.innerText(), /1 公里内/);
    await page.getByLabel('领域').selectOption('social_welfare');
    await card.waitFor({ state: 'detached' });
    await page.getByLabel('领域').selectOption('community_governance');
    await card.waitFor();
    await page.getByLabel('范围').selectOption('3');
    await card.waitFor();
  });

  test('an invitation with its countdown, accepted', async () => {
    const page = s.page;
    // The matching index takes up the new profile shortly after it changes.
    let r;
    for (let i = 0; i < 60; i++) {
      r = await api('POST', `/v1/needs/${s.invNeed.id}/invitations`, { token: s.committee, body: { occurrenceId: s.invNeed.occurrences[0].id, volunteerIds: [s.id] } });
      if (r.status !== 404) break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    assert.ok(r.status < 300 && JSON.stringify(r.body).includes(s.id), JSON.stringify(r));
    // the shift within the hour: the committee places the volunteer directly (too late to invite)
    await must('POST', `/v1/needs/${s.need.id}/plan/volunteers`, { token: s.committee, body: { volunteerId: s.id } });
    await open(page, '/invitations', 'invitations');
    const card = page.locator('li.inv', { hasText: s.invNeed.title });
    const clock = card.locator('.countdown time');
    const first = await clock.innerText();
    await page.waitForFunction((f) => document.querySelector('.countdown time')?.textContent !== f, first, { timeout: 5000 });
    await card.getByRole('button', { name: '接受' }).click();
    await notice(page, '已接受邀请');
    await card.locator('.badge', { hasText: '已接受' }).waitFor();
  });

  test('my shifts', async () => {
    const page = s.page;
    // check-in opens 30 minutes before the start: at most a minute or so away
    const opens = s.windows[0][0] - 30 * 60e3 + 2000;
    if (Date.now() < opens) await new Promise((ok) => setTimeout(ok, opens - Date.now()));
    await open(page, '/shifts', 'shifts');
    await page.locator('li', { hasText: s.invNeed.title }).getByText('开始前 30 分钟可签到').waitFor();
    const card = page.locator('li', { hasText: s.need.title });
    await card.getByRole('link', { name: '签到 / 签退' }).click();
    await page.getByRole('heading', { name: '扫码签到' }).waitFor();
  });

  test('check-in: the rotating QR code fed to the page as an image, then typed; check-out before the start refused', async () => {
    const page = s.page;
    await check(page, 'checkin');
    const { code } = await must('GET', `/v1/attendance/code?occurrenceId=${encodeURIComponent(s.occ)}`, { token: s.committee });
    const png = await QRCode.toBuffer(code, { type: 'png', width: 360, margin: 4 });
    await page.locator('#qr-file').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: png });
    await notice(page, '已识别签到码');
    assert.equal(await page.getByLabel(/签到码/).inputValue(), code);
    await page.getByRole('button', { name: '签到', exact: true }).click();
    await notice(page, '已签到');
    // the typed fallback (checking in again changes nothing)
    await page.reload();
    await page.getByLabel(/签到码/).fill(code);
    await page.getByRole('button', { name: '签到', exact: true }).click();
    await notice(page, '已签到');
    // Check-out records hours only once the shift has started (and for a minimum stay): the API's words are shown.
    await page.getByRole('button', { name: '签退' }).click();
    await notice(page, /./, 'error');
    const exp = await must('GET', '/v1/me/export', { token: s.token });
    assert.ok(exp.attendance.some((a) => a.occurrenceId === s.occ), 'the check-in is recorded');
  });

  test('the signed service record with its QR code, which opens the public verification page', async () => {
    const page = s.page;
    await open(page, '/record');
    const img = page.getByRole('img', { name: '服务记录证明的核验二维码' });
    await img.waitFor();
    await check(page, 'record');
    const src = await img.getAttribute('src');
    const png = PNG.sync.read(Buffer.from(src.split(',')[1], 'base64'));
    const link = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
    assert.ok(link?.startsWith(`${BASE}/m/verify#`), `QR code reads ${link}`);
    assert.equal(link, await page.getByRole('link', { name: '打开核验页' }).getAttribute('href'));
    const anon = await session('verifier', PHONE_VIEW);
    await anon.goto(link);
    await anon.getByText('签名有效').waitFor();
    assert.match(await anon.locator('.facts').innerText(), new RegExp(s.name));
    await check(anon, 'verify');
    // a tampered link is not valid
    const [head, body] = link.split('#');
    const st = JSON.parse(Buffer.from(body, 'base64url').toString());
    st.statement.totals.hours += 100;
    await anon.goto(`${head}#${Buffer.from(JSON.stringify(st)).toString('base64url')}`);
    await anon.reload();
    await anon.locator('.verdict.bad, .notice.error').waitFor();
    await anon.context().close();
  });

  test('notifications: the invitation arrived; marked read', async () => {
    const page = s.page;
    await open(page, '/notifications', 'notifications');
    const unread = page.locator('li.unread').first();
    await unread.waitFor();
    const before = await page.locator('li.unread').count();
    await unread.getByRole('button', { name: '标为已读' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('li.unread').length < n, before);
  });

  test('the English switch', async () => {
    const page = s.page;
    await open(page, '/');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Needs near me' }).waitFor();
    await check(page, 'home-en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('link', { name: '附近需求' }).waitFor();
    await check(page, 'home');
  });

  test('my data: export, then erasure', async () => {
    const page = s.page;
    await open(page, '/data', 'data');
    const dl = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载' }).click();
    const file = await dl;
    const data = JSON.parse(readFileSync(await file.path(), 'utf8'));
    assert.equal(data.account.phone, s.phone);
    await page.getByLabel('输入密码确认').fill(s.password);
    const erase = page.getByRole('button', { name: '注销并删除' });
    assert.ok(await erase.isDisabled(), 'erasure needs the confirmation box');
    await page.getByLabel('我明白此操作不可撤销').check();
    await erase.click();
    await page.getByRole('heading', { name: '志愿者登录' }).waitFor();
    const again = await api('POST', '/v1/auth/login', { body: { phone: s.phone, password: s.password } });
    assert.equal(again.status, 401, JSON.stringify(again.body));
  });

  test('the demo volunteer logs in with a password, disputes a decided record and reads the pathway', async () => {
    // A decided record: the committee marks the demo shift of yesterday and verifies it (unless done already).
    const vt = await token(LOGINS.volunteer);
    let hours = await must('GET', '/v1/me/hours?limit=100', { token: vt });
    if (!hours.items.some((h) => h.status !== 'pending')) {
      const need = await must('GET', `/v1/needs/${PAST_NEED}`, { token: s.committee });
      const o = need.occurrences[0];
      await api('POST', '/v1/attendance/marks', { token: s.committee, body: { occurrenceId: o.id, marks: [{ volunteerId: DEMO_VOLUNTEER, checkin: o.start, checkout: o.end }] } });
      const pending = await must('GET', `/v1/hours/pending?limit=100`, { token: s.committee });
      const ids = pending.items.filter((h) => h.volunteerId === DEMO_VOLUNTEER).map((h) => h.id);
      if (ids.length) await must('POST', '/v1/hours/verification', { token: s.committee, body: { ids, approve: true } });
      hours = await must('GET', '/v1/me/hours?limit=100', { token: vt });
    }
    assert.ok(hours.items.some((h) => h.status !== 'pending'), 'the demo volunteer has a decided record');

    const page = await session('demo-volunteer-app', PHONE_VIEW);
    await page.goto(`${BASE}/m/hours`);
    await page.getByLabel('手机号').fill(LOGINS.volunteer);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '服务时长' }).waitFor(); // the deep link survives the login
    await check(page, 'hours');
    await page.getByRole('button', { name: '提出异议' }).first().click();
    await page.getByLabel('异议理由').fill('签退时间应为 11:00，实际服务满两小时');
    await page.getByRole('button', { name: '提交异议' }).click();
    await notice(page, '异议已提交');
    await open(page, '/pathway');
    await page.getByRole('heading', { name: /报考资格/ }).first().waitFor();
    await check(page, 'pathway');
    await open(page, '/', 'home-demo');
    await page.context().close();
  });

  test('no script error or CSP violation on any screen', () => {
    assert.deepEqual(pageErrors, []);
    console.log(`axe-core: ${axeChecks.count} screen checks, no serious or critical violation`);
  });

  test('first load under slow 3G and a 4× slower CPU', async () => {
    const page = await session('throttled', PHONE_VIEW);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // Chrome DevTools' "Slow 3G": 400 ms round trip, 400 kbit/s each way.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 400 * 1024 / 8, uploadThroughput: 400 * 1024 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const t0 = Date.now();
    await page.goto(`${BASE}/m/`, { waitUntil: 'commit' });
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    const ready = Date.now() - t0;
    const m = await page.evaluate(() => {
      const res = performance.getEntriesByType('resource');
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      const bytes = res.reduce((a, r) => a + r.transferSize, nav.transferSize);
      const scripts = res.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js')).reduce((a, r) => a + r.transferSize, 0);
      return { fcp: Math.round(fcp ?? 0), bytes, scripts, files: res.length + 1 };
    });
    console.log(`first load of /m/ (slow 3G 400 ms RTT 400 kbit/s, CPU 4×): login form usable after ${(ready / 1000).toFixed(1)} s, ` +
      `first contentful paint ${(m.fcp / 1000).toFixed(1)} s; ${m.files} files, ${(m.bytes / 1024).toFixed(1)} KiB transferred (${(m.scripts / 1024).toFixed(1)} KiB of script, gzip)`);
    assert.ok(ready < 15000, `first load took ${ready} ms`);
    await page.context().close();
  });
});
