// Needs near the volunteer: a list (the text version) or a map of the
// districts with the home point and the needs as points to tap, and one
// need's details. Points are GCJ-02, like the districts' outlines.
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, q } from '../api';
import { label, state, T, terms } from '../state';
import { Badge, Empty, Select, Show, fmtTime, useLoad } from '../ui';
import { Dot, Labels, ScaleBar, Shapes, project, type LatLng } from '../map';
import { A, go } from './nav';
import { myProfile, type Need, type Sc } from './common';

/** band is the distance as the band the service uses for others' positions. */
export function band(km: number | undefined): string {
  if (km === undefined) return '';
  if (km < 1) return T('1 公里内', 'within 1 km');
  if (km < 3) return T('1–3 公里', '1–3 km');
  if (km < 5) return T('3–5 公里', '3–5 km');
  if (km < 10) return T('5–10 公里', '5–10 km');
  return T('10 公里以上', 'over 10 km');
}

/** km is the great-circle distance between two points (both GCJ-02: the offset cancels out at this scale). */
function km(a: LatLng, b: LatLng): number {
  const r = Math.PI / 180, s1 = Math.sin(((b.lat - a.lat) * r) / 2), s2 = Math.sin(((b.lng - a.lng) * r) / 2);
  return 2 * 6371 * Math.asin(Math.sqrt(s1 * s1 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * s2 * s2));
}

function when(n: Need): string {
  const o = n.occurrences?.[0];
  return o ? `${fmtTime(o.start)} – ${fmtTime(o.end).slice(-5)}` : '';
}

const VIEW_KEY = 'wushe.m.needs-view';
type View = 'list' | 'map';

export function Needs() {
  const [radius, setRadius] = useState('10');
  const [domain, setDomain] = useState('');
  const [view, setView] = useState<View>(() => (sessionStorage.getItem(VIEW_KEY) === 'map' ? 'map' : 'list'));
  const choose = (v: View) => { setView(v); sessionStorage.setItem(VIEW_KEY, v); };
  const l = useLoad(() => get<Sc['ListOutputNeedDTOBody']>('/v1/needs/near' + q({ radiusKm: radius, limit: 50 })), [radius]);
  const me = useLoad(myProfile, []);
  return (
    <>
      <div class="card filters" role="search" aria-label={T('筛选', 'Filters')}>
        <Select label={T('范围', 'Within')} value={radius} onValue={setRadius} options={[3, 5, 10, 20].map((k) => ({ value: String(k), label: `${k} ${T('公里', 'km')}` }))} />
        <Select label={T('领域', 'Domain')} value={domain} onValue={setDomain} empty={T('全部领域', 'All domains')}
          options={terms('domains').map((t) => ({ value: t.code, label: state.lang === 'en' ? t.en : t.zh }))} />
      </div>
      <div class="toggle" role="group" aria-label={T('显示方式', 'Show as')}>
        <button type="button" aria-pressed={view === 'list'} onClick={() => choose('list')}>{T('列表', 'List')}</button>
        <button type="button" aria-pressed={view === 'map'} onClick={() => choose('map')}>{T('地图', 'Map')}</button>
      </div>
      <Show l={l}>{(r) => {
        const items = (r.items ?? []).filter((n) => !domain || n.domain === domain);
        if (!items.length) return <Empty>{T('附近暂无招募中的需求。可扩大范围或更新常驻地点。', 'No open needs nearby: widen the range or update your home point.')}</Empty>;
        if (view === 'map') return <NeedsMap needs={items} home={me.data?.home} />;
        return (
          <ul class="list">
            {items.map((n) => (
              <li key={n.id} class="card need">
                <h2><A to={`/need?id=${enc(n.id)}`} cls="tap">{n.title}</A></h2>
                <p><Badge tone="info">{band(n.distanceKm)}</Badge> <Badge>{label('domains', n.domain)}</Badge></p>
                <p class="muted">{n.communityName} · {when(n)}</p>
                {n.description && <p>{n.description}</p>}
                <p class="muted">{T('名额', 'Places')} {n.headcount}{n.backgroundCheck ? T(' · 需无犯罪记录证明', ' · criminal-record check needed') : ''}</p>
              </li>
            ))}
          </ul>
        );
      }}</Show>
      <p class="muted">{T('社区会根据匹配结果向你发出邀请。', 'Committees invite volunteers from these matches.')}</p>
    </>
  );
}

