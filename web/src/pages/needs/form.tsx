// Post or edit a need, with a map to place it.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put, q } from '../../api';
import { communityCentres } from '../../divisions';
import { LocationPicker, type LatLng, type Marker } from '../../map';
import { Link, navigate } from '../../router';
import { T, useGlobal } from '../../state';
import {
  Button, Check, Checks, DraftNote, Input, Select, Skeleton, TextArea, VocabSelect,
  fromLocalInput, toLocalInput, beijingToday, toFen, useAction, useDraft, vocabOptions,
} from '../../ui';
import type { Division, Need, NeedList } from '../../types';
import { useCommunity } from './common';

type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

interface NeedForm {
  communityCode: string; title: string; description: string; domain: string; targetGroup: string; tasks: string[];
  recurring: boolean; date: string; start: string; end: string; weekdays: Weekday[]; from: string; until: string;
  headcount: string; radiusKm: string; address: string; budget: string; beneficiaries: string;
  backgroundCheck: '' | 'yes' | 'no'; highRisk: boolean; insuranceProvided: boolean; skills: { code: string; level: string }[];
  location: LatLng; draft: boolean;
}

function formFromNeed(n: Need): NeedForm {
  const w = n.window;
  return {
    communityCode: n.communityCode, title: n.title, description: n.description ?? '', domain: n.domain, targetGroup: n.targetGroup, tasks: n.tasks ?? [],
    recurring: !!n.schedule, date: w ? toLocalInput(w.start).slice(0, 10) : beijingToday(2), start: w ? toLocalInput(w.start).slice(11) : '09:00',
    end: w ? toLocalInput(w.end).slice(11) : '11:00', weekdays: n.schedule?.weekdays ?? ['sat'], from: n.schedule?.from ?? beijingToday(1),
    until: n.schedule?.until ?? beijingToday(29), headcount: String(n.headcount), radiusKm: String(n.radiusKm), address: n.address ?? '',
    budget: n.budgetFen ? String(n.budgetFen / 100) : '', beneficiaries: n.beneficiaries ? String(n.beneficiaries) : '',
    backgroundCheck: n.backgroundCheck ? 'yes' : 'no', highRisk: n.highRisk, insuranceProvided: n.insuranceProvided,
    skills: (n.requiredSkills ?? []).map((s) => ({ code: s.code, level: String(s.level) })), location: n.location, draft: n.status === 'draft',
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
  if (f.recurring) b.schedule = { weekdays: WEEKDAYS.filter((d) => f.weekdays.includes(d)), start: f.start, end: f.end, from: f.from, until: f.until };
  else b.window = { start: fromLocalInput(`${f.date}T${f.start}`), end: fromLocalInput(`${f.date}T${f.end}`) };
  if (!editing && f.draft) b.draft = true;
  return b;
}

export function NeedFormPage({ id }: { id?: string }) {
  useGlobal();
  const [community, , codes] = useCommunity();
  const [f, setF, draft] = useDraft<NeedForm | null>(`need:${id ?? 'new:' + community}`, null);
  const [fresh, setFresh] = useState(0); // a discarded draft loads the need again
  const [others, setOthers] = useState<Need[]>([]);
  useEffect(() => {
    (async () => {
      if (id) {
        draft.load(formFromNeed(await get<Need>(`/v1/needs/${enc(id)}`)));
        return;
      }
      // Start where the community's needs are; else at the nearest division
      // up the tree that has a point (communities often have none).
      let at: LatLng = { lat: 34.7466, lng: 113.6253 };
      try {
        const mine = await get<NeedList>('/v1/needs' + q({ community, limit: 1 }));
        if (mine.items?.[0]) at = mine.items[0].location;
        else {
          for (let code = community; code; ) {
            const d = await get<Division>(`/v1/divisions/${enc(code)}`);
            if (d.lat && d.lng) { at = { lat: d.lat, lng: d.lng }; break; }
            code = d.parent.length >= 4 ? d.parent : '';
          }
        }
      } catch { /* keep the city's centre */ }
      draft.load({
        communityCode: community, title: '', description: '', domain: 'community_governance', targetGroup: 'community_residents', tasks: [],
        recurring: false, date: beijingToday(2), start: '09:00', end: '11:00', weekdays: ['sat'], from: beijingToday(1), until: beijingToday(29),
        headcount: '2', radiusKm: '3', address: '', budget: '', beneficiaries: '', backgroundCheck: '', highRisk: false, insuranceProvided: false,
        skills: [], location: at, draft: false,
      });
    })();
  }, [id, community, fresh]);
  useEffect(() => {
    if (community) get<NeedList>('/v1/needs' + q({ community, status: 'open', limit: 50 })).then((r) => setOthers(r.items ?? []), () => {});
  }, [community]);
  // the communities of the same township whose centre is set, as points on the map
  const [centres, setCentres] = useState<Division[]>([]);
  const town = (f?.communityCode ?? community).slice(0, 9);
  useEffect(() => {
    if (town.length === 9) communityCentres(town).then(setCentres, () => setCentres([]));
  }, [town]);
  const [save, busy] = useAction(async () => {
    if (!f) return;
    const n = id ? await put<Need>(`/v1/needs/${enc(id)}`, needBody(f, true)) : await post<Need>('/v1/needs', needBody(f, false));
    draft.clear();
    navigate(`/needs/${n.id}`);
    return id ? T('需求已保存', 'Need saved') : T('需求已发布', 'Need posted');
  });
  if (!f) return <Skeleton lines={8} />;
  const set = (patch: Partial<NeedForm>) => setF({ ...f, ...patch });
  return (
    <>
      <h1>{id ? T('修改需求', 'Edit need') : T('发布需求', 'Post a need')}</h1>
      <DraftNote draft={draft} onDiscard={() => { draft.load(null); setFresh((n) => n + 1); }} />
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
            <Checks legend={T('星期', 'Weekdays')} value={f.weekdays} onValue={(v) => set({ weekdays: v as Weekday[] })}
              options={WEEKDAYS.map((d, i) => ({ value: d, label: T('周' + '一二三四五六日'[i], d[0].toUpperCase() + d.slice(1)) }))} />
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
            markers={[...centres.map((c): Marker => ({ at: { lat: c.lat!, lng: c.lng! }, title: c.name, tone: 'community' })),
              ...others.filter((n) => n.id !== id).map((n): Marker => ({ at: n.location, title: n.title }))]} />
          <p class="muted">{T('地图坐标为 GCJ-02；点击地图或使用方向键移动地点。蓝点为本社区其他需求，紫色小点为本街道已设定中心点的社区。',
            'Coordinates are GCJ-02; click the map or use the arrow keys to move the point. Blue dots: the community\'s other needs; small purple dots: communities of the township whose centre is set.')}</p>
        </fieldset>
        <div class="actions">
          <Button type="submit" busy={busy}>{id ? T('保存', 'Save') : T('发布', 'Post')}</Button>
          <Link to={id ? `/needs/${id}` : '/needs'} class="button secondary">{T('取消', 'Cancel')}</Link>
        </div>
      </form>
    </>
  );
}
