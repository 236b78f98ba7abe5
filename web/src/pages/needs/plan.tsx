// A need's linkage plan: volunteers and places, the supervisor (suggested and
// proposed), the carrying organisation, and its confirmation.
import { useState } from 'preact/hooks';
import { enc, get, post, put, q } from '../../api';
import { T } from '../../state';
import { Badge, Button, Empty, Section, Select, Show, fmtTime, useAction, useLoad } from '../../ui';
import type { Need, NeedPlan, OrganisationList, Supervisors } from '../../types';

export function Plan({ need }: { need: Need }) {
  const p = useLoad(() => get<NeedPlan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const sup = useLoad(() => get<Supervisors>(`/v1/needs/${enc(need.id)}/supervisors` + q({ limit: 5 })), [need.id]);
  const [orgId, setOrgId] = useState('');
  const orgs = useLoad(() => get<OrganisationList>('/v1/organisations' + q({ division: need.countyCode, limit: 100 })), [need.countyCode]);
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
  const [confirm, confirming] = useAction(async (plan: NeedPlan) => {
    const missing: [string, string][] = [];
    if (!plan.volunteers?.length) missing.push(['还没有志愿者', 'no volunteers yet']);
    if (plan.supervisorState !== 'accepted') missing.push(['督导社工尚未接受', 'no supervisor has accepted']);
    if (!plan.organisationId) missing.push(['未指定承接机构', 'no carrying organisation']);
    const warn = missing.length ? T(`注意：${missing.map((m) => m[0]).join('、')}。`, `Note: ${missing.map((m) => m[1]).join(', ')}. `) : '';
    if (!window.confirm(warn + T('确认后联动方案生效，志愿者与督导将看到彼此的联系方式。确定确认？', 'Once confirmed the plan is in force and its people see each other\'s phones. Confirm?'))) return;
    await post(`/v1/needs/${enc(need.id)}/plan/confirm`);
    p.reload();
    return T('联动方案已确认', 'Plan confirmed');
  });
  return (
    <Show l={p}>{(plan) => (
      <>
        <Section title={T('联动方案', 'Linkage plan')} actions={
          plan.confirmed ? <Badge tone="ok">{T('已确认', 'Confirmed')} {fmtTime(plan.confirmedAt)}</Badge>
            : <Button busy={confirming} onClick={() => confirm(plan)}>{T('确认联动方案', 'Confirm the plan')}</Button>
        }>
          <dl class="facts">
            <dt>{T('志愿者', 'Volunteers')}</dt>
            <dd>{!plan.volunteers?.length ? T('暂无', 'none yet') : plan.volunteers.map((v) => `${v.name}（${v.phone}）`).join('、')}</dd>
            <dt>{T('名额', 'Places')}</dt>
            <dd>{(need.occurrences ?? []).map((o) => `${fmtTime(o.start).slice(5)}：${plan.filled[o.id] ?? 0}/${plan.headcount}`).join('；')}</dd>
            <dt>{T('督导社工', 'Supervisor')}</dt>
            <dd>{plan.supervisor ? `${plan.supervisor.name}（${plan.supervisor.phone}）· ${supervisorState(plan.supervisorState)}` : T('未指定', 'none')}</dd>
            <dt>{T('承接机构', 'Organisation')}</dt>
            <dd>{plan.organisationId ? (orgs.data?.items?.find((o) => o.id === plan.organisationId)?.name ?? plan.organisationId) : T('未指定', 'none')}</dd>
            <dt>{T('资金', 'Fund')}</dt>
            <dd>{plan.fundId ? `${plan.fundId}${plan.grantId ? ' · ' + plan.grantId : ''}` : T('未关联', 'none')}</dd>
          </dl>
        </Section>
        <Section title={T('督导社工建议', 'Suggested supervisors')}>
          <Show l={sup}>{(r) => !r.candidates?.length ? <Empty>{T('暂无符合条件的督导社工。', 'No eligible supervisors.')}</Empty> : (
            <table class="stack">
              <thead><tr><th>{T('社工', 'Social worker')}</th><th>{T('得分', 'Score')}</th><th>{T('在督案例', 'Caseload')}</th><th>{T('理由', 'Reasons')}</th><th><span class="sr-only">{T('操作', 'Action')}</span></th></tr></thead>
              <tbody>{r.candidates.map((c) => (
                <tr key={c.socialWorkerId}>
                  <td class="lead">{c.name} {c.internal && <Badge>{T('本机构', 'internal')}</Badge>}</td><td data-label={T('得分', 'Score')}>{c.score}</td><td data-label={T('在督案例', 'Caseload')}>{c.caseload}</td>
                  <td class="muted" data-label={T('理由', 'Reasons')}>{(c.parts ?? []).map((x) => T(x.zh, x.en)).join('；')}</td>
                  <td class="act"><Button kind="secondary" busy={proposing} disabled={plan.supervisor?.id === c.socialWorkerId} onClick={() => propose(c.socialWorkerId)}>{T('邀请督导', 'Propose')}</Button></td>
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
