// The committee's needs: list, post and edit (with a map to place them), and
// one need's matches, invitations, linkage plan, attendance and feedback.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put, q } from '../api';
import { LocationPicker, type LatLng } from '../map';
import { Link, navigate } from '../router';
import { label, roles, T, useGlobal } from '../state';
import {
  Badge, Button, Check, Checks, Empty, Input, Panel, Section, Select, Show, Tabs, TextArea, VocabSelect,
  fmtTime, fromLocalInput, toLocalInput, beijingToday, short, toFen, useAction, useLoad, vocabOptions, yuan,
} from '../ui';

export interface Occurrence { id: string; start: string; end: string }
export interface Need {
  id: string; communityCode: string; communityName: string; countyCode: string; title: string; description?: string;
  domain: string; tasks: string[]; targetGroup: string; beneficiaries: number; location: LatLng; address?: string; radiusKm: number;
  window?: { start: string; end: string }; schedule?: { weekdays: number[]; start: string; end: string; from: string; until: string };
  occurrences: Occurrence[]; requiredSkills: { code: string; level: number }[]; headcount: number; backgroundCheck: boolean;
  highRisk: boolean; supervisorLevel: string; budgetFen: number; insuranceProvided: boolean; status: string; createdAt: string;
}

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  open: 'info', staffed: 'ok', in_progress: 'ok', completed: 'ok', evaluated: 'ok', draft: 'plain', cancelled: 'bad', expired: 'warn',
};

export function statusBadge(vocab: string, s: string) {
  return <Badge tone={STATUS_TONE[s] ?? 'plain'}>{label(vocab, s)}</Badge>;
}

function useCommunity(): [string, (c: string) => void, string[]] {
  const codes = roles('community_admin').map((r) => r.communityCode!).filter(Boolean);
  const [c, setC] = useState(codes[0] ?? '');
  return [c, setC, codes];
}

