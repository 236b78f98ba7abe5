// Drives the client against a running server (WUSHE_URL, started by
// scripts/ts-client.sh with the demo city): through fetchTransport, and
// through wxTransport with a fake wx that forwards to fetch, which proves the
// adapter's mapping of method, headers, body, status and failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, fetchTransport, wxTransport, type Transport, type WxLike, type WxRequestOptions } from '../index.js';

const base = process.env.WUSHE_URL ?? 'http://127.0.0.1:8080';

/** fakeWx is wx.request over fetch, keeping wx's shapes: header, statusCode, data as text, fail with errMsg. */
const seen: WxRequestOptions[] = [];
const fakeWx: WxLike = {
  request(o) {
    seen.push(o);
    fetch(o.url, { method: o.method, headers: o.header, body: o.data })
      .then(async (res) => {
        const header: Record<string, string> = {};
        res.headers.forEach((v, k) => (header[k.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())] = v)); // wx keeps the server's spelling
        const data = await res.text();
        o.success({ statusCode: res.status, header, data });
      })
      .catch((e: Error) => o.fail({ errMsg: `request:fail ${e.message}` }));
  },
};

async function walk(name: string, transport: Transport) {
  let token: string | undefined;
  const api = createClient({ baseUrl: base, transport, token: () => token, acceptLanguage: 'en' });

  const login = await api.post('/v1/auth/login', { body: { phone: '15690000003', password: 'wushe-demo-2025' } });
  assert(login.ok, `${name}: login: ${JSON.stringify(login)}`);
  assert.equal(login.status, 200);
  token = login.data.accessToken;
  assert.ok(token.length > 10, `${name}: an access token`);

  const me = await api.get('/v1/me');
  assert(me.ok, `${name}: /v1/me: ${JSON.stringify(me)}`);
  assert.equal(me.data.phone, '15690000003');
  assert.ok(me.data.roles.some((r) => r.role === 'community_admin'), `${name}: the committee's role`);

  const needs = await api.get('/v1/needs', { query: { limit: 5 } });
  assert(needs.ok, `${name}: /v1/needs: ${JSON.stringify(needs)}`);
  assert.ok(needs.data.items.length > 0 && needs.data.items.length <= 5, `${name}: 1 to 5 needs`);
  assert.match(needs.headers['content-type'] ?? '', /json/);

  const one = await api.get('/v1/needs/{id}', { path: { id: needs.data.items[0].id } });
  assert(one.ok, `${name}: one need`);
  assert.equal(one.data.id, needs.data.items[0].id);

  const missing = await api.get('/v1/needs/{id}', { path: { id: 'no-such-need' } });
  assert(!missing.ok, `${name}: a missing need is a problem`);
  assert.equal(missing.status, 404);
  assert.equal(missing.problem.code, 'not-found');
  assert.equal(missing.problem.status, 404);
  assert.ok(missing.problem.title && missing.problem.type, `${name}: title and type`);

  const bad = await api.post('/v1/auth/login', { body: { phone: '15690000003', password: 'wrong-password-1' }, anonymous: true });
  assert(!bad.ok, `${name}: a wrong password is a problem`);
  assert.equal(bad.status, 401);
  assert.equal(bad.problem.code, 'login-failed');

  const invalid = await api.get('/v1/needs', { query: { limit: 100000 } });
  assert(!invalid.ok, `${name}: limit beyond 100 is a problem`);
  assert.equal(invalid.problem.code, 'validation-failed');
  assert.ok((invalid.problem.errors ?? []).some((e) => (e.location ?? '').includes('limit')), `${name}: the error names limit`);

  const anonymous = createClient({ baseUrl: base, transport });
  const refused = await anonymous.get('/v1/me');
  assert(!refused.ok);
  assert.equal(refused.status, 401);
  assert.match(refused.problem.detail ?? refused.problem.title, /[\u4e00-\u9fff]/, `${name}: zh-CN by default`);
}

test('fetchTransport: log in, read the profile, list needs, typed problems', () => walk('fetch', fetchTransport()));

test('wxTransport: the same calls through wx.request', async () => {
  seen.length = 0;
  await walk('wx', wxTransport(fakeWx));
  const login = seen[0];
  assert.equal(login.method, 'POST');
  assert.equal(login.header['Content-Type'], 'application/json');
  assert.equal(login.dataType, 'text');
  assert.equal(typeof login.data, 'string');
  assert.ok(seen.some((o) => (o.header.Authorization ?? '').startsWith('Bearer ')), 'wx got the token');
});

test('wxTransport: a failed wx.request is a network-error problem', async () => {
  const api = createClient({ baseUrl: 'http://127.0.0.1:1', transport: wxTransport(fakeWx) });
  const r = await api.get('/v1/needs');
  assert(!r.ok);
  assert.equal(r.status, 0);
  assert.equal(r.problem.code, 'network-error');
  assert.match(r.problem.detail ?? '', /request:fail/);
});
