// What the volunteer reports themselves, pending verification: hours for a
// shift they served where check-in failed, and training (continuing
// education). The API decides; its refusal is shown under the field it names.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { T } from '../state';
import { Badge, Button, Empty, Input, Select, Show, beijingToday, fmtTime, useAction, useLoad } from '../ui';
import { A, go } from './nav';
import { STATUS, useTitles, type HoursRecord, type Sc, type Training } from './common';

type Refusal = Record<string, string>;

/**
 * byField sorts the API's refusal by the field it names (body.hours → hours);
 * a refusal naming no field of the form (the shift is not yours, not over,
 * already recorded) goes under the fallback field.
 */
function byField(e: ApiError, fields: string[], fallback: string): Refusal {
  const out: Refusal = {};
  const add = (k: string, m: string) => { out[k] = out[k] ? `${out[k]}；${m}` : m; };
  const items = (e.problem.errors ?? []).filter((x) => x.message);
  for (const x of items) {
    const k = (x.location ?? '').replace(/^body\./, '').split(/[.[]/)[0];
    add(fields.includes(k) ? k : fallback, x.message!);
  }
  if (!items.length) add(fallback, e.problem.detail || e.message);
  return out;
}

/** useFormAction is useAction whose 4xx refusals go under the form's fields instead of the notice line. */
function useFormAction(fields: string[], fallback: string, fn: () => Promise<string | void>): [() => Promise<boolean>, boolean, Refusal, (r: Refusal) => void] {
  const [refusal, setRefusal] = useState<Refusal>({});
  const [run, busy] = useAction(async () => {
    setRefusal({});
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401) {
        setRefusal(byField(e, fields, fallback));
        return;
      }
      throw e;
    }
  });
  return [run, busy, refusal, setRefusal];
}

// ---- self-reported hours ----

const windowHours = (a: { start: string; end: string }) => Math.round(((Date.parse(a.end) - Date.parse(a.start)) / 3600e3) * 100) / 100;

export function ReportHours() {
  const l = useLoad(() => get<Sc['PersonalExport']>('/v1/me/export'), []);
  const [ended] = useState(() => Date.now());
  const shifts = (l.data?.assignments ?? []).filter((a) => a.status !== 'withdrawn' && Date.parse(a.window.end) <= ended)
    .sort((x, y) => y.window.start.localeCompare(x.window.start));
  const titles = useTitles(shifts.map((a) => a.needId));
  const [occ, setOcc] = useState(new URLSearchParams(location.search).get('occ') ?? '');
  const [hours, setHours] = useState('');
  // The latest version of each shift's record: such a shift has its hours already.
  const recorded = new Map<string, { status: string; version: number }>();
  for (const h of l.data?.hoursRecords ?? []) {
    const r = recorded.get(h.occurrenceId);
    if (!r || h.version > r.version) recorded.set(h.occurrenceId, { status: h.status, version: h.version });
  }
  const chosen = shifts.find((a) => a.occurrenceId === occ);
  useEffect(() => {
    if (!l.data || chosen) return;
    const first = shifts.find((a) => !recorded.has(a.occurrenceId)) ?? shifts[0];
    if (first) { setOcc(first.occurrenceId); setHours(String(windowHours(first.window))); }
  }, [l.data]);
  useEffect(() => { if (chosen && !hours) setHours(String(windowHours(chosen.window))); }, [chosen?.occurrenceId]);
  const [send, busy, refusal, setRefusal] = useFormAction(['occurrenceId', 'hours'], 'occurrenceId', async () => {
    const r = await post<HoursRecord>('/v1/me/hours', { occurrenceId: occ, hours: Number(hours) });
    go('/hours');
    return T(`已自报 ${r.hours} 小时，待社区核实`, `${r.hours} h reported, pending verification by the committee`);
  });
  const name = (a: { needId: string; window: { start: string; end: string }; occurrenceId: string }) => {
    const rec = recorded.get(a.occurrenceId);
    const st = rec && STATUS[rec.status];
    return `${titles[a.needId]?.title ?? T('需求', 'Need')} · ${fmtTime(a.window.start)}–${fmtTime(a.window.end).slice(-5)}` +
      (rec ? ` · ${T('已有记录', 'recorded')}${st ? `（${T(st[0], st[1])}）` : ''}` : '');
  };
  return (
    <Show l={l}>{() => shifts.length === 0 ? (
      <Empty>{T('没有已结束的场次。服务结束后，可为签到未成功的场次自报时长。', 'No shift has ended yet. Once a shift is over, you can report its hours if check-in failed.')} <A to="/shifts">{T('我的场次', 'My shifts')}</A></Empty>
    ) : (
      <form class="card" onSubmit={(e) => { e.preventDefault(); send(); }} aria-describedby="report-note">
        <p id="report-note" class="muted">{T('签到或签退未成功时，可为你有名额、已结束的场次自报服务时长；社区核实后计入。',
          'If check-in or check-out failed, report the hours of an ended shift you held a place in; they count once the committee verifies them.')}</p>
        <Select label={T('场次', 'Shift')} value={occ} onValue={(v) => { setOcc(v); setHours(''); setRefusal({}); }}
          options={shifts.map((a) => ({ value: a.occurrenceId, label: name(a) }))} required error={refusal.occurrenceId}
          hint={chosen ? name(chosen) : T('只列出已结束、你有名额的场次', 'Only ended shifts you held a place in')} />
        <Input label={T('服务时长（小时）', 'Hours served')} type="number" inputMode="decimal" min={0.25} max={25} step={0.25} required
          value={hours} onValue={(v) => { setHours(v); setRefusal({ ...refusal, hours: '' }); }} error={refusal.hours}
          hint={chosen ? T(`该场次 ${windowHours(chosen.window)} 小时；自报不超过场次时长加 1 小时，以 0.25 小时为单位`,
            `This shift is ${windowHours(chosen.window)} h; report at most 1 h more than that, in quarter hours`) : undefined} />
        <Button type="submit" busy={busy}>{T('提交，待核实', 'Send for verification')}</Button>
      </form>
    )}</Show>
  );
}

