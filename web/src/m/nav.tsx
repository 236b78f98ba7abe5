// History routing under /m/: the service answers every path below it with
// index.html, so deep links and reloads land here.
import type { ComponentChildren } from 'preact';
import { logout } from '../api';
import { state, update } from '../state';

export const BASE = '/m';

export function route(): string {
  const p = state.path.startsWith(BASE) ? state.path.slice(BASE.length) : state.path;
  return p === '' ? '/' : p.replace(/\/$/, '') || '/';
}

export function go(to: string) {
  history.pushState(null, '', BASE + to);
  update({ path: location.pathname, notice: null });
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => update({ path: location.pathname }));

export function A({ to, children, cls }: { to: string; children: ComponentChildren; cls?: string }) {
  return <a href={BASE + to} class={cls} onClick={(e) => { if (e.ctrlKey || e.metaKey) return; e.preventDefault(); go(to); }}>{children}</a>;
}

export async function signOut() {
  await logout();
  go('/');
}