export function NeedsPage() {
  useGlobal();
  const [community, setCommunity, codes] = useCommunity();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Need[]>([]);
  const [cursor, setCursor] = useState('');
  const l = useLoad(async () => {
    const r = await get<{ items: Need[]; nextCursor: string }>('/v1/needs' + q({ community, status, limit: 50 }));
    setItems(r.items); setCursor(r.nextCursor);
    return r;
  }, [community, status]);
  const more = async () => {
    const r = await get<{ items: Need[]; nextCursor: string }>('/v1/needs' + q({ community, status, limit: 50, cursor }));
    setItems([...items, ...r.items]); setCursor(r.nextCursor);
  };
  return (
    <>
      <div class="page-head">
        <h1>{T('社区需求', 'Community needs')}</h1>
        <Link to="/needs/new" class="button primary">{T('发布需求', 'Post a need')}</Link>
      </div>
      <div class="filters">
        {codes.length > 1 && <Select label={T('社区', 'Community')} value={community} onValue={setCommunity} options={codes.map((c) => ({ value: c, label: c }))} />}
        <VocabSelect vocab="need_statuses" label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')} />
      </div>
      <Show l={l}>{() => items.length === 0 ? <Empty>{T('还没有需求。', 'No needs yet.')}</Empty> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th>{T('需求', 'Need')}</th><th>{T('领域', 'Domain')}</th><th>{T('时间', 'When')}</th><th>{T('人数', 'Places')}</th><th>{T('状态', 'Status')}</th></tr></thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <td><Link to={`/needs/${n.id}`}>{n.title}</Link></td>
                  <td>{label('domains', n.domain)}</td>
                  <td>{fmtTime(n.occurrences[0]?.start)}{n.occurrences.length > 1 && <span class="muted"> +{n.occurrences.length - 1}</span>}</td>
                  <td>{n.headcount}</td>
                  <td>{statusBadge('need_statuses', n.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}</Show>
      {cursor && <Button kind="secondary" onClick={more}>{T('更多', 'More')}</Button>}
    </>
  );
}

interface NeedForm {
  communityCode: string; title: string; description: string; domain: string; targetGroup: string; tasks: string[];
  recurring: boolean; date: string; start: string; end: string; weekdays: number[]; from: string; until: string;
  headcount: string; radiusKm: string; address: string; budget: string; beneficiaries: string;
  backgroundCheck: '' | 'yes' | 'no'; highRisk: boolean; insuranceProvided: boolean; skills: { code: string; level: string }[];
  location: LatLng; draft: boolean;
}

function formFromNeed(n: Need): NeedForm {
  const w = n.window;
  return {
    communityCode: n.communityCode, title: n.title, description: n.description ?? '', domain: n.domain, targetGroup: n.targetGroup, tasks: n.tasks,
    recurring: !!n.schedule, date: w ? toLocalInput(w.start).slice(0, 10) : beijingToday(2), start: w ? toLocalInput(w.start).slice(11) : '09:00',
    end: w ? toLocalInput(w.end).slice(11) : '11:00', weekdays: n.schedule?.weekdays ?? [6], from: n.schedule?.from ?? beijingToday(1),
    until: n.schedule?.until ?? beijingToday(29), headcount: String(n.headcount), radiusKm: String(n.radiusKm), address: n.address ?? '',
    budget: n.budgetFen ? String(n.budgetFen / 100) : '', beneficiaries: n.beneficiaries ? String(n.beneficiaries) : '',
    backgroundCheck: n.backgroundCheck ? 'yes' : 'no', highRisk: n.highRisk, insuranceProvided: n.insuranceProvided,
    skills: n.requiredSkills.map((s) => ({ code: s.code, level: String(s.level) })), location: n.location, draft: n.status === 'draft',
  };
}

function needBody(f: NeedForm, editing: boolean) {
  const b: Record<string, unknown> = {
    communityCode: f.communityCode, title: f.title.trim(), description: f.description.trim() || undefined, domain: f.domain,
    targetGroup: f.targetGroup, tasks: f.tasks, headcount: parseInt(f.headcount, 10) || 1, location: f.location,
    address: f.address.trim() || undefined, highRisk: f.highRisk, insuranceProvided: f.insuranceProvided,
    requiredSkills: f.skills.filter((s) => s.code).map((s) => ({ code: s.code, level: parseInt(s.level, 10) || 1 })),
  };
  if (f.radiusKm) b.radiusKm = parseFloat(f.radiusKm);
  if (f.budget) b.budgetFen = toFen(f.budget);
  if (f.beneficiaries) b.beneficiaries = parseInt(f.beneficiaries, 10);
  if (f.backgroundCheck) b.backgroundCheck = f.backgroundCheck === 'yes';
  if (f.recurring) b.schedule = { weekdays: [...f.weekdays].sort(), start: f.start, end: f.end, from: f.from, until: f.until };
  else b.window = { start: fromLocalInput(`${f.date}T${f.start}`), end: fromLocalInput(`${f.date}T${f.end}`) };
  if (!editing && f.draft) b.draft = true;
  return b;
}

export function NeedFormPage({ id }: { id?: string }) {
  useGlobal();
  const [community, , codes] = useCommunity();
  const [f, setF] = useState<NeedForm | null>(null);
  const [others, setOthers] = useState<Need[]>([]);
  useEffect(() => {
    (async () => {
      if (id) {
        setF(formFromNeed(await get<Need>(`/v1/needs/${enc(id)}`)));
        return;
      }
      // Start where the community's needs are; else at the nearest division
      // up the tree that has a point (communities often have none).
      let at: LatLng = { lat: 34.7466, lng: 113.6253 };
      try {
        const mine = await get<{ items: Need[] }>('/v1/needs' + q({ community, limit: 1 }));
        if (mine.items[0]) at = mine.items[0].location;
        else {
          for (let code = community; code; ) {
            const d = await get<{ lat?: number; lng?: number; parent: string }>(`/v1/divisions/${enc(code)}`);
            if (d.lat && d.lng) { at = { lat: d.lat, lng: d.lng }; break; }
            code = d.parent.length >= 4 ? d.parent : '';
          }
        }
      } catch { /* keep the city's centre */ }
      setF({
        communityCode: community, title: '', description: '', domain: 'community_governance', targetGroup: 'community_residents', tasks: [],
        recurring: false, date: beijingToday(2), start: '09:00', end: '11:00', weekdays: [6], from: beijingToday(1), until: beijingToday(29),
        headcount: '2', radiusKm: '3', address: '', budget: '', beneficiaries: '', backgroundCheck: '', highRisk: false, insuranceProvided: false,
        skills: [], location: at, draft: false,
      });
    })();
  }, [id, community]);
  useEffect(() => {
    if (community) get<{ items: Need[] }>('/v1/needs' + q({ community, status: 'open', limit: 50 })).then((r) => setOthers(r.items), () => {});
  }, [community]);
  const [save, busy] = useAction(async () => {
    if (!f) return;
    const n = id ? await put<Need>(`/v1/needs/${enc(id)}`, needBody(f, true)) : await post<Need>('/v1/needs', needBody(f, false));
    navigate(`/needs/${n.id}`);
    return id ? T('需求已保存', 'Need saved') : T('需求已发布', 'Need posted');
  });
  if (!f) return <p class="muted" role="status">{T('加载中…', 'Loading…')}</p>;
  const set = (patch: Partial<NeedForm>) => setF({ ...f, ...patch });
  return (
    <>
      <h1>{id ? T('修改需求', 'Edit need') : T('发布需求', 'Post a need')}</h1>
      <form class="card form" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <div class="grid">
          {codes.length > 1 && !id && <Select label={T('社区', 'Community')} value={f.communityCode} onValue={(v) => set({ communityCode: v })} options={codes.map((c) => ({ value: c, label: c }))} />}
          <Input label={T('标题', 'Title')} value={f.title} onValue={(v) => set({ title: v })} required minLength={2} class="wide" />
          <TextArea label={T('说明', 'Description')} value={f.description} onValue={(v) => set({ description: v })} />
          <VocabSelect vocab="domains" label={T('领域', 'Domain')} value={f.domain} onValue={(v) => set({ domain: v })} required />
          <VocabSelect vocab="target_groups" label={T('服务对象', 'Target group')} value={f.targetGroup} onValue={(v) => set({ targetGroup: v })} required />
          <Input label={T('每场人数', 'Places per occurrence')} type="number" min={1} max={500} value={f.headcount} onValue={(v) => set({ headcount: v })} required />
          <Input label={T('受益人数', 'Beneficiaries')} type="number" min={0} value={f.beneficiaries} onValue={(v) => set({ beneficiaries: v })} />
          <Input label={T('预算（元）', 'Budget (yuan)')} type="number" min={0} step="0.01" value={f.budget} onValue={(v) => set({ budget: v })} />
          <Select label={T('背景审查', 'Background check')} value={f.backgroundCheck} onValue={(v) => set({ backgroundCheck: v as NeedForm['backgroundCheck'] })}
            options={[{ value: '', label: T('按服务对象默认', 'Default for the group') }, { value: 'yes', label: T('需要', 'Required') }, { value: 'no', label: T('不需要', 'Not required') }]} />
        </div>
        <div class="grid">
          <Check label={T('高风险（需社会工作师及以上督导）', 'High risk (supervisor at 社会工作师 or above)')} checked={f.highRisk} onValue={(v) => set({ highRisk: v })} />
          <Check label={T('主办方为志愿者投保', 'The organiser insures the volunteers')} checked={f.insuranceProvided} onValue={(v) => set({ insuranceProvided: v })} />
          {!id && <Check label={T('存为草稿', 'Save as a draft')} checked={f.draft} onValue={(v) => set({ draft: v })} />}
        </div>
        <details>
          <summary>{T('服务任务', 'Service tasks')} ({f.tasks.length})</summary>
          <Checks legend={T('服务任务', 'Service tasks')} options={vocabOptions('service_tasks')} value={f.tasks} onValue={(v) => set({ tasks: v })} columns />
        </details>

        <fieldset>
          <legend>{T('时间（北京时间）', 'Time (Beijing)')}</legend>
          <div class="grid">
            <Select label={T('类型', 'Kind')} value={f.recurring ? 'weekly' : 'once'} onValue={(v) => set({ recurring: v === 'weekly' })}
              options={[{ value: 'once', label: T('单次', 'One-off') }, { value: 'weekly', label: T('每周重复', 'Weekly') }]} />
            {!f.recurring && <Input label={T('日期', 'Date')} type="date" value={f.date} onValue={(v) => set({ date: v })} required />}
            {f.recurring && <Input label={T('开始日期', 'From')} type="date" value={f.from} onValue={(v) => set({ from: v })} required />}
            {f.recurring && <Input label={T('结束日期', 'Until')} type="date" value={f.until} onValue={(v) => set({ until: v })} required />}
            <Input label={T('开始', 'Start')} type="time" step={1800} value={f.start} onValue={(v) => set({ start: v })} required />
            <Input label={T('结束', 'End')} type="time" step={1800} value={f.end} onValue={(v) => set({ end: v })} required />
          </div>
          {f.recurring && (
            <Checks legend={T('星期', 'Weekdays')} value={f.weekdays.map(String)} onValue={(v) => set({ weekdays: v.map(Number) })}
              options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: T('周' + '一二三四五六日'[d - 1], ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]) }))} />
          )}
        </fieldset>

        <fieldset>
          <legend>{T('技能要求', 'Required skills')}</legend>
          {f.skills.map((s, i) => (
            <div class="row" key={i}>
              <VocabSelect vocab="skills" label={T('技能', 'Skill')} value={s.code} onValue={(v) => set({ skills: f.skills.map((x, j) => j === i ? { ...x, code: v } : x) })} empty="—" />
              <Input label={T('等级（1–5）', 'Level (1–5)')} type="number" min={1} max={5} value={s.level} onValue={(v) => set({ skills: f.skills.map((x, j) => j === i ? { ...x, level: v } : x) })} />
              <Button kind="link" onClick={() => set({ skills: f.skills.filter((_, j) => j !== i) })}>{T('删除', 'Remove')}</Button>
            </div>
          ))}
          <Button kind="secondary" onClick={() => set({ skills: [...f.skills, { code: '', level: '1' }] })}>{T('添加技能', 'Add a skill')}</Button>
        </fieldset>

        <fieldset>
          <legend>{T('服务地点', 'Place')}</legend>
          <div class="grid">
            <Input label={T('地址', 'Address')} value={f.address} onValue={(v) => set({ address: v })} class="wide" />
            <Input label={T('纬度', 'Latitude')} type="number" step="any" min={34} max={35.2} value={f.location.lat} onValue={(v) => set({ location: { ...f.location, lat: parseFloat(v) } })} required />
            <Input label={T('经度', 'Longitude')} type="number" step="any" min={112.6} max={114.3} value={f.location.lng} onValue={(v) => set({ location: { ...f.location, lng: parseFloat(v) } })} required />
            <Input label={T('招募半径（公里）', 'Radius (km)')} type="number" min={0.5} max={50} step="0.5" value={f.radiusKm} onValue={(v) => set({ radiusKm: v })} />
          </div>
          <LocationPicker value={f.location} onPick={(p) => set({ location: p })}
            markers={others.filter((n) => n.id !== id).map((n) => ({ at: n.location, title: n.title }))} />
          <p class="muted">{T('地图坐标为 GCJ-02；点击地图或使用方向键移动地点。', 'Coordinates are GCJ-02; click the map or use the arrow keys to move the point.')}</p>
        </fieldset>
        <div class="actions">
          <Button type="submit" busy={busy}>{id ? T('保存', 'Save') : T('发布', 'Post')}</Button>
          <Link to={id ? `/needs/${id}` : '/needs'} class="button secondary">{T('取消', 'Cancel')}</Link>
        </div>
      </form>
    </>
  );
}

