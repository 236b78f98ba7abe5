// The transports: fetch (browsers, Node 18+) and wx.request (WeChat
// mini-programs, typed by the minimal WxLike so no WeChat typings are needed).
import type { Transport, TransportResponse } from './client.js';

/** fetchTransport carries requests with fetch (the global one unless given). */
export function fetchTransport(f: typeof fetch = (...a) => fetch(...a)): Transport {
  return async (req) => {
    const res = await f(req.url, { method: req.method, headers: req.headers, body: req.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    return { status: res.status, headers, text: await res.text() };
  };
}

/** The part of wx.request's options the transport uses. */
export interface WxRequestOptions {
  url: string;
  method: string;
  header: Record<string, string>;
  data?: string;
  /** 'text': wx does not parse the body; the client does */
  dataType: string;
  responseType: 'text';
  success(res: { statusCode: number; header: Record<string, string>; data: unknown }): void;
  fail(err: { errMsg: string }): void;
}

/** WxLike is the minimal shape of the mini-program's global wx. */
export interface WxLike {
  request(options: WxRequestOptions): unknown;
}

/**
 * wxTransport carries requests with wx.request. The response body is taken as
 * text (dataType 'text'); header names are lower-cased; fail (no answer:
 * network, domain not whitelisted, timeout) rejects with its errMsg.
 * wx.request documents GET, POST, PUT, DELETE (and OPTIONS, HEAD, TRACE,
 * CONNECT); PATCH is passed through as is.
 */
export function wxTransport(wx: WxLike): Transport {
  return (req) =>
    new Promise<TransportResponse>((resolve, reject) => {
      wx.request({
        url: req.url,
        method: req.method,
        header: req.headers,
        data: req.body,
        dataType: 'text',
        responseType: 'text',
        success(res) {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.header ?? {})) headers[k.toLowerCase()] = String(v);
          const text = typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : JSON.stringify(res.data);
          resolve({ status: res.statusCode, headers, text });
        },
        fail(err) {
          reject(new Error(err?.errMsg || 'wx.request failed'));
        },
      });
    });
}
