// The volunteer's home screen and own details: profile, community, the week, the home point.
import { useState } from 'preact/hooks';
import { get, q } from '../api';
import { state, T, terms } from '../state';
import { Badge, Button, Checks, ErrorBox, Input, Select, Show, useAction, useLoad } from '../ui';
import { LocationPicker, type LatLng } from '../map';
import { A, signOut } from './nav';
import { ZZ, myProfile, saveProfile, here, NoProfile, type Sc, type Volunteer } from './common';

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