const NEXT: Record<string, string[]> = {
  draft: ['open', 'cancelled'], open: ['in_progress', 'cancelled'], staffed: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'], completed: ['evaluated'],
};

export function NeedPage({ id }: { id: string }) {
  useGlobal();
  const need = useLoad(() => get<Need>(`/v1/needs/${enc(id)}`), [id]);
  const [tab, setTab] = useState('matches');
  const [occ, setOcc] = useState('');
  const [note, setNote] = useState('');
  const [move, moving] = useAction(async (to: string) => {
    await post(`/v1/needs/${enc(id)}/transitions`, { to, note: note.trim() || undefined, reason: note.trim() || undefined });
    setNote('');
    need.reload();
    return T('状态已变更', 'Status changed');
  });
  return (
    <Show l={need}>{(n) => {
      const o = occ || n.occurrences[0]?.id || '';
      return (
        <>
          <div class="page-head">
            <div>
              <p class="crumbs"><Link to="/needs">{T('社区需求', 'Needs')}</Link> /</p>
              <h1>{n.title} {statusBadge('need_statuses', n.status)}</h1>
              <p class="muted">
                {n.communityName} · {label('domains', n.domain)} · {label('target_groups', n.targetGroup)} · {T('每场', 'places')} {n.headcount} {T('人', '')}
                {n.budgetFen > 0 && <> · {yuan(n.budgetFen)}</>} · {T('督导等级', 'supervisor level')} {label('certificate_levels', n.supervisorLevel)}
              </p>
            </div>
            {(n.status === 'draft' || n.status === 'open') && <Link to={`/needs/${n.id}/edit`} class="button secondary">{T('修改', 'Edit')}</Link>}
          </div>
          {(NEXT[n.status] ?? []).length > 0 && (
            <div class="card transitions">
              <Input label={T('备注或原因（可选）', 'Note or reason (optional)')} value={note} onValue={setNote} />
              {NEXT[n.status].map((to) => (
                <Button key={to} kind={to === 'cancelled' ? 'danger' : 'secondary'} busy={moving} onClick={() => move(to)}>
                  {T('改为：', 'Move to: ')}{label('need_statuses', to)}
                </Button>
              ))}
            </div>
          )}
          {n.occurrences.length > 1 && (
            <Select label={T('场次', 'Occurrence')} value={o} onValue={setOcc}
              options={n.occurrences.map((x) => ({ value: x.id, label: `${fmtTime(x.start)} – ${fmtTime(x.end).slice(11)}` }))} />
          )}
          {n.occurrences.length === 1 && <p>{T('时间：', 'When: ')}{fmtTime(n.occurrences[0].start)} – {fmtTime(n.occurrences[0].end).slice(11)}</p>}
          <Tabs label={T('需求详情', 'Need details')} current={tab} onChange={setTab} tabs={[
            { id: 'matches', label: T('匹配与邀请', 'Matches & invitations') },
            { id: 'plan', label: T('联动方案', 'Linkage plan') },
            { id: 'attendance', label: T('签到与出勤', 'Check-in & attendance') },
            { id: 'feedback', label: T('服务对象反馈', 'Feedback') },
            { id: 'history', label: T('变更记录', 'History') },
          ]} />
          <Panel id={tab}>
            {tab === 'matches' && <Matches need={n} occ={o} />}
            {tab === 'plan' && <Plan need={n} />}
            {tab === 'attendance' && <Attendance need={n} occ={o} />}
            {tab === 'feedback' && <Feedback need={n} />}
            {tab === 'history' && <History path={`/v1/needs/${enc(n.id)}/history`} vocab="need_statuses" />}
          </Panel>
        </>
      );
    }}</Show>
  );
}

