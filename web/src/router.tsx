// History routing under /console/: the service answers every path below it
// with index.html, so deep links and reloads land here.
import type { AriaAttributes, ComponentChildren } from 'preact';
import { state, update } from './state';

export const BASE = '/console';

/** route is the path inside the console, always starting with '/'. */
export function route(): string {
  const p = state.path.startsWith(BASE) ? state.path.slice(BASE.length) : state.path;
  return p === '' ? '/' : p;
}

export function navigate(to: string, replace = false) {
  const url = BASE + to;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  update({ path: location.pathname });
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => update({ path: location.pathname }));

/** match returns the named segments of pattern ('/needs/:id') in path, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) out[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return out;
}

export function Link(props: { to: string; children: ComponentChildren; class?: string; 'aria-current'?: AriaAttributes['aria-current'] }) {
  const { to, children, ...rest } = props;
  return (
    <a
      href={BASE + to}
      {...rest}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
