// The volunteers' screens: each reads and writes only the caller's own things
// through the public /v1 API (the API decides; a refusal is shown in its words).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, enc, get, loadVocabularies, post, api, q } from '../api';
import { label, notify, state, T, terms } from '../state';
import { Badge, Button, Checks, Empty, ErrorBox, Input, Select, Show, TextArea, fmtTime, useAction, useLoad } from '../ui';
import { LocationPicker, type LatLng } from '../map';
import type { components } from '../generated/openapi';
import { A, go, signOut } from './nav';

type Sc = components['schemas'];
type Volunteer = Sc['VolunteerDTO'];
type Need = Sc['NeedDTO'];
type Invitation = Sc['InvitationDTO'];
type HoursRecord = Sc['HoursRecordDTO'];
type Pathway = Sc['PathwayDTO'];
type Training = Sc['TrainingDTO'];
type ServiceRecord = Sc['ServiceRecordOutputBody'];
type Notification = Sc['NotificationDTO'];
type Verified = Sc['VerifyStatementOutputBody'];

export function loadVocab() { loadVocabularies().catch(() => undefined); }

const ZZ: LatLng = { lat: 34.7466, lng: 113.6253 }; // 郑州市 (GCJ-02)
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** myProfile is the caller's volunteer profile, or null when none is filled in yet. */
async function myProfile(): Promise<Volunteer | null> {
  try { return await get<Volunteer>('/v1/me/volunteer-profile'); } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** saveProfile changes fields of the profile (PATCH), or creates it (PUT) when there is none. */
async function saveProfile(exists: boolean, body: Record<string, unknown>) {
  return api<Volunteer>(exists ? 'PATCH' : 'PUT', '/v1/me/volunteer-profile', body);
}

// ---- home ----

export function Home() {
  const n = useLoad(() => get<Sc['NotificationsOutputBody']>('/v1/me/notifications?unread=true&limit=1'), []);
  const p = useLoad(myProfile, []);
  const items: [string, string, string][] = [
    ['/needs', '附近需求', 'Needs near me'], ['/invitations', '邀请', 'Invitations'], ['/shifts', '我的场次', 'My shifts'],
    ['/checkin', '扫码签到', 'Check in'], ['/hours', '服务时长', 'My hours'], ['/record', '服务记录证明', 'Service record'],
    ['/pathway', '职业水平路径', 'Pathway'], ['/notifications', '通知', 'Notifications'],
    ['/profile', '实名与技能', 'Profile and skills'], ['/availability', '每周可服务时间', 'Weekly availability'],
    ['/home-point', '常驻地点', 'Home point'], ['/data', '我的数据', 'My data'],
  ];
  const unread = n.data?.unread ?? 0;
  return (
    <>
      <p>{T('你好，', 'Hello, ')}{state.session?.account.name}</p>
      {p.data === null && <p class="notice warn">{T('还没有志愿者档案：先填写实名与技能。', 'No volunteer profile yet: fill in your profile first.')} <A to="/profile">{T('去填写', 'Fill it in')}</A></p>}
      {p.data && !p.data.realNameVerified && <p class="notice warn">{T('实名待社区核验', 'Real name pending verification by the committee')}</p>}
      <nav aria-label={T('功能', 'Features')}>
        <ul class="tiles">
          {items.map(([to, zh, en]) => (
            <li key={to}><A to={to}>{T(zh, en)}{to === '/notifications' && unread > 0 && <span class="count">{unread}<span class="sr"> {T('条未读', 'unread')}</span></span>}</A></li>
          ))}
        </ul>
      </nav>
      <Button kind="secondary" onClick={() => signOut()}>{T('退出登录', 'Log out')}</Button>
    </>
  );
}

// ---- profile ----

export function Profile() {
  const l = useLoad(myProfile, []);
  return <Show l={l}>{(v) => <ProfileForm v={v} reload={l.reload} />}</Show>;
}

function ProfileForm({ v, reload }: { v: Volunteer | null; reload: () => void }) {
  const [realName, setRealName] = useState(v?.realName ?? state.session?.account.name ?? '');
  const [idNumber, setIdNumber] = useState('');
  const [skills, setSkills] = useState<string[]>((v?.skills ?? []).map((s) => s.code));
  const [domains, setDomains] = useState<string[]>(v?.domains ?? []);
  const [languages, setLanguages] = useState<string[]>(v?.languages ?? []);
  const [community, setCommunity] = useState(v?.communityCode ?? '');
  const [save, busy] = useAction(async () => {
    const body: Record<string, unknown> = { realName: realName.trim(), skills: skills.map((code) => ({ code, level: 1 })), domains, languages };
    if (community) body.communityCode = community;
    if (idNumber.trim()) body.idNumber = idNumber.trim().toUpperCase();
    if (!v) body.home = ZZ;
    await saveProfile(!!v, body);
    setIdNumber('');
    reload();
    return T('档案已保存', 'Profile saved');
  });
  const opts = (vocab: string) => terms(vocab).map((t) => ({ value: t.code, label: state.lang === 'en' ? t.en : t.zh }));
  return (
    <form class="card" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <div class="status-line">
        {T('实名状态：', 'Real name: ')}
        {v?.realNameVerified ? <Badge tone="ok">{T('已核验', 'verified')}</Badge>
          : v?.idNumberMasked ? <Badge tone="warn">{T('待核验', 'pending verification')}</Badge>
          : <Badge>{T('未填写身份证号', 'no ID number yet')}</Badge>}
        {v?.idNumberMasked && <span class="muted"> {v.idNumberMasked}</span>}
      </div>
      <Input label={T('真实姓名', 'Real name')} value={realName} onValue={setRealName} autoComplete="name" required />
      <Input label={v?.idNumberMasked ? T('更换身份证号（更换后需重新核验）', 'New ID number (verified again after a change)') : T('身份证号（提交后由社区核验）', 'ID number (the committee verifies it)')}
        value={idNumber} onValue={setIdNumber} pattern="[0-9]{17}[0-9Xx]" hint={T('18 位，仅显示掩码', '18 characters; only a masked form is shown')} />
      <CommunityPicker value={community} onValue={setCommunity} />
      <Checks legend={T('技能', 'Skills')} options={opts('skills')} value={skills} onValue={setSkills} />
      <Checks legend={T('关注领域', 'Domains')} options={opts('domains')} value={domains} onValue={setDomains} />
      <Checks legend={T('语言', 'Languages')} options={opts('languages')} value={languages} onValue={setLanguages} />
      <Button type="submit" busy={busy}>{T('保存', 'Save')}</Button>
    </form>
  );
}

type Division = Sc['DivisionDTO'];

async function children(parent: string): Promise<Division[]> {
  const out: Division[] = [];
  let cursor = '';
  for (let i = 0; i < 10; i++) {
    const r = await get<Sc['DivisionListOutputBody']>('/v1/divisions' + q({ parent, limit: 100, cursor }), { anonymous: true });
    out.push(...(r.items ?? []));
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

/** CommunityPicker chooses the volunteer's community (district → street → community); that committee verifies the real name. */
function CommunityPicker({ value, onValue }: { value: string; onValue: (v: string) => void }) {
  const [county, setCounty] = useState(value.slice(0, 6));
  const [town, setTown] = useState(value.slice(0, 9));
  const counties = useLoad(() => children(''), []);
  const towns = useLoad(() => (county ? children(county) : Promise.resolve([])), [county]);
  const comms = useLoad(() => (town ? children(town) : Promise.resolve([])), [town]);
  const opts = (l: { data?: Division[] }) => (l.data ?? []).map((d) => ({ value: d.code, label: d.name }));
  return (
    <fieldset>
      <legend>{T('所在社区（由该社区核验实名）', 'My community (its committee verifies your name)')}</legend>
      {[counties, towns, comms].map((l, i) => l.error && <ErrorBox key={i} error={l.error} retry={l.reload} />)}
      <Select label={T('区县', 'District')} value={county} onValue={(c) => { setCounty(c); setTown(''); onValue(''); }} options={opts(counties)} empty={T('请选择', 'Choose')} />
      {county && <Select label={T('街道 / 乡镇', 'Street / town')} value={town} onValue={(t) => { setTown(t); onValue(''); }} options={opts(towns)} empty={T('请选择', 'Choose')} />}
      {town && <Select label={T('社区 / 村', 'Community / village')} value={value} onValue={onValue} options={opts(comms)} empty={T('请选择', 'Choose')} />}
    </fieldset>
  );
}

// ---- availability: a week of 3-hour blocks, tap to toggle ----

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_ZH = ['一', '二', '三', '四', '五', '六', '日'];
const DAY_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BLOCKS = [0, 3, 6, 9, 12, 15, 18, 21];
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const mins = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

function toGrid(av: Record<string, string[]> | undefined): Set<string> {
  const on = new Set<string>();
  for (const d of DAYS) for (const r of av?.[d] ?? []) {
    const [a, b] = r.split('-').map(mins);
    for (const h of BLOCKS) if (a <= h * 60 && b >= (h + 3) * 60) on.add(`${d}${h}`);
  }
  return on;
}

function fromGrid(on: Set<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of DAYS) {
    const ranges: string[] = [];
    let start = -1;
    for (const h of [...BLOCKS, 24]) {
      const set = h < 24 && on.has(`${d}${h}`);
      if (set && start < 0) start = h;
      if (!set && start >= 0) { ranges.push(`${hh(start)}-${hh(h)}`); start = -1; }
    }
    if (ranges.length) out[d] = ranges;
  }
  return out;
}

export function Availability() {
  const l = useLoad(myProfile, []);
  return <Show l={l}>{(v) => v ? <Grid v={v} /> : <NoProfile />}</Show>;
}

function NoProfile() {
  return <p class="notice warn">{T('请先填写实名与技能。', 'Fill in your profile first.')} <A to="/profile">{T('去填写', 'Fill it in')}</A></p>;
}

function Grid({ v }: { v: Volunteer }) {
  const [on, setOn] = useState(() => toGrid(v.availability as Record<string, string[]>));
  const toggle = (k: string) => { const n = new Set(on); if (n.has(k)) n.delete(k); else n.add(k); setOn(n); };
  const [save, busy] = useAction(async () => {
    await saveProfile(true, { availability: fromGrid(on) });
    return T('可服务时间已保存', 'Availability saved');
  });
  return (
    <div class="card">
      <p class="muted">{T('点击方格切换：绿色为可服务（北京时间）。', 'Tap a cell to toggle: green is available (Beijing time).')}</p>
      <table class="week">
        <caption class="sr">{T('每周可服务时间', 'Weekly availability')}</caption>
        <thead><tr><th scope="col"><span class="sr">{T('时段', 'Time')}</span></th>{DAYS.map((d, i) => <th key={d} scope="col">{state.lang === 'en' ? DAY_EN[i] : DAY_ZH[i]}</th>)}</tr></thead>
        <tbody>
          {BLOCKS.map((h) => (
            <tr key={h}>
              <th scope="row">{hh(h).slice(0, 2)}–{hh(h + 3).slice(0, 2)}</th>
              {DAYS.map((d, i) => {
                const k = `${d}${h}`;
                return (
                  <td key={k}>
                    <button type="button" class={on.has(k) ? 'slot on' : 'slot'} aria-pressed={on.has(k)} data-slot={k}
                      aria-label={`${state.lang === 'en' ? DAY_EN[i] : '周' + DAY_ZH[i]} ${hh(h)}–${hh(h + 3)}`} onClick={() => toggle(k)} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Button busy={busy} onClick={() => save()}>{T('保存', 'Save')}</Button>
    </div>
  );
}

// ---- home point ----

// The phone reports WGS-84; the service's points are GCJ-02 (国测局坐标, as on
// Chinese maps): wgsToGcj applies the published offset.
export function wgsToGcj(p: LatLng): LatLng {
  const a = 6378245.0, ee = 0.00669342162296594323;
  const x = p.lng - 105, y = p.lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLng += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLng += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLng += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (p.lat / 180) * Math.PI;
  let magic = Math.sin(rad);
  magic = 1 - ee * magic * magic;
  const sq = Math.sqrt(magic);
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    lat: r6(p.lat + (dLat * 180) / (((a * (1 - ee)) / (magic * sq)) * Math.PI)),
    lng: r6(p.lng + (dLng * 180) / ((a / sq) * Math.cos(rad) * Math.PI)),
  };
}

function here(): Promise<LatLng> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error(T('此设备无法定位', 'This device cannot tell its position'))); return; }
    navigator.geolocation.getCurrentPosition((p) => resolve(wgsToGcj({ lat: p.coords.latitude, lng: p.coords.longitude })),
      (e) => reject(new Error(T('无法获取位置：', 'No position: ') + e.message)), { enableHighAccuracy: true, timeout: 15000 });
  });
}

export function HomePoint() {
  const l = useLoad(myProfile, []);
  return <Show l={l}>{(v) => v ? <HomeForm v={v} /> : <NoProfile />}</Show>;
}

function HomeForm({ v }: { v: Volunteer }) {
  const [p, setP] = useState<LatLng>(v.home ?? ZZ);
  const [km, setKm] = useState(String(v.maxDistanceKm || 5));
  const [locate, locating] = useAction(async () => { setP(await here()); return T('已使用手机位置（已换算为 GCJ-02）', 'Using the phone\'s position (converted to GCJ-02)'); });
  const [save, busy] = useAction(async () => {
    await saveProfile(true, { home: p, maxDistanceKm: Number(km) });
    return T('常驻地点已保存', 'Home point saved');
  });
  return (
    <div class="card">
      <p class="muted">{T('点击地图选择常驻地点，或使用手机位置。坐标为 GCJ-02（国测局坐标，与国内地图一致）；手机定位的 WGS-84 坐标会自动换算。',
        'Tap the map to choose your home point, or use the phone\'s position. Points are GCJ-02 (as on Chinese maps); the phone\'s WGS-84 position is converted.')}</p>
      <LocationPicker value={p} onPick={setP} />
      <p class="coords" aria-live="polite">{T('已选：', 'Chosen: ')}{p.lat.toFixed(5)}, {p.lng.toFixed(5)}</p>
      <Button kind="secondary" busy={locating} onClick={() => locate()}>{T('使用手机位置', 'Use my location')}</Button>
      <Select label={T('愿意前往的最远距离', 'Farthest I will travel')} value={km} onValue={setKm}
        options={[1, 3, 5, 10, 20].map((k) => ({ value: String(k), label: `${k} ${T('公里', 'km')}` }))} />
      <Button busy={busy} onClick={() => save()}>{T('保存', 'Save')}</Button>
    </div>
  );
}

// ---- needs near me ----

/** band is the distance as the band the service uses for others' positions. */
export function band(km: number | undefined): string {
  if (km === undefined) return '';
  if (km < 1) return T('1 公里内', 'within 1 km');
  if (km < 3) return T('1–3 公里', '1–3 km');
  if (km < 5) return T('3–5 公里', '3–5 km');
  if (km < 10) return T('5–10 公里', '5–10 km');
  return T('10 公里以上', 'over 10 km');
}

function when(n: Need): string {
  const o = n.occurrences?.[0];
  return o ? `${fmtTime(o.start)} – ${fmtTime(o.end).slice(-5)}` : '';
}

export function Needs() {
  const [radius, setRadius] = useState('10');
  const [domain, setDomain] = useState('');
  const l = useLoad(() => get<Sc['ListOutputNeedDTOBody']>('/v1/needs/near' + q({ radiusKm: radius, limit: 50 })), [radius]);
  return (
    <>
      <div class="card filters" role="search" aria-label={T('筛选', 'Filters')}>
        <Select label={T('范围', 'Within')} value={radius} onValue={setRadius} options={[3, 5, 10, 20].map((k) => ({ value: String(k), label: `${k} ${T('公里', 'km')}` }))} />
        <Select label={T('领域', 'Domain')} value={domain} onValue={setDomain} empty={T('全部领域', 'All domains')}
          options={terms('domains').map((t) => ({ value: t.code, label: state.lang === 'en' ? t.en : t.zh }))} />
      </div>
      <Show l={l}>{(r) => {
        const items = (r.items ?? []).filter((n) => !domain || n.domain === domain);
        if (!items.length) return <Empty>{T('附近暂无招募中的需求。可扩大范围或更新常驻地点。', 'No open needs nearby: widen the range or update your home point.')}</Empty>;
        return (
          <ul class="list">
            {items.map((n) => (
              <li key={n.id} class="card need">
                <h2>{n.title}</h2>
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

// ---- invitations ----

function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(t); }, []);
  return now;
}

function countdown(to: string, now: number): string {
  const s = Math.max(0, Math.floor((Date.parse(to) - now) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(sec)}`;
}

/** useTitles loads the titles of the needs that the rows name. */
function useTitles(ids: string[]) {
  const [titles, setTitles] = useState<Record<string, Need>>({});
  useEffect(() => {
    const missing = [...new Set(ids)].filter((id) => !titles[id]);
    if (!missing.length) return;
    Promise.all(missing.map((id) => get<Need>(`/v1/needs/${enc(id)}`).catch(() => null))).then((ns) => {
      const t = { ...titles };
      ns.forEach((n) => { if (n) t[n.id] = n; });
      setTitles(t);
    });
  }, [ids.join()]);
  return titles;
}

const INV_STATUS: Record<string, [string, string, 'ok' | 'warn' | 'bad' | 'plain']> = {
  pending: ['待回复', 'pending', 'warn'], accepted: ['已接受', 'accepted', 'ok'], declined: ['已谢绝', 'declined', 'plain'],
  expired: ['已过期', 'expired', 'plain'], full: ['名额已满', 'full', 'bad'],
};

function myInvitations() { return get<Sc['ListOutputInvitationDTOBody']>('/v1/me/invitations?limit=100'); }

export function Invitations() {
  const l = useLoad(myInvitations, []);
  const now = useNow();
  const titles = useTitles((l.data?.items ?? []).map((i) => i.needId));
  const [answer, busy] = useAction(async (i: Invitation, accept: boolean) => {
    await post(`/v1/invitations/${enc(i.id)}/${accept ? 'accept' : 'decline'}`);
    l.reload();
    return accept ? T('已接受邀请，名额已为你保留', 'Accepted: the place is yours') : T('已谢绝邀请', 'Declined');
  });
  return (
    <Show l={l}>{(r) => {
      const items = r.items ?? [];
      if (!items.length) return <Empty>{T('暂无邀请。', 'No invitations yet.')}</Empty>;
      return (
        <ul class="list">
          {items.map((i) => {
            const st = INV_STATUS[i.status] ?? [i.status, i.status, 'plain'];
            const open = i.status === 'pending' && Date.parse(i.expiresAt) > now;
            return (
              <li key={i.id} class="card inv">
                <h2>{titles[i.needId]?.title ?? T('需求', 'Need')}</h2>
                <p class="muted">{titles[i.needId]?.communityName} · {fmtTime(i.start)} – {fmtTime(i.end).slice(-5)}</p>
                <p><Badge tone={st[2]}>{T(st[0], st[1])}</Badge>
                  {open && <span class="countdown"> {T('剩余', 'Time left')} <time dateTime={i.expiresAt}>{countdown(i.expiresAt, now)}</time></span>}</p>
                {open && (
                  <div class="row">
                    <Button busy={busy} onClick={() => answer(i, true)}>{T('接受', 'Accept')}</Button>
                    <Button kind="secondary" busy={busy} onClick={() => answer(i, false)}>{T('谢绝', 'Decline')}</Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      );
    }}</Show>
  );
}

// ---- my shifts: the places I hold ----

type Shift = { id: string; needId: string; occurrenceId: string; start: string; end: string };

/** myShifts lists the places the volunteer holds (placed by the committee or taken by accepting an invitation):
 *  the API lists them only in the personal export, so the app reads them from there. */
async function myShifts(): Promise<Shift[]> {
  const e = await get<Sc['PersonalExport']>('/v1/me/export');
  return (e.assignments ?? []).filter((a) => a.status !== 'withdrawn')
    .map((a) => ({ id: a.id, needId: a.needId, occurrenceId: a.occurrenceId, start: a.window.start, end: a.window.end }))
    .sort((x, y) => x.start.localeCompare(y.start));
}

export function Shifts() {
  const l = useLoad(myShifts, []);
  const now = useNow(30000);
  const titles = useTitles((l.data ?? []).map((i) => i.needId));
  return (
    <Show l={l}>{(items) => {
      if (!items.length) return <Empty>{T('还没有场次。接受邀请后会显示在这里。', 'No shifts yet: accepted invitations show here.')}</Empty>;
      return (
        <ul class="list">
          {items.map((i) => {
            const canCheckin = Date.parse(i.start) - 30 * 60e3 <= now && now <= Date.parse(i.end) + 2 * 3600e3;
            return (
              <li key={i.id} class="card">
                <h2>{titles[i.needId]?.title ?? T('需求', 'Need')}</h2>
                <p class="muted">{titles[i.needId]?.communityName} · {fmtTime(i.start)} – {fmtTime(i.end).slice(-5)}</p>
                {titles[i.needId]?.address && <p class="muted">{titles[i.needId]?.address}</p>}
                {canCheckin ? <A to={`/checkin?occ=${enc(i.occurrenceId)}`} cls="button">{T('签到 / 签退', 'Check in / out')}</A>
                  : Date.parse(i.end) < now ? <p><Badge>{T('已结束', 'ended')}</Badge></p> : <p><Badge tone="info">{T('开始前 30 分钟可签到', 'Check-in opens 30 min before')}</Badge></p>}
              </li>
            );
          })}
        </ul>
      );
    }}</Show>
  );
}

// ---- check-in: the committee's rotating code, scanned or typed, plus the phone's position ----

/** codeFrom reads the 6-digit code out of a scanned text (the code itself, or a text or link carrying it). */
function codeFrom(text: string): string {
  const m = text.match(/\b(\d{6})\b/);
  return m ? m[1] : text.trim();
}

// The QR decoder and generator load only on the screens that use them (a smaller first load).
const loadJsQR = () => import('jsqr').then((m) => m.default);

async function decodeImage(img: CanvasImageSource & { width: number; height: number }): Promise<string | null> {
  const jsQR = await loadJsQR();
  const c = document.createElement('canvas');
  const scale = Math.min(1, 1024 / Math.max(img.width, img.height));
  c.width = Math.round(img.width * scale);
  c.height = Math.round(img.height * scale);
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(img, 0, 0, c.width, c.height);
  const d = ctx.getImageData(0, 0, c.width, c.height);
  return jsQR(d.data, d.width, d.height)?.data ?? null;
}

export function Checkin() {
  const occParam = new URLSearchParams(location.search).get('occ') ?? '';
  const l = useLoad(myShifts, []);
  const [occ, setOcc] = useState(occParam);
  const [code, setCode] = useState('');
  const [pos, setPos] = useState<LatLng | null>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const titles = useTitles((l.data ?? []).map((i) => i.needId));
  const shifts = (l.data ?? []).filter((i) => Date.parse(i.end) + 2 * 3600e3 > Date.now());
  useEffect(() => { if (!occ && shifts.length) setOcc(shifts[0].occurrenceId); }, [shifts.length]);

  useEffect(() => {
    if (!scanning) return;
    let stream: MediaStream | null = null, timer = 0, stopped = false;
    navigator.mediaDevices?.getUserMedia({ video: { facingMode: 'environment' } }).then((s) => {
      if (stopped) { s.getTracks().forEach((t) => t.stop()); return; }
      stream = s;
      const v = video.current!;
      v.srcObject = s;
      v.play().catch(() => undefined);
      const tick = () => {
        if (stopped) return;
        const next = () => { timer = window.setTimeout(tick, 250); };
        if (!v.videoWidth) { next(); return; }
        decodeImage(Object.assign(v, { width: v.videoWidth, height: v.videoHeight })).then((found) => {
          if (stopped) return;
          if (found) { setCode(codeFrom(found)); setScanning(false); notify('ok', T('已识别签到码', 'Code read')); } else next();
        }, next);
      };
      tick();
    }, (e) => { setScanning(false); notify('error', T('无法打开相机：', 'The camera cannot be opened: ') + e.message + T('。可拍照上传或手动输入签到码。', '. Upload a photo or type the code.')); });
    if (!navigator.mediaDevices) { setScanning(false); notify('error', T('此浏览器无法使用相机，请手动输入签到码。', 'No camera in this browser: type the code.')); }
    return () => { stopped = true; clearTimeout(timer); stream?.getTracks().forEach((t) => t.stop()); };
  }, [scanning]);

  const fromFile = (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    const url = URL.createObjectURL(f);
    const img = new Image();
    img.onload = async () => {
      const found = await decodeImage(img);
      URL.revokeObjectURL(url);
      if (found) { setCode(codeFrom(found)); notify('ok', T('已识别签到码', 'Code read')); } else notify('error', T('图片中未找到二维码', 'No QR code in the picture'));
    };
    img.src = url;
  };
  const [locate, locating] = useAction(async () => { setPos(await here()); });
  const [send, busy] = useAction(async (out: boolean) => {
    const p = pos ?? (await here());
    setPos(p);
    const body = { occurrenceId: occ, code: code.trim(), location: p };
    if (out) {
      const r = await post<HoursRecord>('/v1/me/attendance/checkout', body);
      return T(`已签退，记录 ${r.hours} 小时，待核实`, `Checked out: ${r.hours} h recorded, pending verification`);
    }
    const r = await post<Sc['AttendanceOutputBody']>('/v1/me/attendance/checkin', body);
    return T(`已签到 ${fmtTime(r.checkinAt).slice(-5)}`, `Checked in at ${fmtTime(r.checkinAt).slice(-5)}`);
  });
  return (
    <Show l={l}>{() => shifts.length === 0 && !occParam ? <Empty>{T('当前没有可签到的场次。', 'No shift to check in to now.')} <A to="/shifts">{T('我的场次', 'My shifts')}</A></Empty> : (
      <form class="card" onSubmit={(e) => { e.preventDefault(); send(false); }}>
        <Select label={T('场次', 'Shift')} value={occ} onValue={setOcc}
          options={shifts.map((i) => ({ value: i.occurrenceId, label: `${titles[i.needId]?.title ?? T('需求', 'Need')} ${fmtTime(i.start)}` }))} />
        <div class="scan">
          {scanning ? <>
            <video ref={video} muted playsInline aria-label={T('相机画面：对准社区屏幕上的签到二维码', 'Camera: aim at the check-in QR code on the committee\'s screen')} />
            <Button kind="secondary" onClick={() => setScanning(false)}>{T('停止扫码', 'Stop scanning')}</Button>
          </> : <Button kind="secondary" onClick={() => setScanning(true)}>{T('打开相机扫码', 'Scan with the camera')}</Button>}
          <div class="field">
            <label for="qr-file">{T('或拍照 / 选择二维码图片', 'Or take / choose a photo of the code')}</label>
            <input id="qr-file" type="file" accept="image/*" capture="environment" onChange={fromFile} />
          </div>
        </div>
        <Input label={T('签到码（6 位，也可手动输入）', 'Check-in code (6 digits; may be typed)')} value={code} onValue={setCode} inputMode="numeric" pattern="[0-9]{6}" required autoComplete="off" />
        <p class="coords" aria-live="polite">{pos ? `${T('位置', 'Position')} ${pos.lat.toFixed(5)}, ${pos.lng.toFixed(5)} (GCJ-02)` : T('提交时将获取手机位置（须在服务地点 0.5 公里内）', 'Your position is taken on sending (within 0.5 km of the place)')}</p>
        <Button kind="secondary" busy={locating} onClick={() => locate()}>{T('获取位置', 'Get my position')}</Button>
        <div class="row">
          <Button type="submit" busy={busy}>{T('签到', 'Check in')}</Button>
          <Button kind="secondary" busy={busy} onClick={() => send(true)}>{T('签退', 'Check out')}</Button>
        </div>
      </form>
    )}</Show>
  );
}

// ---- hours ----

const HOURS_STATUS: Record<string, [string, string, 'ok' | 'warn' | 'bad']> = {
  pending: ['待核实', 'pending', 'warn'], verified: ['已核实', 'verified', 'ok'], rejected: ['已驳回', 'rejected', 'bad'],
};

export function Hours() {
  const l = useLoad(() => get<Sc['ListOutputHoursRecordDTOBody']>('/v1/me/hours?limit=100'), []);
  const [open, setOpen] = useState('');
  const [reason, setReason] = useState('');
  const [dispute, busy] = useAction(async (id: string) => {
    await post(`/v1/hours/${enc(id)}/disputes`, { reason: reason.trim() });
    setOpen(''); setReason('');
    l.reload();
    return T('异议已提交，社区将复核', 'Dispute sent: the committee will review it');
  });
  return (
    <Show l={l}>{(r) => {
      const items = r.items ?? [];
      const total = items.filter((h) => h.status === 'verified').reduce((a, h) => a + h.hours, 0);
      const pending = items.filter((h) => h.status === 'pending').reduce((a, h) => a + h.hours, 0);
      return (
        <>
          <p class="card totals"><span><strong>{total}</strong> {T('小时已核实', 'h verified')}</span> <span><strong>{pending}</strong> {T('小时待核实', 'h pending')}</span></p>
          {!items.length && <Empty>{T('还没有服务时长记录。', 'No hours yet.')}</Empty>}
          <ul class="list">
            {items.map((h) => {
              const st = HOURS_STATUS[h.status];
              return (
                <li key={h.id} class="card">
                  <h2>{h.needTitle ?? label('domains', h.domain)}</h2>
                  <p>{h.date} · {h.hours} {T('小时', 'h')} <Badge tone={st[2]}>{T(st[0], st[1])}</Badge></p>
                  {h.rejectReason && <p class="muted">{T('驳回理由：', 'Reason: ')}{h.rejectReason}</p>}
                  {h.verifierName && <p class="muted">{T('核实人：', 'Verified by: ')}{h.verifierName}{h.verifierOrg ? ` · ${h.verifierOrg}` : ''}</p>}
                  {h.status !== 'pending' && (open === h.id ? (
                    <form onSubmit={(e) => { e.preventDefault(); dispute(h.id); }}>
                      <TextArea label={T('异议理由', 'Why you disagree')} value={reason} onValue={setReason} required />
                      <div class="row">
                        <Button type="submit" busy={busy}>{T('提交异议', 'Send the dispute')}</Button>
                        <Button kind="secondary" onClick={() => setOpen('')}>{T('取消', 'Cancel')}</Button>
                      </div>
                    </form>
                  ) : <Button kind="link" onClick={() => { setOpen(h.id); setReason(''); }}>{T('提出异议', 'Dispute')}</Button>)}
                </li>
              );
            })}
          </ul>
        </>
      );
    }}</Show>
  );
}

// ---- pathway and training ----

export function Pathway() {
  const l = useLoad(() => get<Pathway>('/v1/me/pathway'), []);
  const t = useLoad(() => get<Sc['ListOutputTrainingDTOBody']>('/v1/me/training?limit=100'), []);
  return (
    <>
      <Show l={l}>{(p) => {
        const ce = p.continuingEducation;
        const list = (b?: { zh: string; en: string }[] | null) => (b ?? []).map((x) => T(x.zh, x.en)).filter(Boolean);
        const year = ce?.yearly?.find((y) => y.year === ce.year);
        const periods = ce ? [...(ce.national ?? []), ...(ce.local ? [ce.local] : [])] : [];
        return (
          <>
            {(p.eligibility ?? []).map((e) => (
              <section class="card" key={e.level} aria-label={T('报考资格', 'Exam eligibility') + ' ' + e.level}>
                <h2>{T('报考资格', 'Exam eligibility')}：{label('certificate_levels', e.level)}</h2>
                <p>{e.held ? <Badge tone="ok">{T('已持证', 'held')}</Badge> : e.eligibleNow ? <Badge tone="ok">{T(`可报考 ${e.examYear} 年考试`, `eligible for ${e.examYear}`)}</Badge>
                  : <Badge tone="warn">{T(`最早 ${e.earliestExamYear || '—'} 年可报考`, `earliest exam year ${e.earliestExamYear || '—'}`)}</Badge>}</p>
                <p>{T('已计社会工作年限：', 'Social-work time counted: ')}{e.counted.years} {T('年', 'y')} {e.counted.months} {T('个月', 'm')}</p>
                {!e.held && list(e.missing).length > 0 && <div class="missing"><strong>{T('还差：', 'Missing: ')}</strong><ul>{list(e.missing).map((m) => <li key={m}>{m}</li>)}</ul></div>}
                {list(e.notes).map((m) => <p class="muted" key={m}>{m}</p>)}
              </section>
            ))}
            <section class="card" aria-labelledby="third-h">
              <h2 id="third-h">{T('志愿服务', 'Volunteering')}</h2>
              <p>{T('已核实志愿服务', 'Verified volunteering')} {p.thirdPath.verifiedVolunteerHours} {T('小时', 'h')} · {T('督导下', 'supervised')} {p.thirdPath.supervisedHours} {T('小时', 'h')}</p>
            </section>
            {ce && (
              <section class="card" aria-labelledby="ce-h">
                <h2 id="ce-h">{T('继续教育', 'Continuing education')} {ce.year}</h2>
                {year && <p>{T('本年已记', 'This year')} {year.hours} {T('小时', 'h')}{year.unverified ? T(`（另有 ${year.unverified} 小时待核实）`, ` (${year.unverified} h unverified)`) : ''}</p>}
                {periods.map((c, i) => (
                  <p key={i}>{c.compliant ? <Badge tone="ok">{T('达标', 'met')}</Badge> : <Badge tone="warn">{T('未达标', 'not met')}</Badge>} {c.start}–{c.end}: {c.hours}/{c.required} {T('小时', 'h')} {list(c.missing).length > 0 && <span class="missing">· {list(c.missing).join('；')}</span>}</p>
                ))}
                {list(ce.notes).map((m) => <p class="muted" key={m}>{m}</p>)}
              </section>
            )}
          </>
        );
      }}</Show>
      <section class="card" aria-labelledby="tr-h">
        <h2 id="tr-h">{T('培训记录', 'Training')}</h2>
        <Show l={t}>{(r) => (r.items ?? []).length ? (
          <ul class="plain">{(r.items ?? []).map((x: Training) => <li key={x.id}>{x.date} {x.course} · {x.hours} {T('小时', 'h')} <Badge tone={x.status === 'verified' ? 'ok' : x.status === 'rejected' ? 'bad' : 'warn'}>{T(HOURS_STATUS[x.status][0], HOURS_STATUS[x.status][1])}</Badge></li>)}</ul>
        ) : <Empty>{T('暂无培训记录。', 'No training recorded.')}</Empty>}</Show>
      </section>
    </>
  );
}

// ---- the signed service record and its public verification ----

function b64url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  bytes.forEach((b) => { bin += String.fromCharCode(b); });
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function Record() {
  const l = useLoad(() => get<ServiceRecord>('/v1/me/service-record'), []);
  const [qr, setQr] = useState<{ url: string; img?: string; error?: string } | null>(null);
  useEffect(() => {
    if (!l.data) return;
    const url = `${location.origin}/m/verify#${b64url(JSON.stringify(l.data.signedStatement))}`;
    import('qrcode').then((QRCode) => QRCode.toDataURL(url, { errorCorrectionLevel: 'L', margin: 4, width: 480 })).then(
      (img) => setQr({ url, img }),
      () => setQr({ url, error: T('记录较多，二维码放不下：请用下面的链接分享。', 'Too many records for one QR code: share the link below.') }));
  }, [l.data]);
  return (
    <Show l={l}>{(r) => (
      <>
        <section class="card" aria-labelledby="tot-h">
          <h2 id="tot-h">{T('合计', 'Totals')}: {r.totals.hours} {T('小时', 'h')}</h2>
          <ul class="plain">
            {Object.entries(r.totals.byYear ?? {}).map(([y, h]) => <li key={y}>{y}: {String(h)} {T('小时', 'h')}</li>)}
            {Object.entries(r.totals.byDomain ?? {}).map(([d, h]) => <li key={d}>{label('domains', d)}: {String(h)} {T('小时', 'h')}</li>)}
          </ul>
        </section>
        <section class="card qr" aria-labelledby="qr-h">
          <h2 id="qr-h">{T('核验二维码', 'Verification QR code')}</h2>
          <p class="muted">{T('出示此二维码，对方扫码即可打开公开核验页，核对签名（Ed25519）。', 'Show this code: scanning it opens the public page that checks the signature (Ed25519).')}</p>
          {qr?.img && <img src={qr.img} width={240} height={240} alt={T('服务记录证明的核验二维码', 'QR code that verifies this service record')} />}
          {qr?.error && <p class="notice warn">{qr.error}</p>}
          {qr && <p><a href={qr.url}>{T('打开核验页', 'Open the verification page')}</a></p>}
        </section>
        <section class="card" aria-labelledby="rec-h">
          <h2 id="rec-h">{T('已核实的记录', 'Verified records')}</h2>
          {(r.records ?? []).length ? <ul class="plain">{(r.records ?? []).map((x) => <li key={x.id}>{x.date} {x.activity} · {x.hours} {T('小时', 'h')} · {x.verifierOrganisation}</li>)}</ul>
            : <Empty>{T('暂无已核实的记录。', 'No verified records yet.')}</Empty>}
        </section>
      </>
    )}</Show>
  );
}

export function Verify() {
  const [res, setRes] = useState<{ ok?: Verified; error?: string } | null>(null);
  useEffect(() => {
    (async () => {
      try {
        const statement = JSON.parse(unb64url(location.hash.slice(1)));
        setRes({ ok: await post<Verified>('/v1/service-records/verify', statement, { anonymous: true }) });
      } catch (e) { setRes({ error: e instanceof SyntaxError || e instanceof DOMException ? T('链接不完整，无法读取证明。', 'The link is incomplete: no record to check.') : errText(e) }); }
    })();
  }, []);
  if (!res) return <p class="muted" role="status">{T('核验中…', 'Checking…')}</p>;
  if (res.error) return <p class="notice error" role="alert">{res.error}</p>;
  const v = res.ok!;
  const s = v.statement;
  return (
    <section class="card">
      <p class={v.valid ? 'verdict ok' : 'verdict bad'} role="status">{v.valid ? T('✓ 签名有效：此证明由本平台签发，内容未被改动', '✓ Valid: issued by this service and unchanged') : T('✗ 签名无效：内容可能被改动', '✗ Invalid: the content may have been changed')}</p>
      <dl class="facts">
        <dt>{T('姓名', 'Name')}</dt><dd>{s.subject.name}</dd>
        <dt>{T('身份证号', 'ID number')}</dt><dd>{s.subject.idNumberMasked || '—'}</dd>
        <dt>{T('签发时间', 'Issued')}</dt><dd>{fmtTime(s.issuedAt)}</dd>
        <dt>{T('已核实服务时长', 'Verified hours')}</dt><dd>{s.totals.hours} {T('小时', 'h')}</dd>
        <dt>{T('记录条数', 'Records')}</dt><dd>{(s.records ?? []).length}</dd>
      </dl>
    </section>
  );
}

// ---- notifications ----

export function Notifications() {
  const l = useLoad(() => get<Sc['NotificationsOutputBody']>('/v1/me/notifications?limit=50'), []);
  const [read, busy] = useAction(async (n: Notification) => { await post(`/v1/me/notifications/${enc(n.id)}/read`); l.reload(); });
  return (
    <Show l={l}>{(r) => (r.items ?? []).length ? (
      <ul class="list">
        {(r.items ?? []).map((n) => (
          <li key={n.id} class={n.readAt ? 'card' : 'card unread'}>
            <h2>{!n.readAt && <span class="dot-unread" aria-hidden="true" />}{T(n.title, n.titleEn)}{!n.readAt && <span class="sr"> {T('（未读）', '(unread)')}</span>}</h2>
            <p>{T(n.body, n.bodyEn)}</p>
            <p class="muted">{fmtTime(n.createdAt)}</p>
            {!n.readAt && <Button kind="link" busy={busy} onClick={() => read(n)}>{T('标为已读', 'Mark read')}</Button>}
          </li>
        ))}
      </ul>
    ) : <Empty>{T('暂无通知。', 'No notifications.')}</Empty>}</Show>
  );
}

// ---- my data: export and erasure ----

export function MyData() {
  const [exp, exporting] = useAction(async () => {
    const data = await get('/v1/me/export');
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `wushe-my-data-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    return T('已下载我的全部数据', 'All my data downloaded');
  });
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const [erase, erasing] = useAction(async () => {
    await post('/v1/me/deletion', { password });
    await signOut().catch(() => undefined);
    go('/');
    return T('账号已注销，个人信息已删除', 'Account closed and personal data erased');
  });
  return (
    <>
      <section class="card" aria-labelledby="exp-h">
        <h2 id="exp-h">{T('导出我的数据', 'Export my data')}</h2>
        <p class="muted">{T('下载平台保存的关于你的全部数据（JSON）。', 'Download everything the service holds about you (JSON).')}</p>
        <Button busy={exporting} onClick={() => exp()}>{T('下载', 'Download')}</Button>
      </section>
      <section class="card danger-zone" aria-labelledby="del-h">
        <h2 id="del-h">{T('注销账号并删除个人信息', 'Close my account and erase my data')}</h2>
        <p class="muted">{T('不可撤销：未开始的场次名额将释放；已核实的服务时长按规定匿名保留。', 'Cannot be undone: places in future shifts are freed; verified hours are kept anonymised as the rules require.')}</p>
        <form onSubmit={(e) => { e.preventDefault(); if (sure) erase(); }}>
          <Input label={T('输入密码确认', 'Your password, to confirm')} value={password} onValue={setPassword} type="password" autoComplete="current-password" required />
          <div class="check"><input type="checkbox" id="erase-sure" checked={sure} onChange={(e) => setSure((e.target as HTMLInputElement).checked)} /><label for="erase-sure">{T('我明白此操作不可撤销', 'I understand this cannot be undone')}</label></div>
          <Button type="submit" kind="danger" busy={erasing} disabled={!sure || !password}>{T('注销并删除', 'Close and erase')}</Button>
        </form>
      </section>
    </>
  );
}

