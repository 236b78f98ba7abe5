// A typed client of the Wushe /v1 API. Every call is typed by its path and
// method from the generated `paths`: path parameters, query, headers, request
// body and the success body. A call never throws: it answers
// { ok: true, data } or { ok: false, problem } with the problem typed as the
// API's ErrorModel (branch on problem.code). The transport carries the bytes:
// fetchTransport (browsers, Node 18+) or wxTransport(wx) (WeChat mini-programs).
import type { components, paths } from './types.js';

type ErrorModel = components['schemas']['ErrorModel'];

/** Codes the client itself answers when no problem came from the API. */
export type ClientProblemCode = 'network-error' | 'bad-response';

/** Problem is an RFC 9457 problem: the API's ErrorModel, or one the client made (status 0 or a non-problem answer). */
export type Problem = Omit<ErrorModel, 'code'> & { code: ErrorModel['code'] | ClientProblemCode };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** PathsWith<M> is the paths that have method M. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: unknown } ? P : never;
}[keyof paths];

type Op<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type Params<O> = O extends { parameters: infer X } ? X : {};
type Part<O, K extends string> = Params<O> extends { [k in K]: infer X } ? X : never;
type OptionalPart<O, K extends string> = Params<O> extends { [k in K]?: infer X } ? X : never;
type BodyOf<O> = O extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : O extends { requestBody?: { content: infer C } }
    ? C[keyof C]
    : never;
type BodyRequired<O> = O extends { requestBody: unknown } ? true : false;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
type SuccessCode = 200 | 201 | 202 | 203 | 204 | 206;

/** Data<P, M> is the success body of M on P (undefined for 204). */
export type Data<P extends keyof paths, M extends Method> =
  Op<P, M> extends { responses: infer R } ? { [K in keyof R & SuccessCode]: ContentOf<R[K]> }[keyof R & SuccessCode] : never;

type Opt<K extends string, V, Required extends boolean> = [V] extends [never]
  ? { [k in K]?: undefined }
  : Required extends true
    ? { [k in K]: V }
    : { [k in K]?: V };

/** Options<P, M> is what a call of M on P takes: path params, query, headers, body (required when the API requires them). */
export type Options<P extends keyof paths, M extends Method> = Opt<'path', Part<Op<P, M>, 'path'>, true> &
  Opt<'query', OptionalPart<Op<P, M>, 'query'>, false> &
  Opt<'body', BodyOf<Op<P, M>>, BodyRequired<Op<P, M>>> & {
    /** more request headers (Idempotency-Key, If-Match, ...) */
    headers?: Record<string, string>;
    /** no Authorization header for this call */
    anonymous?: boolean;
  };

export type Result<T> =
  | { ok: true; status: number; data: T; headers: Record<string, string> }
  | { ok: false; status: number; problem: Problem; headers: Record<string, string> };

/** What a transport is given: an absolute URL, an upper-case method, headers and the body as text. */
export interface TransportRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
}

/** What a transport answers: the status, the headers (names in lower case) and the body as text. It rejects only when no answer came. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

export interface ClientOptions {
  /** the service's origin, e.g. https://wushe.example.org ('' for the same origin in a browser) */
  baseUrl: string;
  /** the access token, or a function answering the current one */
  token?: string | (() => string | undefined | null);
  /** Accept-Language (zh-CN by default), or a function answering it */
  acceptLanguage?: string | (() => string);
  transport: Transport;
}

type Call<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...options: {} extends Options<P, M> ? [Options<P, M>?] : [Options<P, M>]
) => Promise<Result<Data<P, M>>>;

export interface Client {
  get: Call<'get'>;
  post: Call<'post'>;
  put: Call<'put'>;
  patch: Call<'patch'>;
  delete: Call<'delete'>;
  /** request is the untyped call under the typed ones: a path with its query string already in it. */
  request(method: Method, path: string, options?: RawOptions): Promise<Result<unknown>>;
}

export interface RawOptions {
  body?: unknown;
  headers?: Record<string, string>;
  anonymous?: boolean;
}

const value = <T>(v: T | (() => T)): T => (typeof v === 'function' ? (v as () => T)() : v);

/** url fills the {name} parameters of path and appends the defined, non-empty query values. */
export function url(path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  let out = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null) throw new Error(`path parameter ${name} missing for ${path}`);
    return encodeURIComponent(String(v));
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
  }
  const s = q.toString();
  if (s) out += (out.includes('?') ? '&' : '?') + s;
  return out;
}

function problemOf(status: number, text: string, type: string): Problem {
  if (type.includes('json')) {
    try {
      const p = JSON.parse(text);
      if (p && typeof p === 'object' && typeof p.code === 'string') return p as Problem;
    } catch {
      /* not JSON: below */
    }
  }
  return { code: 'bad-response', status, title: `HTTP ${status}`, type: 'about:blank', detail: text.slice(0, 200) };
}

export function createClient(opts: ClientOptions): Client {
  const base = opts.baseUrl.replace(/\/+$/, '');
  async function request(method: Method, path: string, o: RawOptions = {}): Promise<Result<unknown>> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json, */*' };
    headers['Accept-Language'] = value(opts.acceptLanguage ?? 'zh-CN');
    const token = o.anonymous ? undefined : value(opts.token);
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    Object.assign(headers, o.headers);
    let res: TransportResponse;
    try {
      res = await opts.transport({ url: base + path, method: method.toUpperCase() as TransportRequest['method'], headers, body });
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      return { ok: false, status: 0, headers: {}, problem: { code: 'network-error', status: 0, title: 'Network error', type: 'about:blank', detail } };
    }
    const type = res.headers['content-type'] ?? '';
    if (res.status < 200 || res.status > 299) return { ok: false, status: res.status, headers: res.headers, problem: problemOf(res.status, res.text, type) };
    let data: unknown = undefined;
    if (res.status !== 204 && res.text !== '') {
      if (type.includes('json')) {
        try {
          data = JSON.parse(res.text);
        } catch {
          return { ok: false, status: res.status, headers: res.headers, problem: problemOf(res.status, res.text, '') };
        }
      } else data = res.text; // CSV, text: the body as it came
    }
    return { ok: true, status: res.status, headers: res.headers, data };
  }
  const typed =
    (m: Method) =>
    (path: string, o: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; headers?: Record<string, string>; anonymous?: boolean } = {}) =>
      request(m, url(path, o.path, o.query), o);
  return {
    get: typed('get') as Call<'get'>,
    post: typed('post') as Call<'post'>,
    put: typed('put') as Call<'put'>,
    patch: typed('patch') as Call<'patch'>,
    delete: typed('delete') as Call<'delete'>,
    request,
  };
}
