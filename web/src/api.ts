// The one way the console talks to the service: the public /v1 API with the
// caller's own tokens. The console hides what a role cannot do, but the API
// alone decides; a refusal comes back as an ApiError carrying the problem.
import { state, update, T } from './state';
import type { Problem, Tokens, Vocabularies } from './types';

export class ApiError extends Error {
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
  /** the response as text (CSV) instead of JSON */
  text?: boolean;
  /** no Authorization header (login, refresh) */
  anonymous?: boolean;
}

let refreshing: Promise<boolean> | null = null;

/** refresh rotates the refresh token once for all callers waiting on a 401. */
function refresh(): Promise<boolean> {
  const s = state.session;
  if (!s) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch('/v1/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Accept-Language': lang() },
          body: JSON.stringify({ refreshToken: s.refreshToken }),
        });
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as Tokens;
        update({ session: { accessToken: body.accessToken, refreshToken: body.refreshToken, account: body.account } });
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

export async function api<T = any>(method: string, path: string, body?: unknown, opts: Options = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { 'Accept-Language': lang(), ...opts.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = state.session?.accessToken;
    if (token && !opts.anonymous) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, { detail: T('网络不可用，请稍后重试', 'The network is unavailable; try again') });
    }
    if (res.status === 401 && token && !opts.anonymous && attempt === 0) {
      if (await refresh()) continue;
    }
    if (res.status === 204) return undefined as T;
    const raw = await res.text();
    if (!res.ok) {
      let p: Problem = {};
      try { p = JSON.parse(raw); } catch { p = { detail: raw.slice(0, 200) }; }
      throw new ApiError(res.status, p);
    }
    if (opts.text) return raw as T;
    return (raw ? JSON.parse(raw) : undefined) as T;
  }
}

export const get = <T = any>(path: string, opts?: Options) => api<T>('GET', path, undefined, opts);
export const post = <T = any>(path: string, body?: unknown, opts?: Options) => api<T>('POST', path, body ?? {}, opts);
export const put = <T = any>(path: string, body: unknown) => api<T>('PUT', path, body);

export async function login(phone: string, password: string) {
  const s = await api<Tokens>('POST', '/v1/auth/login', { phone, password }, { anonymous: true });
  update({ session: { accessToken: s.accessToken, refreshToken: s.refreshToken, account: s.account } });
}

export async function logout() {
  try { await api('POST', '/v1/auth/logout'); } catch { /* the login ends here either way */ }
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
