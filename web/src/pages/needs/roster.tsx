// Shift day: who holds a place in an occurrence (names and phones from the
// plan, never account ids), the hours already waiting for verification, and
// the way to the check-in code.
import { enc, get, q } from '../../api';
import { Link } from '../../router';
import { T } from '../../state';
import { Badge, Empty, Section, Show, num, useLoad } from '../../ui';
import type { HoursList, Need, NeedPlan } from '../../types';

export function Roster({ need, occ }: { need: Need; occ: string }) {
  const p = useLoad(() => get<NeedPlan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  // hours recorded for this occurrence (by check-out or a mark) and not yet verified
  const h = useLoad(() => get<HoursList>('/v1/hours/pending' + q({ community: need.communityCode, limit: 100 })).then((r) => r.items ?? []).catch(() => []), [need.communityCode]);
  return (
    <Section title={T('当班名单', 'Roster')} actions={
      <Link to={`/needs/${need.id}/code/${enc(occ)}`} class="button primary">{T('显示签到码', 'Show the check-in code')}</Link>
    }>
      <Show l={p}>{(plan) => {
        const places = (plan.assignments ?? []).filter((a) => a.occurrenceId === occ).sort((a, b) => a.placeNo - b.placeNo);
        const held = places.filter((a) => a.status !== 'withdrawn');
        const left = places.filter((a) => a.status === 'withdrawn');
        const person = (id: string) => plan.volunteers?.find((v) => v.id === id);
        return (
          <>
            <p class="stats" data-testid="roster-count">
              {T(`已安排 ${held.length}/${plan.headcount} 人`, `${held.length} of ${plan.headcount} places held`)} · {plan.confirmed ? T('方案已确认', 'plan confirmed') : T('方案未确认（确认后显示完整电话）', 'plan not confirmed (full phones once it is)')}
            </p>
            {held.length === 0 ? <Empty>{T('该场次还没有志愿者。', 'No volunteer holds a place in this occurrence.')}</Empty> : (
              <ul class="roster">
                {held.map((a) => {
                  const v = person(a.volunteerId);
                  const hours = (h.data ?? []).filter((x) => x.occurrenceId === occ && x.volunteerId === a.volunteerId);
                  return (
                    <li key={a.id}>
                      <div class="who">
                        <strong>{v?.name || T('（未留姓名的志愿者）', '(volunteer without a name)')}</strong>
                        <span class="muted">{T(`第 ${a.placeNo} 位`, `place ${a.placeNo}`)}</span>
                        <Badge tone={a.status === 'accepted' ? 'ok' : 'info'}>{a.status === 'accepted' ? T('已接受邀请', 'accepted') : T('社区安排', 'placed by the committee')}</Badge>
                        {hours.map((x) => <Badge key={x.id} tone="warn">{T(`时长待核实 ${num(x.hours, 2)} 小时`, `${num(x.hours, 2)} h awaiting verification`)}</Badge>)}
                      </div>
                      {v?.phone && (/\*/.test(v.phone) ? <span class="muted">{v.phone}</span>
                        : <a class="button secondary" href={`tel:${v.phone}`} aria-label={T(`致电 ${v.name} ${v.phone}`, `Call ${v.name} ${v.phone}`)}>{v.phone}</a>)}
                    </li>
                  );
                })}
              </ul>
            )}
            {left.length > 0 && <p class="muted">{T('已退出：', 'Withdrawn: ')}{left.map((a) => person(a.volunteerId)?.name ?? T('志愿者', 'a volunteer')).join('、')}</p>}
          </>
        );
      }}</Show>
    </Section>
  );
}
