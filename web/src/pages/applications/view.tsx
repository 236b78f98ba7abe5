// One of the organisation's applications: a draft opens in its form; a
// submitted one shows as sent, with its decision, and once granted its
// tranches (reported here) and its performance evaluation.
import { enc, get, post } from '../../api';
import { Link } from '../../router';
import { label, T, useGlobal } from '../../state';
import type { Application, Fund, Organisation } from '../../types';
import { Badge, Button, Section, Show, ask, fmtTime, useLoad, yuan } from '../../ui';
import { applicationStatus } from '../organisation';
import { ProjectDetails } from '../shared';
import { ApplicationForm } from './form';
import { FormProblem, useFormAction } from './problems';
import { GrantPanel } from './tranches';

export const GRANTED = ['approved', 'running', 'completed', 'evaluated'];

export function ApplicationPage({ id }: { id: string }) {
  useGlobal();
  const a = useLoad(() => get<Application>(`/v1/applications/${enc(id)}`), [id]);
  return (
    <Show l={a}>{(app) => app.status === 'draft'
      ? <ApplicationForm key={app.id} app={app} organisationId={app.organisationId} onSaved={a.reload} />
      : <ApplicationView app={app} reload={a.reload} />}
    </Show>
  );
}

/** orgName is an organisation's name (public), for showing names, not ids. */
export function useOrgName(id?: string): string | undefined {
  const o = useLoad(async () => (id ? (await get<Organisation>(`/v1/organisations/${enc(id)}`)).name : undefined), [id]);
  return o.data ?? id;
}

function ApplicationView({ app, reload }: { app: Application; reload: () => void }) {
  const fund = useLoad(() => get<Fund>(`/v1/funds/${enc(app.fundId)}`), [app.fundId]);
  const evaluator = useOrgName(app.evaluatorOrgId);
  const [withdraw, busy, problem] = useFormAction(async () => {
    if (!ask('撤回后该申请不能恢复，须重新起草。确定撤回？', 'A withdrawn application cannot be restored; a new draft is needed. Withdraw?')) return;
    await post(`/v1/applications/${enc(app.id)}/withdrawal`);
    reload();
    return T('申请已撤回', 'Application withdrawn');
  });
  const undecided = app.status === 'submitted' || app.status === 'procurement';
  return (
    <>
      <p class="crumbs"><Link to="/applications">{T('项目申请', 'Applications')}</Link> /</p>
      <div class="page-head">
        <h1>{app.title} {applicationStatus(app.status)}</h1>
      </div>
      <Section title={T('申请', 'Application')}>
        <dl class="facts">
          <dt>{T('资金', 'Fund')}</dt><dd>{fund.data?.name ?? app.fundId}{app.government && <> <Badge>{T('政府购买服务', 'government purchase')}</Badge></>}</dd>
          {app.purchaseStage && <><dt>{T('购买流程', 'Purchase stage')}</dt><dd>{label('purchase_workflow', app.purchaseStage)}</dd></>}
          <dt>{T('申请金额', 'Requested')}</dt><dd>{yuan(app.requestedFen)}</dd>
          {app.grantedFen > 0 && <><dt>{T('资助金额', 'Granted')}</dt><dd><strong>{yuan(app.grantedFen)}</strong></dd></>}
          <dt>{T('服务对象', 'Target group')}</dt><dd>{label('target_groups', app.targetGroup)} · {T('受益', 'beneficiaries')} {app.beneficiaries}</dd>
          <dt>{T('专业岗位比例', 'Professional share')}</dt><dd>{app.professionalShare}</dd>
          {app.submittedAt && <><dt>{T('提交时间', 'Submitted')}</dt><dd>{fmtTime(app.submittedAt)}</dd></>}
          {app.decidedAt && <><dt>{T('决定时间', 'Decided')}</dt><dd>{fmtTime(app.decidedAt)}</dd></>}
          {app.decisionNote && <><dt>{T('资助方意见', 'Funder\'s note')}</dt><dd>{app.decisionNote}</dd></>}
          {app.evaluatorOrgId && <><dt>{T('受委托评估机构', 'Evaluation institution')}</dt><dd>{evaluator}</dd></>}
        </dl>
        {!!app.flags?.length && <p>{app.flags.map((f) => <Badge key={f.code} tone="warn">{T(f.zh, f.en)}</Badge>)}</p>}
        {app.summary && <p>{app.summary}</p>}
        {undecided && (
          <div class="actions">
            <Button kind="danger" busy={busy} onClick={() => withdraw()}>{T('撤回申请', 'Withdraw')}</Button>
          </div>
        )}
        <FormProblem error={problem} />
      </Section>
      {GRANTED.includes(app.status) && <GrantPanel app={app} canReport evaluatorName={evaluator} onChange={reload} />}
      <ProjectDetails app={app} title={T('项目内容', 'The project')} />
    </>
  );
}