interface Part { part: string; points: number; max: number; zh: string; en: string }
// distanceBand: the service shows others a volunteer's distance only as a band, from the home's ~1 km cell.
interface Candidate { volunteerId: string; name: string; score: number; distanceBand: { code: string; zh: string; en: string }; parts: Part[] }
interface Matches {
  candidates: Candidate[]; volunteers: number; eligible: number; excluded: number; skipped: number;
  exclusions: { reason: string; zh: string; en: string; count: number; only: number }[];
}
interface Invitation { id: string; volunteerId: string; occurrenceId: string; status: string; score: number; createdAt: string; expiresAt: string }

function Matches({ need, occ }: { need: Need; occ: string }) {
  const s = useGlobal();
  const m = useLoad(() => get<Matches>(`/v1/needs/${enc(need.id)}/matches` + q({ occurrenceId: occ, limit: 20 })), [need.id, occ]);
  const inv = useLoad(() => get<{ items: Invitation[] }>(`/v1/needs/${enc(need.id)}/invitations`), [need.id]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [invite, busy] = useAction(async () => {
    const r = await post<{ results: { volunteerId: string; problem?: { detail?: string } }[] }>(`/v1/needs/${enc(need.id)}/invitations`, { volunteerIds: chosen, occurrenceId: occ });
    const failed = r.results.filter((x) => x.problem);
    setChosen([]);
    inv.reload();
    if (failed.length) throw new Error(failed.map((x) => `${short(x.volunteerId)}: ${x.problem?.detail}`).join('；'));
    return T(`已邀请 ${r.results.length} 位志愿者`, `Invited ${r.results.length} volunteer(s)`);
  });
  const names = new Map((m.data?.candidates ?? []).map((c) => [c.volunteerId, c.name]));
  return (
    <>
      <Section title={T('匹配的志愿者', 'Matched volunteers')} actions={
        <Button busy={busy} disabled={chosen.length === 0} onClick={invite}>{T(`邀请所选（${chosen.length}）`, `Invite selected (${chosen.length})`)}</Button>
      }>
        <Show l={m}>{(r) => (
          <>
            <p class="stats">
              {T(`共考虑 ${r.volunteers} 人，符合条件 ${r.eligible} 人，排除 ${r.excluded} 人`, `${r.volunteers} considered, ${r.eligible} eligible, ${r.excluded} excluded`)}
              {r.skipped > 0 && T(`，已在方案中或已邀请 ${r.skipped} 人`, `, ${r.skipped} already placed or invited`)}
            </p>
            {r.exclusions.length > 0 && (
              <details class="exclusions">
                <summary>{T('排除原因', 'Why volunteers were excluded')}</summary>
                <ul>{r.exclusions.map((x) => (
                  <li key={x.reason}>{s.lang === 'en' ? x.en : x.zh}</li>
                ))}</ul>
              </details>
            )}
            {r.candidates.length === 0 ? <Empty>{T('暂无符合条件的志愿者。', 'No eligible volunteers.')}</Empty> : (
              <div class="table-wrap">
                <table class="matches">
                  <thead><tr><th scope="col"><span class="sr-only">{T('选择', 'Select')}</span></th><th>{T('志愿者', 'Volunteer')}</th><th>{T('得分', 'Score')}</th><th>{T('距离', 'Distance')}</th><th>{T('理由', 'Reasons')}</th></tr></thead>
                  <tbody>
                    {r.candidates.map((c) => (
                      <tr key={c.volunteerId}>
                        <td><input type="checkbox" id={`pick-${c.volunteerId}`} checked={chosen.includes(c.volunteerId)}
                          onChange={(e) => setChosen((e.target as HTMLInputElement).checked ? [...chosen, c.volunteerId] : chosen.filter((x) => x !== c.volunteerId))} /></td>
                        <td><label for={`pick-${c.volunteerId}`}>{c.name}</label></td>
                        <td><strong>{c.score}</strong></td>
                        <td>{s.lang === 'en' ? c.distanceBand.en : c.distanceBand.zh}</td>
                        <td>
                          <div class="parts" aria-hidden="true">{c.parts.map((p) => <span key={p.part} class={`part p-${p.part}`} style={{ flexGrow: p.points || 0.0001 }} title={`${s.lang === 'en' ? p.en : p.zh} ${p.points}/${p.max}`} />)}</div>
                          <ul class="reasons">{c.parts.map((p) => <li key={p.part}>{s.lang === 'en' ? p.en : p.zh} <span class="muted">{p.points}/{p.max}</span></li>)}</ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}</Show>
      </Section>
      <Section title={T('已发出的邀请', 'Invitations sent')}>
        <Show l={inv}>{(r) => r.items.length === 0 ? <Empty>{T('尚未邀请。', 'None yet.')}</Empty> : (
          <table>
            <thead><tr><th>{T('志愿者', 'Volunteer')}</th><th>{T('场次', 'Occurrence')}</th><th>{T('状态', 'Status')}</th><th>{T('截止', 'Expires')}</th></tr></thead>
            <tbody>{r.items.map((i) => (
              <tr key={i.id}><td>{names.get(i.volunteerId) ?? short(i.volunteerId)}</td><td>{fmtTime(need.occurrences.find((o) => o.id === i.occurrenceId)?.start)}</td>
                <td><Badge tone={i.status === 'accepted' ? 'ok' : i.status === 'pending' ? 'info' : 'warn'}>{invitationStatus(i.status)}</Badge></td><td>{fmtTime(i.expiresAt)}</td></tr>
            ))}</tbody>
          </table>
        )}</Show>
      </Section>
    </>
  );
}

function invitationStatus(s: string) {
  const m: Record<string, [string, string]> = { pending: ['待回复', 'pending'], accepted: ['已接受', 'accepted'], declined: ['已谢绝', 'declined'], expired: ['已过期', 'expired'], full: ['名额已满', 'full'] };
  return m[s] ? T(m[s][0], m[s][1]) : s;
}

interface Plan {
  needId: string; confirmed: boolean; confirmedAt?: string; headcount: number; filled: Record<string, number>; organisationId?: string;
  fundId?: string; grantId?: string; supervisor?: { id: string; name: string; phone: string }; supervisorState?: string;
  volunteers: { id: string; name: string; phone: string }[];
  assignments: { id: string; occurrenceId: string; volunteerId: string; placeNo: number; start: string; end: string; status: string }[];
}

function Plan({ need }: { need: Need }) {
  const p = useLoad(() => get<Plan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const sup = useLoad(() => get<{ candidates: { socialWorkerId: string; name: string; score: number; internal: boolean; caseload: number; parts: Part[] }[]; eligible: number; workers: number }>(`/v1/needs/${enc(need.id)}/supervisors` + q({ limit: 5 })), [need.id]);
  const [orgId, setOrgId] = useState('');
  const orgs = useLoad(() => get<{ items: { id: string; name: string }[] }>('/v1/organisations' + q({ division: need.countyCode, limit: 100 })), [need.countyCode]);
  const [propose, proposing] = useAction(async (id: string) => {
    await put(`/v1/needs/${enc(need.id)}/plan/supervisor`, { socialWorkerId: id });
    p.reload();
    return T('已邀请督导社工', 'Supervisor proposed');
  });
  const [setOrg, settingOrg] = useAction(async () => {
    await put(`/v1/needs/${enc(need.id)}/plan/organisation`, { organisationId: orgId });
    p.reload();
    return T('已指定承接机构', 'Organisation named');
  });
  const [confirm, confirming] = useAction(async () => {
    await post(`/v1/needs/${enc(need.id)}/plan/confirm`);
    p.reload();
    return T('联动方案已确认', 'Plan confirmed');
  });
  return (
    <Show l={p}>{(plan) => (
      <>
        <Section title={T('联动方案', 'Linkage plan')} actions={
          plan.confirmed ? <Badge tone="ok">{T('已确认', 'Confirmed')} {fmtTime(plan.confirmedAt)}</Badge>
            : <Button busy={confirming} onClick={confirm}>{T('确认联动方案', 'Confirm the plan')}</Button>
        }>
          <dl class="facts">
            <dt>{T('志愿者', 'Volunteers')}</dt>
            <dd>{plan.volunteers.length === 0 ? T('暂无', 'none yet') : plan.volunteers.map((v) => `${v.name}（${v.phone}）`).join('、')}</dd>
            <dt>{T('名额', 'Places')}</dt>
            <dd>{need.occurrences.map((o) => `${fmtTime(o.start).slice(5)}：${plan.filled[o.id] ?? 0}/${plan.headcount}`).join('；')}</dd>
            <dt>{T('督导社工', 'Supervisor')}</dt>
            <dd>{plan.supervisor ? `${plan.supervisor.name}（${plan.supervisor.phone}）· ${supervisorState(plan.supervisorState)}` : T('未指定', 'none')}</dd>
            <dt>{T('承接机构', 'Organisation')}</dt>
            <dd>{plan.organisationId ? (orgs.data?.items.find((o) => o.id === plan.organisationId)?.name ?? plan.organisationId) : T('未指定', 'none')}</dd>
            <dt>{T('资金', 'Fund')}</dt>
            <dd>{plan.fundId ? `${plan.fundId}${plan.grantId ? ' · ' + plan.grantId : ''}` : T('未关联', 'none')}</dd>
          </dl>
        </Section>
        <Section title={T('督导社工建议', 'Suggested supervisors')}>
          <Show l={sup}>{(r) => r.candidates.length === 0 ? <Empty>{T('暂无符合条件的督导社工。', 'No eligible supervisors.')}</Empty> : (
            <table>
              <thead><tr><th>{T('社工', 'Social worker')}</th><th>{T('得分', 'Score')}</th><th>{T('在督案例', 'Caseload')}</th><th>{T('理由', 'Reasons')}</th><th /></tr></thead>
              <tbody>{r.candidates.map((c) => (
                <tr key={c.socialWorkerId}>
                  <td>{c.name} {c.internal && <Badge>{T('本机构', 'internal')}</Badge>}</td><td>{c.score}</td><td>{c.caseload}</td>
                  <td class="muted">{c.parts.map((x) => T(x.zh, x.en)).join('；')}</td>
                  <td><Button kind="secondary" busy={proposing} disabled={plan.supervisor?.id === c.socialWorkerId} onClick={() => propose(c.socialWorkerId)}>{T('邀请督导', 'Propose')}</Button></td>
                </tr>
              ))}</tbody>
            </table>
          )}</Show>
        </Section>
        <Section title={T('承接机构', 'Carrying organisation')}>
          <form class="row" onSubmit={(e) => { e.preventDefault(); setOrg(); }}>
            <Select label={T('机构', 'Organisation')} value={orgId} onValue={setOrgId} empty="—" required
              options={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
            <Button type="submit" kind="secondary" busy={settingOrg} disabled={!orgId}>{T('指定', 'Name it')}</Button>
          </form>
        </Section>
      </>
    )}</Show>
  );
}

function supervisorState(s?: string) {
  const m: Record<string, [string, string]> = { proposed: ['待回复', 'proposed'], accepted: ['已接受', 'accepted'], declined: ['已谢绝', 'declined'] };
  return s && m[s] ? T(m[s][0], m[s][1]) : '';
}

function Attendance({ need, occ }: { need: Need; occ: string }) {
  const p = useLoad(() => get<Plan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const o = need.occurrences.find((x) => x.id === occ);
  const [marks, setMarks] = useState<Record<string, { on: boolean; checkin: string; checkout: string }>>({});
  const [send, busy] = useAction(async () => {
    const lines = Object.entries(marks).filter(([, m]) => m.on).map(([volunteerId, m]) => ({ volunteerId, checkin: fromLocalInput(m.checkin), checkout: fromLocalInput(m.checkout) }));
    const r = await post<{ records: unknown[]; problems: { detail?: string }[] }>('/v1/attendance/marks', { occurrenceId: occ, marks: lines });
    setMarks({});
    if (r.problems.length) throw new Error(r.problems.map((x) => x.detail).join('；'));
    return T(`已登记 ${r.records.length} 条出勤，服务时长待核实`, `${r.records.length} attendance line(s) recorded; hours await verification`);
  });
  if (!o) return <Empty>{T('没有场次。', 'No occurrence.')}</Empty>;
  // Hours only for what happened: the service records attendance once the
  // occurrence has started, and no check-out later than now.
  const started = Date.parse(o.start) <= Date.now();
  const lastOut = Date.parse(o.end) > Date.now() ? new Date().toISOString() : o.end;
  return (
    <>
      <Section title={T('签到码', 'Check-in code')}>
        <p>{T('在现场屏幕上全屏显示轮换的 6 位签到码，志愿者在小程序中输入签到与签退。', 'Show the rotating 6-digit code full-screen on site; volunteers enter it in the mini-program to check in and out.')}</p>
        <Link to={`/needs/${need.id}/code/${enc(occ)}`} class="button primary">{T('显示签到码', 'Show the check-in code')}</Link>
      </Section>
      <Section title={T('批量登记出勤', 'Mark attendance')}>
        {!started ? <Empty>{T('该场次尚未开始，开始后才能登记出勤和服务时长。', 'This occurrence has not started: attendance and hours can be recorded once it has.')}</Empty> : <Show l={p}>{(plan) => {
          const here = plan.assignments.filter((a) => a.occurrenceId === occ && a.status === 'accepted');
          if (here.length === 0) return <Empty>{T('该场次还没有志愿者。', 'No volunteer holds a place in this occurrence.')}</Empty>;
          const line = (id: string) => marks[id] ?? { on: false, checkin: toLocalInput(o.start), checkout: toLocalInput(lastOut) };
          const setLine = (id: string, patch: Partial<{ on: boolean; checkin: string; checkout: string }>) => setMarks({ ...marks, [id]: { ...line(id), ...patch } });
          return (
            <form onSubmit={(e) => { e.preventDefault(); send(); }}>
              <table>
                <thead><tr><th>{T('志愿者', 'Volunteer')}</th><th>{T('签到', 'Check-in')}</th><th>{T('签退', 'Check-out')}</th></tr></thead>
                <tbody>{here.map((a) => {
                  const name = plan.volunteers.find((v) => v.id === a.volunteerId)?.name ?? short(a.volunteerId);
                  const m = line(a.volunteerId);
                  return (
                    <tr key={a.id}>
                      <td><Check label={name} checked={m.on} onValue={(on) => setLine(a.volunteerId, { on })} /></td>
                      <td><input type="datetime-local" aria-label={T(`${name} 签到时间`, `${name} check-in`)} value={m.checkin} onInput={(e) => setLine(a.volunteerId, { checkin: (e.target as HTMLInputElement).value })} /></td>
                      <td><input type="datetime-local" aria-label={T(`${name} 签退时间`, `${name} check-out`)} value={m.checkout} onInput={(e) => setLine(a.volunteerId, { checkout: (e.target as HTMLInputElement).value })} /></td>
                    </tr>
                  );
                })}</tbody>
              </table>
              <div class="actions">
                <Button type="submit" busy={busy} disabled={!Object.values(marks).some((m) => m.on)}>{T('登记出勤', 'Record attendance')}</Button>
                <Link to="/hours" class="button secondary">{T('去核实服务时长', 'Verify hours')}</Link>
              </div>
            </form>
          );
        }}</Show>}
      </Section>
    </>
  );
}

function Feedback({ need }: { need: Need }) {
  const p = useLoad(() => get<Plan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const [rating, setRating] = useState('5');
  const [comment, setComment] = useState('');
  const [about, setAbout] = useState('');
  const [send, busy] = useAction(async () => {
    await post(`/v1/needs/${enc(need.id)}/feedback`, { rating: parseInt(rating, 10), comment: comment.trim() || undefined, about: about.trim() || p.data?.supervisor?.id || undefined });
    return T('反馈已记录', 'Feedback recorded');
  });
  const done = need.status === 'completed' || need.status === 'evaluated';
  return (
    <Section title={T('服务对象反馈', 'Service-object feedback')}>
      {!done && <p class="muted">{T('需求完成后可记录一次服务对象反馈。', 'Feedback can be recorded once, after the need is completed.')}</p>}
      <form onSubmit={(e) => { e.preventDefault(); send(); }}>
        <fieldset class="rating">
          <legend>{T('满意度', 'Satisfaction')}</legend>
          {[1, 2, 3, 4, 5].map((r) => (
            <label key={r}><input type="radio" name="rating" value={String(r)} checked={rating === String(r)} onChange={() => setRating(String(r))} /> {r}</label>
          ))}
        </fieldset>
        <Input label={T('针对的社会工作者（账号）', 'About social worker (account id)')} value={about} onValue={setAbout}
          placeholder={p.data?.supervisor ? `${p.data.supervisor.name} ${p.data.supervisor.id}` : ''} hint={T('缺省为本需求的督导社工', 'Defaults to the need\'s supervisor')} />
        <TextArea label={T('意见', 'Comment')} value={comment} onValue={setComment} />
        <Button type="submit" busy={busy} disabled={!done}>{T('提交反馈', 'Submit feedback')}</Button>
      </form>
    </Section>
  );
}

export function History({ path, vocab }: { path: string; vocab?: string }) {
  const h = useLoad(() => get<{ items: { seq: number; from: string; to: string; by: string; at: string; note?: string; reason?: string }[] }>(path), [path]);
  return (
    <Show l={h}>{(r) => r.items.length === 0 ? <Empty>{T('暂无记录。', 'No history.')}</Empty> : (
      <ol class="history">{r.items.map((x) => (
        <li key={x.seq}><span class="muted">{fmtTime(x.at)}</span> {x.from ? (vocab ? label(vocab, x.from) : x.from) : '—'} → <strong>{vocab ? label(vocab, x.to) : x.to}</strong>
          {(x.reason || x.note) && <span class="muted"> · {[x.reason, x.note].filter(Boolean).join(' · ')}</span>}</li>
      ))}</ol>
    )}</Show>
  );
}

export function CheckinCodePage({ id, occ }: { id: string; occ: string }) {
  useGlobal();
  const [code, setCode] = useState<{ code: string; changesAt: string } | null>(null);
  const [err, setErr] = useState('');
  const [now, setNow] = useState(Date.now());
  const need = useLoad(() => get<Need>(`/v1/needs/${enc(id)}`), [id]);
  useEffect(() => {
    let stop = false;
    let timer = 0;
    const load = async () => {
      try {
        const c = await get<{ code: string; changesAt: string }>('/v1/attendance/code' + q({ occurrenceId: occ }));
        if (stop) return;
        setCode(c); setErr('');
        timer = window.setTimeout(load, Math.max(1000, Math.min(30000, Date.parse(c.changesAt) - Date.now() + 500)));
      } catch (e) {
        if (stop) return;
        setErr(e instanceof Error ? e.message : String(e));
        timer = window.setTimeout(load, 10000);
      }
    };
    load();
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => { stop = true; clearTimeout(timer); clearInterval(tick); };
  }, [occ]);
  const o = need.data?.occurrences.find((x) => x.id === occ);
  const left = code ? Math.max(0, Math.round((Date.parse(code.changesAt) - now) / 1000)) : 0;
  return (
    <main class="codescreen" id="main">
      <div class="code-top">
        <Link to={`/needs/${id}`} class="button secondary">← {T('返回', 'Back')}</Link>
        <button type="button" class="secondary" onClick={() => document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen().catch(() => {})}>
          {T('全屏', 'Full screen')}
        </button>
      </div>
      <h1>{need.data?.title ?? ''}</h1>
      {o && <p class="when">{fmtTime(o.start)} – {fmtTime(o.end).slice(11)}</p>}
      <p class="label">{T('签到码', 'Check-in code')}</p>
      <p class="code" aria-live="polite" aria-atomic="true" data-testid="checkin-code">{code ? code.code.split('').join(' ') : '······'}</p>
      {code && <p class="muted">{T(`${Math.floor(left / 60)} 分 ${left % 60} 秒后更换`, `changes in ${Math.floor(left / 60)} min ${left % 60} s`)}</p>}
      {err && <p class="error" role="alert">{err}</p>}
    </main>
  );
}