// ---- training and continuing education ----

/** CATEGORIES are the API's training categories (TrainingInputBody.category). */
const CATEGORIES: [string, string, string][] = [
  ['course', '培训课程', 'Course'], ['workshop', '工作坊', 'Workshop'], ['conference', '学术会议', 'Conference'],
  ['supervision', '专业督导', 'Supervision'], ['degree', '学历学位教育', 'Degree study'], ['online', '网络学习', 'Online learning'],
];
const category = (c: string) => { const x = CATEGORIES.find((k) => k[0] === c); return x ? T(x[1], x[2]) : c; };

export function AddTraining() {
  const empty = { course: '', provider: '', category: 'course', hours: '', date: beijingToday(), evidenceUrl: '' };
  const [f, setF] = useState(empty);
  const fields = Object.keys(empty);
  const [save, busy, refusal, setRefusal] = useFormAction(fields, 'course', async () => {
    const body: Record<string, unknown> = { course: f.course.trim(), provider: f.provider.trim(), category: f.category, hours: Number(f.hours), date: f.date };
    if (f.evidenceUrl.trim()) body.evidenceUrl = f.evidenceUrl.trim();
    const t = await post<Training>('/v1/me/training', body);
    setF(empty);
    return T(`已登记「${t.course}」${t.hours} 学时，待核实`, `"${t.course}" (${t.hours} h) recorded, pending verification`);
  });
  const set = (k: keyof typeof empty) => (v: string) => { setF({ ...f, [k]: v }); if (refusal[k]) setRefusal({ ...refusal, [k]: '' }); };
  return (
    <>
      <form class="card" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <p class="muted">{T('登记参加过的培训或继续教育，核实后计入学时。', 'Record training or continuing education you took; it counts once verified.')}</p>
        <Input label={T('课程名称', 'Course')} value={f.course} onValue={set('course')} required error={refusal.course} />
        <Input label={T('举办单位', 'Provider')} value={f.provider} onValue={set('provider')} required error={refusal.provider} />
        <Select label={T('类别', 'Category')} value={f.category} onValue={set('category')} error={refusal.category}
          options={CATEGORIES.map(([value, zh, en]) => ({ value, label: T(zh, en) }))} />
        <Input label={T('学时', 'Hours')} type="number" inputMode="decimal" min={0.5} max={500} step={0.5} required value={f.hours} onValue={set('hours')}
          error={refusal.hours} hint={T('0.5–500，以 0.5 为单位', '0.5–500, in half hours')} />
        <Input label={T('培训日期', 'Date')} type="date" max={beijingToday()} required value={f.date} onValue={set('date')} error={refusal.date} />
        <Input label={T('证明材料链接（可选）', 'Evidence link (optional)')} type="url" inputMode="url" placeholder="https://" value={f.evidenceUrl}
          onValue={set('evidenceUrl')} error={refusal.evidenceUrl} />
        <Button type="submit" busy={busy}>{T('登记，待核实', 'Record for verification')}</Button>
      </form>
      <section class="card" aria-labelledby="my-tr-h">
        <h2 id="my-tr-h">{T('我的培训记录', 'My training')}</h2>
        <TrainingList />
      </section>
    </>
  );
}

/** TrainingList is the caller's training, newest first, each with its verification status, and the hours pending. */
export function TrainingList() {
  const t = useLoad(() => get<Sc['ListOutputTrainingDTOBody']>('/v1/me/training?limit=100'), []);
  return (
    <Show l={t}>{(r) => {
      const items = [...(r.items ?? [])].sort((a, b) => b.date.localeCompare(a.date) || b.createdAt.localeCompare(a.createdAt));
      if (!items.length) return <Empty>{T('暂无培训记录。', 'No training recorded.')}</Empty>;
      const pending = items.filter((x) => x.status === 'pending').reduce((a, x) => a + x.hours, 0);
      return (
        <>
          {pending > 0 && <p><Badge tone="warn">{T(`${pending} 学时待核实`, `${pending} h pending verification`)}</Badge></p>}
          <ul class="plain training">
            {items.map((x) => {
              const st = STATUS[x.status];
              return (
                <li key={x.id}>
                  <strong>{x.course}</strong> · {x.hours} {T('学时', 'h')} <Badge tone={st[2]}>{T(st[0], st[1])}</Badge>
                  <br /><span class="muted">{x.date} · {category(x.category)} · {x.provider}</span>
                  {x.note && <><br /><span class="muted">{x.note}</span></>}
                </li>
              );
            })}
          </ul>
        </>
      );
    }}</Show>
  );
}
