// The one way the console talks to the service: the public /v1 API with the
// caller's own tokens. The console hides what a role cannot do, but the API
// alone decides; a refusal comes back as an ApiError carrying the problem.
import { dropDrafts, state, update, T } from './state';
import { createClient, fetchTransport, type Method } from '../../clients/ts/index.js';
import type { Problem, Tokens, Vocabularies } from './types';

export class ApiError extends Error {
  /** retryAfter is the wait the service asked for (Retry-After, seconds; 0 when none). */
  retryAfter = 0;
  constructor(public status: number, public problem: Problem) {
    super(problemText(problem, status));
  }
}

export function problemText(p: Problem, status: number): string {
  const parts = [p.detail || p.title || `HTTP ${status}`];
  for (const e of p.errors ?? []) {
    if (e.message && e.message !== p.detail) parts.push(e.location ? `${e.location}: ${e.message}` : e.message);
  }
  return parts.join('；');
}

interface Options {
  headers?: Record<string, string>;
  /** the response is text (CSV); the kit answers a body that is not JSON as text */
  text?: boolean;
  /** no Authorization header (login, refresh) */
  anonymous?: boolean;
}

// Requests go through the client kit (clients/ts) over fetch, same origin.
const client = createClient({ baseUrl: '', transport: fetchTransport(), token: () => state.session?.accessToken, acceptLanguage: lang });

let refreshing: Promise<boolean> | null = null;

/** refresh rotates the refresh token once for all callers waiting on a 401. */
function refresh(): Promise<boolean> {
  const s = state.session;
  if (!s) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const r = await client.post('/v1/auth/refresh', { body: { refreshToken: s.refreshToken }, anonymous: true });
        if (!r.ok) throw new Error(String(r.status));
        update({ session: { accessToken: r.data.accessToken, refreshToken: r.data.refreshToken, account: r.data.account } });
        return true;
      } catch {
        update({ session: null });
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

function lang() {
  return state.lang === 'en' ? 'en' : 'zh-CN';
}

/** api calls the API; it answers the body (the text for CSV) or throws an ApiError carrying the problem. */
export async function api<T = any>(method: string, path: string, body?: unknown, opts: Options = {}): Promise<T> {
  const m = method.toLowerCase() as Method;
  for (let attempt = 0; ; attempt++) {
    const token = state.session?.accessToken;
    const r = await client.request(m, path, { body, headers: opts.headers, anonymous: opts.anonymous });
    if (r.ok) {
      if (m !== 'get' && !opts.anonymous) update({ writes: state.writes + 1 }); // views showing what this changed reload
      return r.data as T;
    }
    if (r.problem.code === 'network-error') throw new ApiError(0, { detail: T('网络不可用，请稍后重试', 'The network is unavailable; try again') });
    if (r.status === 401 && token && !opts.anonymous && attempt === 0) {
      if (await refresh()) continue;
    }
    const e = new ApiError(r.status, readable(r.status, r.problem));
    const ra = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
    e.retryAfter = Math.max(0, Number(ra) || 0);
    throw e;
  }
}

/**
 * readable keeps the service's problem, but not a page someone else wrote: a
 * proxy's 502 HTML (or any body that is not a problem) becomes a short message
 * with the status, never raw markup on the screen.
 */
function readable(status: number, p: Problem): Problem {
  const text = `${p.detail ?? ''} ${p.title ?? ''}`;
  if (p.code && !/<[a-z!/]/i.test(text)) return p;
  if (!/<[a-z!/]/i.test(text) && p.detail) return p;
  return status >= 500 || status === 0
    ? { detail: T(`服务暂时不可用（HTTP ${status}），请稍后重试`, `The service is unavailable for now (HTTP ${status}); try again shortly`) }
    : { detail: T(`请求未被接受（HTTP ${status}）`, `The request was not accepted (HTTP ${status})`) };
}

export const get = <T = any>(path: string, opts?: Options) => api<T>('GET', path, undefined, opts);
export const post = <T = any>(path: string, body?: unknown, opts?: Options) => api<T>('POST', path, body ?? {}, opts);
export const put = <T = any>(path: string, body: unknown) => api<T>('PUT', path, body);

export async function login(phone: string, password: string) {
  const s = await api<Tokens>('POST', '/v1/auth/login', { phone, password }, { anonymous: true });
  update({ session: { accessToken: s.accessToken, refreshToken: s.refreshToken, account: s.account } });
}

/** requestCode asks the service to text a 6-digit code for purpose (the answer is the same for any phone). */
export async function requestCode(phone: string, purpose: 'login' | 'reset_password') {
  await api('POST', '/v1/auth/sms-codes', { phone, purpose }, { anonymous: true });
}

/** loginWithCode logs in with a code texted for purpose login. */
export async function loginWithCode(phone: string, code: string) {
  const s = await api<Tokens>('POST', '/v1/auth/code-login', { phone, code }, { anonymous: true });
  update({ session: { accessToken: s.accessToken, refreshToken: s.refreshToken, account: s.account } });
}

/** resetPassword sets a new password with the texted code; the account's other logins end. */
export async function resetPassword(phone: string, code: string, newPassword: string) {
  await api('POST', '/v1/auth/password-reset', { phone, code, newPassword }, { anonymous: true });
}

export async function logout() {
  try { await api('POST', '/v1/auth/logout'); } catch { /* the login ends here either way */ }
  dropDrafts(); // a logout forgets unsaved forms; an expired session keeps them for the next login
  update({ session: null });
}

export async function loadVocabularies() {
  const v = await get<Vocabularies>('/v1/meta/vocabularies', { anonymous: true });
  update({ vocab: new Map((v.vocabularies ?? []).map((x) => [x.name, x])) });
}

/** q builds a query string from the defined, non-empty values. */
export function q(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;

/** idempotencyKey is a fresh key for one intended write (kept by the caller across retries). */
export function idempotencyKey(): string {
  // getRandomValues works outside secure contexts too (randomUUID does not).
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