// ---- the map: districts, the home point, the needs as points to tap ----

type Box = [number, number, number, number];
const RATIO = 0.9; // height / width: nearly square on a phone
const TAP = 44; // px: the hit area of a point, and the closest two points may be before they are one

/** fit is the view holding every point with a margin (room for a point's hit area), at least ~4 km wide. */
function fit(points: LatLng[]): Box {
  const xy = points.map(project);
  const xs = xy.map((p) => p[0]), ys = xy.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let w = Math.max(40, (x1 - x0) * 1.4), h = w * RATIO;
  if ((y1 - y0) * 1.4 > h) { h = (y1 - y0) * 1.4; w = h / RATIO; }
  return [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h];
}

interface Spot { x: number; y: number; needs: Need[] }

/** spots groups the needs whose hit areas would overlap at this width (px) into one point, in reading order. */
function spots(needs: Need[], box: Box, px: number): Spot[] {
  const unit = px / box[2];
  const out: Spot[] = [];
  const sorted = needs.map((n) => ({ n, p: project(n.location) })).sort((a, b) => a.p[1] - b.p[1] || a.p[0] - b.p[0]);
  for (const { n, p } of sorted) {
    const near = out.find((s) => Math.max(Math.abs(s.x - p[0]), Math.abs(s.y - p[1])) * unit < TAP);
    if (near) near.needs.push(n); else out.push({ x: p[0], y: p[1], needs: [n] });
  }
  return out;
}

/**
 * NeedsMap: the needs as buttons over the map (each at least 44 px, in
 * reading order for the Tab key), the home point drawn in it. A point holding
 * one need opens it; a point holding several lists them below the map.
 */
export function NeedsMap({ needs, home }: { needs: Need[]; home?: LatLng }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [px, setPx] = useState(360);
  const [open, setOpen] = useState<number | null>(null);
  const panel = useRef<HTMLElement>(null);
  const spotButtons = useRef<(HTMLButtonElement | null)[]>([]);
  // Opening a point moves focus to its list (the next Tab reaches its needs); closing it returns to the point.
  useEffect(() => { if (open !== null) panel.current?.focus(); }, [open]);
  const close = () => { const i = open; setOpen(null); if (i !== null) spotButtons.current[i]?.focus(); };
  useEffect(() => {
    const measure = () => setPx(wrap.current?.clientWidth || 360);
    measure();
    addEventListener('resize', measure);
    return () => removeEventListener('resize', measure);
  }, []);
  const box = fit([...needs.map((n) => n.location), ...(home ? [home] : [])]);
  const all = spots(needs, box, px);
  const picked = open !== null ? all[open] : undefined;
  const pct = (v: number, from: number, size: number) => `${(((v - from) / size) * 100).toFixed(3)}%`;
  const name = (n: Need) => `${n.title}${T('，', ', ')}${band(n.distanceKm)}`;
  const mapLabel = T(`附近需求地图：显示 ${needs.length} 个需求${home ? '和你的常驻地点' : ''}。文字版本见列表视图。`,
    `Map of needs near you: ${needs.length} need${needs.length === 1 ? '' : 's'} shown${home ? ', and your home point' : ''}. The list view is the text version.`);
  return (
    <figure class="needs-map">
      <div class="map-wrap" ref={wrap}>
        <svg viewBox={box.join(' ')} class="map" role="img" aria-label={mapLabel}>
          <Shapes />
          <Labels view={box} size={box[2] / 26} />
          {home && <Dot m={{ at: home, title: T('常驻地点', 'Home point'), tone: 'pick' }} r={box[2] / 50} />}
          <ScaleBar view={box} />
        </svg>
        {all.map((s, i) => (
          <button type="button" key={s.needs.map((n) => n.id).join()} ref={(el) => { spotButtons.current[i] = el; }} class={'spot' + (s.needs.length > 1 ? ' many' : '')}
            style={{ left: pct(s.x, box[0], box[2]), top: pct(s.y, box[1], box[3]) }} data-need={s.needs.length === 1 ? s.needs[0].id : undefined}
            aria-label={s.needs.length === 1 ? name(s.needs[0]) : T(`此处 ${s.needs.length} 个需求：`, `${s.needs.length} needs here: `) + s.needs.map((n) => n.title).join(T('、', '; '))}
            aria-expanded={s.needs.length > 1 ? open === i : undefined} aria-controls={s.needs.length > 1 ? 'spot-needs' : undefined}
            onClick={() => (s.needs.length === 1 ? go(`/need?id=${enc(s.needs[0].id)}`) : setOpen(open === i ? null : i))}>
            <span aria-hidden="true">{s.needs.length > 1 ? s.needs.length : ''}</span>
          </button>
        ))}
      </div>
      <figcaption class="legend">
        <span><i class="key need" aria-hidden="true" />{T('需求（点按查看）', 'Need (tap to open)')}</span>
        <span><i class="key many" aria-hidden="true" />{T('同一处多个需求', 'Several needs')}</span>
        {home && <span><i class="key home" aria-hidden="true" />{T('常驻地点', 'Home point')}</span>}
      </figcaption>
      <div id="spot-needs">
        {picked && (
          <section class="card spot-needs" ref={panel} tabIndex={-1} aria-label={T(`此处的 ${picked.needs.length} 个需求`, `The ${picked.needs.length} needs at this point`)}
            onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
            <ul class="plain">
              {picked.needs.map((n) => <li key={n.id}><A to={`/need?id=${enc(n.id)}`} cls="tap">{n.title}</A><span class="muted">{band(n.distanceKm)} · {when(n)}</span></li>)}
            </ul>
            <button type="button" class="secondary" onClick={close}>{T('收起', 'Close')}</button>
          </section>
        )}
      </div>
    </figure>
  );
}

