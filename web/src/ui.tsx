// Small building blocks shared by the pages: data loading, actions with a
// busy state, labelled fields, tables, badges and formatting. Hand-written
// on purpose (no UI kit): the console must stay small.
import type { ButtonHTMLAttributes, ComponentChildren, InputHTMLAttributes } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { notify, state, T, terms } from './state';

export interface Loaded<V> {
  data: V | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * useLoad runs load when deps change, on reload(), and after every write the
 * console makes (state.writes: a count the API helper raises on each
 * successful POST/PUT/PATCH/DELETE), so no view keeps a count the last action
 * changed; the last answer wins and the old data stays on screen meanwhile.
 */
export function useLoad<V>(load: () => Promise<V>, deps: unknown[]): Loaded<V> {
  const [data, setData] = useState<V>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    load().then(
      (v) => { if (mine === seq.current) { setData(v); setError(undefined); setLoading(false); } },
      (e) => { if (mine === seq.current) { setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) })); setLoading(false); } },
    );
  }, [...deps, tick, state.writes]);
  return { data, error, loading, reload: useCallback(() => setTick((t) => t + 1), []) };
}

const DRAFT = 'wushe.draft:';

export interface Draft<V> {
  /** restored is true when the form came back from an unsaved draft. */
  restored: boolean;
  /** load sets the form from the server without making it a draft (a value: only when no draft is kept). */
  load: (v: V | ((prev: V) => V)) => void;
  /** clear forgets the draft (after a save, or when the clerk discards it). */
  clear: () => void;
}

/**
 * useDraft is useState for a form that must survive its page going away: an
 * expired session sends the clerk to log in and back (deep links survive
 * login), a reload, a slip of the back button. Every change the clerk makes
 * is kept in the tab's sessionStorage under key until it is saved or
 * discarded; drafts are dropped on logout and when another account logs in
 * (state.ts).
 */
export function useDraft<V>(key: string, initial: V): [V, (v: V | ((prev: V) => V)) => void, Draft<V>] {
  const k = DRAFT + key;
  const stored = () => { try { const raw = sessionStorage.getItem(k); return raw ? { v: JSON.parse(raw) as V } : null; } catch { return null; } };
  const [v, setV] = useState<V>(() => stored()?.v ?? initial);
  const [restored, setRestored] = useState(() => stored() !== null);
  const seen = useRef(key);
  if (seen.current !== key) { // another record in the same form: its own draft, or the initial value
    seen.current = key;
    const d = stored();
    setV(d ? d.v : initial);
    setRestored(d !== null);
  }
  const set = (n: V | ((prev: V) => V)) => setV((prev) => {
    const next = typeof n === 'function' ? (n as (p: V) => V)(prev) : n;
    try { sessionStorage.setItem(k, JSON.stringify(next)); } catch { /* full or disabled: the form still works */ }
    return next;
  });
  const draft: Draft<V> = {
    restored,
    load: (x) => { if (typeof x === 'function' || stored() === null) setV(x as V); },
    clear: () => { sessionStorage.removeItem(k); setRestored(false); },
  };
  return [v, set, draft];
}

/** DraftNote tells the clerk the form holds unsaved work brought back, and lets them discard it. */
export function DraftNote({ draft, onDiscard }: { draft: Pick<Draft<unknown>, 'restored' | 'clear'>; onDiscard: () => void }) {
  if (!draft.restored) return null;
  return (
    <p class="draft-note" role="status">
      {T('已恢复上次未保存的内容。', 'Your unsaved changes were brought back.')}{' '}
      <button type="button" class="link" onClick={() => { draft.clear(); onDiscard(); }}>{T('放弃这些修改', 'Discard them')}</button>
    </p>
  );
}

/**
 * ask asks before an irreversible write (issue 19: confirming a plan,
 * cancelling a need, money decisions, sanctions, verdicts and conflict
 * declarations happened at one click). The browser's own dialog: it is modal,
 * keyboard-accessible and works in WeChat's web view.
 */
export function ask(zh: string, en: string): boolean {
  return window.confirm(T(zh, en));
}

