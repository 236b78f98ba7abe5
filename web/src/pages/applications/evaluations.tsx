// What the organisation's evaluations say: its comprehensive evaluations by
// civil affairs (社会组织等级评估, public), and each project's performance
// evaluation by the institution its funder engaged.
import { useState } from 'preact/hooks';
import { enc, get, q } from '../../api';
import { Link } from '../../router';
import { label, T, useGlobal } from '../../state';
import type { Application, ApplicationList, Evaluation, Grant, OrgEvaluations } from '../../types';
import { Badge, Empty, Section, Select, Show, fmtDate, useLoad } from '../../ui';
import { applicationStatus, ownOrganisations } from '../organisation';
import { EvaluationResult } from './evaluation';
import { useOrgName } from './view';

export function OrgEvaluationsPage() {
  useGlobal();
  const orgs = ownOrganisations();
  const [org, setOrg] = useState(orgs[0] ?? '');
  if (!org) return <Empty>{T('账号未绑定机构。', 'This account is bound to no organisation.')}</Empty>;
  return (
    <>
      <h1>{T('评估结果', 'Evaluations')}</h1>
      {orgs.length > 1 && <Select label={T('机构', 'Organisation')} value={org} onValue={setOrg} options={orgs.map((x) => ({ value: x, label: x }))} />}
      <Comprehensive org={org} />
      <Projects org={org} />
    </>
  );
}

function Comprehensive({ org }: { org: string }) {
  const l = useLoad(() => get<OrgEvaluations>(`/v1/organisations/${enc(org)}/evaluations`), [org]);
  return (
    <Section title={T('机构综合评估（社会组织等级评估）', 'Comprehensive evaluations (organisation grades)')}>
      <Show l={l}>{(r) => (
        <>
          <p>{r.current
            ? <>{T('当前等级', 'Current grade')} <Badge tone="ok">{label('evaluation_levels', r.current.level)}</Badge> {T('有效期至', 'valid until')} {r.current.validUntil}</>
            : <Badge tone="warn">{T('当前没有有效的评估等级', 'No grade holds today')}</Badge>}</p>
          {!r.items?.length ? <Empty>{T('尚无评估记录。', 'No evaluations recorded.')}</Empty> : (
            <div class="table-wrap">
              <table>
                <thead><tr><th>{T('等级', 'Grade')}</th><th>{T('评估机构', 'Institution')}</th><th>{T('评估日期', 'Evaluated')}</th><th>{T('有效期至', 'Valid until')}</th><th>{T('状态', 'Status')}</th></tr></thead>
                <tbody>{r.items.map((e) => (
                  <tr key={e.id}>
                    <td>{label('evaluation_levels', e.level)}</td><td>{e.institution}</td><td>{e.evaluatedOn}</td><td>{e.validUntil}</td>
                    <td>{e.valid ? <Badge tone="ok">{T('有效', 'holds')}</Badge> : <Badge>{T('已失效', 'lapsed')}</Badge>}{e.note && <span class="muted"> · {e.note}</span>}</td>
                  </tr>
                ))}</tbody>
              </table>
            </div>
          )}
        </>
      )}</Show>
    </Section>
  );
}

interface ProjectEvaluation { app: Application; evaluation?: Evaluation | null }

/** evaluatedProjects are the projects with an evaluator engaged or evaluated, with their evaluations. */
async function evaluatedProjects(org: string): Promise<ProjectEvaluation[]> {
  const l = await get<ApplicationList>('/v1/applications' + q({ organisationId: org, limit: 100 }));
  const apps = (l.items ?? []).filter((a) => a.status === 'evaluated' || a.evaluatorOrgId);
  return Promise.all(apps.map(async (app) => ({ app, evaluation: (await get<Grant>(`/v1/applications/${enc(app.id)}/grant`)).evaluation })));
}

function Projects({ org }: { org: string }) {
  const l = useLoad(() => evaluatedProjects(org), [org]);
  return (
    <Section title={T('项目绩效评估', 'Projects\' performance evaluations')}>
      <Show l={l}>{(items) => !items.length ? <Empty>{T('尚无受委托评估的项目。', 'No project has an evaluator yet.')}</Empty> : (
        <ul class="apps">{items.map(({ app, evaluation }) => (
          <li key={app.id} class="card app">
            <div class="card-head"><h3><Link to={`/applications/${enc(app.id)}`}>{app.title}</Link></h3>{applicationStatus(app.status)}</div>
            {evaluation
              ? <ProjectEvaluation ev={evaluation} app={app} />
              : <p class="muted">{app.status === 'completed' ? T('里程碑均已核验，等待受委托评估机构评估。', 'Every milestone verified: waiting for the engaged institution.') : T('已委托评估机构，项目完成后评估。', 'An institution is engaged; it evaluates once the project completes.')}{' '}{fmtDate(app.updatedAt)}</p>}
          </li>
        ))}</ul>
      )}</Show>
    </Section>
  );
}

function ProjectEvaluation({ ev, app }: { ev: Evaluation; app: Application }) {
  return <EvaluationResult ev={ev} kpis={app.kpis ?? []} by={useOrgName(ev.organisationId)} />;
}