// ---- one need ----

export function NeedDetail() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const l = useLoad(() => get<Need>(`/v1/needs/${enc(id)}`), [id]);
  const me = useLoad(myProfile, []);
  const home = me.data?.home;
  return (
    <Show l={l}>{(n) => (
      <article class="card need-detail">
        <h2>{n.title}</h2>
        <p>{home && <Badge tone="info">{band(km(home, n.location))}</Badge>} <Badge>{label('domains', n.domain)}</Badge> <Badge>{label('need_statuses', n.status)}</Badge></p>
        <dl class="facts">
          <dt>{T('社区', 'Community')}</dt><dd>{n.communityName}</dd>
          {n.address && <><dt>{T('地点', 'Place')}</dt><dd>{n.address}</dd></>}
          <dt>{T('时间', 'When')}</dt>
          <dd><ul class="plain">{(n.occurrences ?? []).slice(0, 6).map((o) => <li key={o.id}>{fmtTime(o.start)} – {fmtTime(o.end).slice(-5)}</li>)}</ul>
            {(n.occurrences ?? []).length > 6 && <span class="muted">{T(`共 ${n.occurrences.length} 场`, `${n.occurrences.length} shifts in all`)}</span>}</dd>
          <dt>{T('服务对象', 'Who for')}</dt><dd>{label('target_groups', n.targetGroup)}</dd>
          {(n.tasks ?? []).length > 0 && <><dt>{T('任务', 'Tasks')}</dt><dd>{n.tasks.map((t) => label('service_tasks', t)).join(T('、', ', '))}</dd></>}
          <dt>{T('名额', 'Places')}</dt><dd>{n.headcount}</dd>
          {(n.requiredSkills ?? []).length > 0 && <><dt>{T('所需技能', 'Skills needed')}</dt>
            <dd>{n.requiredSkills.map((s) => `${label('skills', s.code)} ${T('等级', 'level')} ${s.level}`).join(T('、', ', '))}</dd></>}
        </dl>
        {n.description && <p>{n.description}</p>}
        {n.backgroundCheck && <p class="notice warn">{T('需提供无犯罪记录证明', 'A criminal-record check is needed')}</p>}
        {n.insuranceProvided && <p class="muted">{T('组织方为志愿者投保', 'The organiser insures the volunteers')}</p>}
        <p class="muted">{T('社区会根据匹配结果向你发出邀请，接受后名额即为你保留。', 'The committee invites volunteers who match; accepting an invitation takes the place.')}</p>
        <A to="/invitations" cls="button secondary">{T('我的邀请', 'My invitations')}</A>
      </article>
    )}</Show>
  );
}