/** useAction wraps a write: a busy flag, and a notice with the API's own words on failure. */
export function useAction<A extends unknown[]>(fn: (...a: A) => Promise<string | void>): [(...a: A) => Promise<boolean>, boolean] {
  const [busy, setBusy] = useState(false);
  const run = async (...a: A) => {
    setBusy(true);
    try {
      const msg = await fn(...a);
      if (msg) notify('ok', msg);
      return true;
    } catch (e) {
      notify('error', e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [run, busy];
}

export function Show<V>({ l, children }: { l: Loaded<V>; children: (v: V) => ComponentChildren }) {
  if (l.error) return <ErrorBox error={l.error} retry={l.reload} />;
  if (l.data === undefined) return <Skeleton />;
  return <>{children(l.data)}</>;
}

/** Skeleton stands where data will be: grey lines of the page's shape, announced once as loading. */
export function Skeleton({ lines = 4 }: { lines?: number }) {
  return (
    <div class="skeleton" role="status" aria-busy="true">
      <span class="sr-only">{T('加载中…', 'Loading…')}</span>
      {Array.from({ length: lines }, (_, i) => <div key={i} class="sk-line" style={{ width: `${[92, 78, 85, 64, 88, 70][i % 6]}%` }} />)}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: ApiError; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      <strong>{error.status === 403 ? T('无权访问', 'Not allowed') : error.status === 404 ? T('未找到', 'Not found') : T('出错了', 'Something went wrong')}</strong>{' '}
      {error.message}
      {retry && <button type="button" class="link" onClick={retry}>{T('重试', 'Retry')}</button>}
    </div>
  );
}

let fieldSeq = 0;
function useId(prefix = 'f') {
  const r = useRef('');
  if (!r.current) r.current = `${prefix}${++fieldSeq}`;
  return r.current;
}

type InputProps = {
  label: string;
  type?: string; min?: number | string; max?: number | string; step?: number | string; required?: boolean; pattern?: string;
  minLength?: number; autoComplete?: string; inputMode?: InputHTMLAttributes['inputMode']; placeholder?: string; class?: string;
  value: string | number;
  onValue: (v: string) => void;
  hint?: string;
  /** error is the API's refusal of this field, in its words, shown under it */
  error?: string;
};

/** describedBy joins the ids of a field's hint and error (undefined when neither shows). */
const describedBy = (id: string, hint?: string, error?: string) => [hint && id + 'h', error && id + 'e'].filter(Boolean).join(' ') || undefined;

/** FieldError is a field's refusal, tied to it by aria-describedby and announced when it appears. */
function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <small id={id + 'e'} class="field-error" role="alert">{error}</small> : null;
}

export function Input({ label, value, onValue, hint, error, ...rest }: InputProps) {
  const id = useId();
  return (
    <div class={'field' + (rest.class ? ' ' + rest.class : '')}>
      <label for={id}>{label}</label>
      <input id={id} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? 'true' : undefined} {...(rest as Record<string, unknown>)} class={undefined} />
      {hint && <small id={id + 'h'} class="muted">{hint}</small>}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function TextArea({ label, value, onValue, rows = 3, required }: { label: string; value: string; onValue: (v: string) => void; rows?: number; required?: boolean }) {
  const id = useId();
  return (
    <div class="field wide">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} required={required} onInput={(e) => onValue((e.target as HTMLTextAreaElement).value)} />
    </div>
  );
}

export function Select({ label, value, onValue, options, required, empty, class: cls, hint, error }: {
  label: string; value: string; onValue: (v: string) => void; options: { value: string; label: string }[]; required?: boolean; empty?: string; class?: string;
  hint?: string; error?: string;
}) {
  const id = useId();
  return (
    <div class={'field' + (cls ? ' ' + cls : '')}>
      <label for={id}>{label}</label>
      <select id={id} value={value} required={required} onChange={(e) => onValue((e.target as HTMLSelectElement).value)}
        aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? 'true' : undefined}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {hint && <small id={id + 'h'} class="muted">{hint}</small>}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function VocabSelect({ vocab, ...p }: { vocab: string; label: string; value: string; onValue: (v: string) => void; required?: boolean; empty?: string }) {
  const opts = terms(vocab).map((t) => ({ value: t.code, label: state.lang === 'en' ? t.en : t.zh }));
  return <Select {...p} options={opts} />;
}

export function Check({ label, checked, onValue }: { label: string; checked: boolean; onValue: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class="check">
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onValue((e.target as HTMLInputElement).checked)} />
      <label for={id}>{label}</label>
    </div>
  );
}

/** Checks is a group of checkboxes over a list of options (a fieldset with a legend). */
export function Checks({ legend, options, value, onValue, columns }: {
  legend: string; options: { value: string; label: string }[]; value: string[]; onValue: (v: string[]) => void; columns?: boolean;
}) {
  return (
    <fieldset class={'checks' + (columns ? ' columns' : '')}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <Check key={o.value} label={o.label} checked={value.includes(o.value)}
          onValue={(on) => onValue(on ? [...value, o.value] : value.filter((x) => x !== o.value))} />
      ))}
    </fieldset>
  );
}

