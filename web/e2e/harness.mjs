// The harness of the console's end-to-end story (console.test.mjs): the
// demo city's logins, the API called directly (as the mini-program and other
// clients do), and the browser sessions with their error watch.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const BASE = (process.env.WUSHE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
export const DEMO_PASSWORD = 'wushe-demo-2025';
export const LOGINS = { city: '15690000001', county: '15690000002', committee: '15690000003', org: '15690000004', charity: '15690000005', volunteer: '15600000001' };
export const COMMUNITY = '410102007002'; // 电缆社区 (the demo committee's)
// Hours are recorded only for shifts that have started: the demo city has the
// committee's shift of yesterday, 09:00–11:00, where the volunteer login holds a place.
export const PAST_NEED = 'demo-need-past-1';
export const DEMO_VOLUNTEER = 'demo-v-00001';
export const ORG = 'demo-org-0001'; // the demo organisation (a social-work agency in 中原区)
export const STARTED = Date.now();
/** dialogs are the messages of the browser dialogs the console showed, in order. */
export const dialogs = [];
export const TAG = STARTED.toString(36).slice(-5);

mkdirSync(SHOTS, { recursive: true });

// ---- the API, called directly (what the mini-program and other clients do) ----

export async function api(method, path, { body, token, headers = {} } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { status: res.status, body: json };
}

export async function must(method, path, opts) {
  const r = await api(method, path, opts);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function token(phone, password = DEMO_PASSWORD) {
  return (await must('POST', '/v1/auth/login', { body: { phone, password } })).accessToken;
}

export const randomPhone = (prefix) => prefix + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

/** idNumber makes a valid 18-digit resident ID number (check digit per GB 11643). */
export function idNumber() {
  const base = '41010219900101' + String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...base].reduce((a, d, i) => a + Number(d) * w[i], 0);
  return base + '10X98765432'[s % 11];
}

/**
 * smsCode reads a verification code texted to phone out of the server's log
 * (the log SMS adapter, development only): the newest one, or, given the
 * count of codes seen before (smsCount), the first code after those.
 */
export async function smsCode(phone, seen = 0) {
  for (let i = 0; i < 50; i++) {
    const lines = smsLines(phone);
    const m = (seen > 0 ? lines[seen] : lines.at(-1))?.match(/"code":"(\d{6})"|code=(\d{6})/);
    if (m) return m[1] ?? m[2];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no SMS code in the server log');
}

/** smsCount is how many codes were texted to phone so far. */
export const smsCount = (phone) => smsLines(phone).length;

function smsLines(phone) {
  const log = process.env.WUSHE_SERVER_LOG;
  assert.ok(log, 'WUSHE_SERVER_LOG must name the server log (scripts/e2e.sh sets it)');
  const masked = phone.slice(0, 3) + '****' + phone.slice(-4);
  return readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('verification code') && l.includes(masked));
}

export const beijingDate = (days) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

// ---- the browser ----

let browser;

/** launch starts the headless Chromium every session runs in. */
export async function launch() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** closeBrowser ends it. */
export async function closeBrowser() {
  await browser?.close();
}
export const pageErrors = [];

export async function session(name, viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  // A wait ends as soon as its element appears; the bound only decides when a
  // missing one fails the test, so it is generous enough for a busy machine
  // (CI must pass with both cores loaded: the dashboard's first read, which
  // takes the day's snapshot, took over 15 s at a load average of 11).
  page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS) || 60000);
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Uncaught/.test(m.text())) pageErrors.push(`${name}: ${m.text()}`); });
  // Irreversible actions ask first (issue 19): the dialogs are accepted and kept, for the tests to check they were asked.
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
  return page;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axeSerious runs axe-core on the page (injected once) and answers its
 * serious and critical violations, a line each with up to three targets:
 * [] when there are none. Every screen's check asserts it is empty.
 */
export async function axeSerious(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** checkedShot asserts the screen has no serious or critical axe-core violation, then takes its screenshot. */
export async function checkedShot(page, name) {
  assert.deepEqual(await axeSerious(page), [], `${name}: axe violations`);
  await shot(page, name);
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

export async function login(page, phone, password = DEMO_PASSWORD) {
  await page.goto(`${BASE}/console/`);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor();
}

/** shows waits for locator, failing at once with the console's words when it shows an error instead. */
export async function shows(page, locator) {
  const err = page.locator('.notice.error');
  const failed = err.waitFor().then(async () => `the console says: ${await err.innerText()}`, () => null);
  const ok = locator.waitFor().then(() => null);
  const message = await Promise.race([ok, failed.then((m) => m ?? ok)]);
  if (message) throw new Error(message);
}

export async function expectNotice(page, text) {
  await shows(page, page.locator('.notice.ok').filter({ hasText: text }));
}

// ---- the volunteers' app (/m/) on a phone ----

export const PHONE_VIEW = { width: 390, height: 844 };
/** axeChecks counts the app's screens checked so far. */
export const axeChecks = { count: 0 };

/** phoneCheck runs the two checks of every app screen: nothing wider than the phone, and axe-core (injected) with no serious or critical violation. */
export async function phoneCheck(page, name) {
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const { sw, iw } = await page.evaluate(() => ({ sw: document.scrollingElement.scrollWidth, iw: innerWidth }));
  assert.ok(sw <= iw, `${name}: scrolls sideways (${sw} > ${iw})`);
  assert.deepEqual(await axeSerious(page), [], `${name}: axe violations`);
  axeChecks.count++;
  await shot(page, `m-${name}`);
}

/** appNotice waits for the app's notice line; it fails at once with the app's words when it is an error instead. */
export async function appNotice(page, text, kind = 'ok') {
  const n = page.locator(`.notice.${kind}`).filter({ hasText: text });
  const other = page.locator(`.notice.${kind === 'ok' ? 'error' : 'ok'}`);
  const failed = other.waitFor().then(async () => `the app says: ${await other.innerText()}`, () => null);
  const msg = await Promise.race([n.waitFor().then(() => null), failed.then((m) => m ?? n.waitFor().then(() => null))]);
  if (msg) throw new Error(msg);
}
