// An occurrence's check-in code link and the bulk attendance marks.
import { useState } from 'preact/hooks';
import { enc, get, post } from '../../api';
import { Link } from '../../router';
import { T } from '../../state';
import { Button, Check, Empty, Section, Show, fromLocalInput, toLocalInput, useAction, useLoad } from '../../ui';
import type { Marks, Need, NeedPlan } from '../../types';

export function Attendance({ need, occ }: { need: Need; occ: string }) {
  const p = useLoad(() => get<NeedPlan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const o = (need.occurrences ?? []).find((x) => x.id === occ);
  const [marks, setMarks] = useState<Record<string, { on: boolean; checkin: string; checkout: string }>>({});
  const [send, busy] = useAction(async () => {
    const lines = Object.entries(marks).filter(([, m]) => m.on).map(([volunteerId, m]) => ({ volunteerId, checkin: fromLocalInput(m.checkin), checkout: fromLocalInput(m.checkout) }));
    const r = await post<Marks>('/v1/attendance/marks', { occurrenceId: occ, marks: lines });
    setMarks({});
    if (r.problems?.length) throw new Error(r.problems.map((x) => x.detail).join('；'));
    return T(`已登记 ${r.records?.length ?? 0} 条出勤，服务时长待核实`, `${r.records?.length ?? 0} attendance line(s) recorded; hours await verification`);
  });
  if (!o) return <Empty>{T('没有场次。', 'No occurrence.')}</Empty>;
  // Hours only for what happened: the service records attendance once the
  // occurrence has started, and no check-out later than now.
  const started = Date.parse(o.start) <= Date.now();
  const lastOut = Date.parse(o.end) > Date.now() ? new Date().toISOString() : o.end;
  return (
    <>
      <Section title={T('签到码', 'Check-in code')}>
        <p>{T('在现场屏幕或手机上全屏显示轮换的签到二维码和 6 位签到码，志愿者在小程序中扫码或输入，签到与签退。', 'Show the rotating check-in QR code and its 6 digits full-screen on a screen or a phone on site; volunteers scan or type it in the app to check in and out.')}</p>
        <Link to={`/needs/${need.id}/code/${enc(occ)}`} class="button primary">{T('显示签到码', 'Show the check-in code')}</Link>
      </Section>
      <Section title={T('批量登记出勤', 'Mark attendance')}>
        {!started ? <Empty>{T('该场次尚未开始，开始后才能登记出勤和服务时长。', 'This occurrence has not started: attendance and hours can be recorded once it has.')}</Empty> : <Show l={p}>{(plan) => {
          // everyone holding a place: those who took an invitation and those the committee placed
          const here = (plan.assignments ?? []).filter((a) => a.occurrenceId === occ && a.status !== 'withdrawn');
          if (here.length === 0) return <Empty>{T('该场次还没有志愿者。', 'No volunteer holds a place in this occurrence.')}</Empty>;
          const line = (id: string) => marks[id] ?? { on: false, checkin: toLocalInput(o.start), checkout: toLocalInput(lastOut) };
          const setLine = (id: string, patch: Partial<{ on: boolean; checkin: string; checkout: string }>) => setMarks({ ...marks, [id]: { ...line(id), ...patch } });
          const all = here.every((a) => line(a.volunteerId).on);
          return (
            <form onSubmit={(e) => { e.preventDefault(); send(); }}>
              <Check label={T(`全选（${here.length} 人）`, `Select all (${here.length})`)} checked={all}
                onValue={(on) => setMarks(Object.fromEntries(here.map((a) => [a.volunteerId, { ...line(a.volunteerId), on }])))} />
              <table class="stack marks">
                <thead><tr><th>{T('志愿者', 'Volunteer')}</th><th>{T('签到', 'Check-in')}</th><th>{T('签退', 'Check-out')}</th></tr></thead>
                <tbody>{here.map((a) => {
                  const name = plan.volunteers?.find((v) => v.id === a.volunteerId)?.name || T('（未留姓名的志愿者）', '(volunteer without a name)');
                  const m = line(a.volunteerId);
                  return (
                    <tr key={a.id}>
                      <td class="lead"><Check label={name} checked={m.on} onValue={(on) => setLine(a.volunteerId, { on })} /></td>
                      <td data-label={T('签到', 'Check-in')}><input type="datetime-local" aria-label={T(`${name} 签到时间`, `${name} check-in`)} value={m.checkin} onInput={(e) => setLine(a.volunteerId, { checkin: (e.target as HTMLInputElement).value })} /></td>
                      <td data-label={T('签退', 'Check-out')}><input type="datetime-local" aria-label={T(`${name} 签退时间`, `${name} check-out`)} value={m.checkout} onInput={(e) => setLine(a.volunteerId, { checkout: (e.target as HTMLInputElement).value })} /></td>
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