export function vocabOptions(vocab: string) {
  return terms(vocab).map((t) => ({ value: t.code, label: state.lang === 'en' ? t.en : t.zh }));
}

export function Button({ busy, children, kind = 'primary', ...rest }: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & { busy?: boolean; kind?: 'primary' | 'secondary' | 'danger' | 'link'; type?: 'button' | 'submit' }) {
  return (
    <button type="button" class={kind} disabled={busy || (rest.disabled as boolean)} aria-busy={busy ? 'true' : undefined} {...rest}>
      {children}
    </button>
  );
}

export function Badge({ children, tone = 'plain', title }: { children: ComponentChildren; tone?: 'plain' | 'ok' | 'warn' | 'bad' | 'info'; title?: string }) {
  return <span class={`badge ${tone}`} title={title}>{children}</span>;
}

export function Section({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id ? id + '-h' : undefined} id={id}>
      <div class="card-head">
        <h2 id={id ? id + '-h' : undefined}>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

export function Tabs({ tabs, current, onChange, label }: { tabs: { id: string; label: string }[]; current: string; onChange: (id: string) => void; label: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const key = (e: KeyboardEvent, i: number) => {
    const n = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -1;
    if (n < 0 && e.key !== 'ArrowLeft') return;
    const j = (n + tabs.length) % tabs.length;
    onChange(tabs[j].id);
    refs.current[j]?.focus();
    e.preventDefault();
  };
  return (
    <div role="tablist" aria-label={label} class="tabs">
      {tabs.map((t, i) => (
        <button type="button" role="tab" id={`tab-${t.id}`} aria-selected={t.id === current} aria-controls={`panel-${t.id}`}
          tabIndex={t.id === current ? 0 : -1} ref={(el) => { refs.current[i] = el; }}
          onClick={() => onChange(t.id)} onKeyDown={(e) => key(e as unknown as KeyboardEvent, i)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function Panel({ id, children }: { id: string; children: ComponentChildren }) {
  return <div role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} tabIndex={0}>{children}</div>;
}

export function Progress({ value, max = 100, label: text }: { value: number; max?: number; label: string }) {
  const pct = Math.max(0, Math.min(100, (value / max) * 100));
  return (
    <div class="progress" role="progressbar" aria-label={text} aria-valuemin={0} aria-valuemax={max} aria-valuenow={Math.round(value * 10) / 10}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted empty">{children}</p>;
}

// Formatting: money in fen, times in Asia/Shanghai (the service's business time zone).

export function yuan(fen: number | undefined): string {
  if (fen === undefined || fen === null) return '';
  return '¥' + (fen / 100).toLocaleString(state.lang === 'en' ? 'en' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function toFen(yuanText: string): number {
  return Math.round(parseFloat(yuanText || '0') * 100);
}

const SHANGHAI_MS = 8 * 3600 * 1000; // UTC+8, no daylight saving

export function fmtTime(iso?: string): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + SHANGHAI_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export function fmtDate(iso?: string): string {
  return iso ? fmtTime(iso).slice(0, 10) : '';
}

/** toLocalInput turns an instant into a datetime-local value in Beijing time. */
export function toLocalInput(iso?: string): string {
  return iso ? new Date(Date.parse(iso) + SHANGHAI_MS).toISOString().slice(0, 16) : '';
}

/** fromLocalInput reads a datetime-local value as Beijing time. */
export function fromLocalInput(v: string): string {
  return new Date(v + ':00+08:00').toISOString().replace('.000Z', 'Z');
}

export function beijingToday(offsetDays = 0): string {
  return new Date(Date.now() + SHANGHAI_MS + offsetDays * 86400000).toISOString().slice(0, 10);
}

export function num(n: number | undefined, digits = 1): string {
  if (n === undefined || n === null || Number.isNaN(n)) return '–';
  return n.toLocaleString(state.lang === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: digits });
}

export function short(id: string): string {
  return id.length > 10 ? id.slice(0, 8) + '…' : id;
}
