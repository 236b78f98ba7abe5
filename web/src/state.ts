// The console's small global state: language, session, vocabularies and a
// notice line. Components read it through useGlobal(), which re-renders on
// every change (the state is small and changes rarely).
import { useEffect, useState } from 'preact/hooks';
import type { RoleBinding, Term, Tokens, Vocabulary } from './types';

export type Lang = 'zh' | 'en';

/** Session is what the tab keeps of a login: the tokens and the account. */
export type Session = Pick<Tokens, 'accessToken' | 'refreshToken' | 'account'>;

export interface Notice { kind: 'ok' | 'error'; text: string; at: number }

const SESSION_KEY = 'wushe.session';
const LANG_KEY = 'wushe.lang';
const DRAFT_OWNER = 'wushe.draft-owner';
const NEXT_KEY = 'wushe.next';

/** dropDrafts forgets every unsaved form of the tab (logout, another account). */
export function dropDrafts() {
  for (let i = sessionStorage.length - 1; i >= 0; i--) {
    const k = sessionStorage.key(i);
    if (k?.startsWith('wushe.draft:')) sessionStorage.removeItem(k);
  }
}

/** rememberTarget keeps where a person was going when they had to log in (deep links survive login). */
export function rememberTarget(path: string) {
  if (path !== '/' && path !== '/login') sessionStorage.setItem(NEXT_KEY, path);
}

/** takeTarget is that place, once (null when none). */
export function takeTarget(): string | null {
  const to = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  return to && to.startsWith('/') && !to.startsWith('//') ? to : null;
}

/** hasTarget tells whether a place is kept. */
export const hasTarget = () => sessionStorage.getItem(NEXT_KEY) !== null;

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const state = {
  lang: (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh') as Lang,
  session: loadSession(),
  vocab: new Map<string, Vocabulary>(),
  notice: null as Notice | null,
  path: location.pathname,
  /** writes counts the console's successful writes: every useLoad reloads when it moves. */
  writes: 0,
};

type Listener = () => void;
const listeners = new Set<Listener>();

export function update(patch: Partial<typeof state>) {
  Object.assign(state, patch);
  if ('session' in patch) {
    if (state.session) {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
      // Unsaved forms (ui.tsx useDraft) belong to the account that typed them.
      if (sessionStorage.getItem(DRAFT_OWNER) !== state.session.account.id) dropDrafts();
      sessionStorage.setItem(DRAFT_OWNER, state.session.account.id);
    } else sessionStorage.removeItem(SESSION_KEY);
  }
  if ('lang' in patch) {
    localStorage.setItem(LANG_KEY, state.lang);
    document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  }
  listeners.forEach((l) => l());
}

export function useGlobal() {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  return state;
}

/** T picks the zh-CN or English text of a pair. */
export function T(zh: string, en: string): string {
  return state.lang === 'en' ? en : zh;
}

/** label is a vocabulary term's label in the current language (the code when unknown). */
export function label(vocab: string, code: string | undefined): string {
  if (!code) return '';
  const t = state.vocab.get(vocab)?.terms?.find((x) => x.code === code);
  return t ? (state.lang === 'en' ? t.en : t.zh) : code;
}

export function terms(vocab: string): Term[] {
  return state.vocab.get(vocab)?.terms ?? [];
}

export function notify(kind: Notice['kind'], text: string) {
  update({ notice: { kind, text, at: Date.now() } });
}

export function roles(name: string): RoleBinding[] {
  return state.session?.account.roles?.filter((r) => r.role === name) ?? [];
}

export function hasRole(...names: string[]): boolean {
  return !!state.session?.account.roles?.some((r) => names.includes(r.role));
}
