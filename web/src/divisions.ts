// Divisions read from the public GET /v1/divisions, kept for the session:
// the townships of a district (their names; the dashboard's towns carry only
// codes) and the communities whose centre point is set. No route lists the
// set centres at once, so a district's are found by reading its townships'
// communities (one request per township, four at a time).
import { enc, get, q } from './api';
import type { Division, DivisionList } from './types';

const cache = new Map<string, Promise<Division[]>>();

/** children answers the divisions under parent, every page. */
export function children(parent: string): Promise<Division[]> {
  let p = cache.get(parent);
  if (!p) {
    p = (async () => {
      const all: Division[] = [];
      let cursor = '';
      do {
        const r = await get<DivisionList>('/v1/divisions' + q({ parent, limit: 100, cursor }), { anonymous: true });
        all.push(...(r.items ?? []));
        cursor = r.nextCursor;
      } while (cursor);
      return all;
    })();
    p.catch(() => cache.delete(parent));
    cache.set(parent, p);
  }
  return p;
}

export const hasCentre = (d: Division) => d.lat !== undefined && d.lng !== undefined;

/** communityCentres answers the communities of a district (or of one township) whose centre is set. */
export async function communityCentres(parent: string): Promise<Division[]> {
  const towns = parent.length === 9 ? [parent] : (await children(parent)).map((t) => t.code);
  const out: Division[] = [];
  for (let i = 0; i < towns.length; i += 4) {
    const lists = await Promise.all(towns.slice(i, i + 4).map(children));
    for (const l of lists) out.push(...l.filter(hasCentre));
  }
  return out;
}

/** division answers one division (its centre when set). */
export const division = (code: string) => get<Division>(`/v1/divisions/${enc(code)}`, { anonymous: true });
