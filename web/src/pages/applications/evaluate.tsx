// The evaluator's screen (绩效评估): an evaluator of the institution a funder
// engaged sees the projects it is engaged on (GET /v1/me/evaluation-projects),
// opens one, reads it in full with its tranches, and records the evaluation,
// scoring every target of the project.
import { useState } from 'preact/hooks';
import { enc, get, post, q } from '../../api';
import { Link, navigate } from '../../router';
import { label, T, useGlobal } from '../../state';
import type { Application, ApplicationList, EvaluationInput, Grant } from '../../types';
import { Button, Check, Empty, Input, Section, Select, Show, TextArea, ask, fmtTime, useLoad } from '../../ui';
import { applicationStatus, applicationStatusText } from '../organisation';
import { ProjectDetails, kpiKind } from '../shared';
import { GRADE_CODES, gradeName } from './evaluation';
import { FormProblem, useFormAction } from './problems';
import { GrantPanel } from './tranches';
import { useOrgName } from './view';

export function EvaluatorPage() {
  useGlobal();
  const [status, setStatus] = useState('');
  const [id, setId] = useState('');
  const l = useLoad(() => get<ApplicationList>('/v1/me/evaluation-projects' + q({ status, limit: 100 })), [status]);
  return (
    <>
      <h1>{T('绩效评估', 'Project evaluations')}</h1>
      <Section title={T('受委托评估的项目', 'Projects your institution is engaged on')} actions={
        <Select label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')}
          options={['approved', 'running', 'completed', 'evaluated'].map((s) => ({ value: s, label: applicationStatusText(s) }))} />
      }>
        <Show l={l}>{(r) => !r.items?.length ? <Empty>{T('暂无受委托评估的项目。', 'No project has engaged your institution yet.')}</Empty> : (
          <table class="stack">
            <thead><tr><th>{T('项目', 'Project')}</th><th>{T('状态', 'Status')}</th><th>{T('更新', 'Updated')}</th></tr></thead>
            <tbody>{r.items.map((x) => (
              <tr key={x.id}><td class="lead"><Link to={`/evaluate/${enc(x.id)}`}>{x.title}</Link></td>
                <td data-label={T('状态', 'Status')}>{applicationStatus(x.status)}</td><td data-label={T('更新', 'Updated')}>{fmtTime(x.updatedAt)}</td></tr>
            ))}</tbody>
          </table>
        )}</Show>
      </Section>
      <Section title={T('按编号打开', 'Open by number')}>
        <form class="row" onSubmit={(e) => { e.preventDefault(); if (id.trim()) navigate(`/evaluate/${enc(id.trim())}`); }}>
          <Input label={T('项目编号', 'Project number')} value={id} onValue={setId} required pattern="[A-Za-z0-9_\-]{1,64}" />
          <Button type="submit">{T('打开', 'Open')}</Button>
        </form>
      </Section>
    </>
  );
}

export function EvaluatePage({ id }: { id: string }) {
  useGlobal();
  const a = useLoad(() => get<Application>(`/v1/applications/${enc(id)}`), [id]);
  return (
    <Show l={a}>{(app) => <EvaluateProject app={app} reload={a.reload} />}</Show>
  );
}

function EvaluateProject({ app, reload }: { app: Application; reload: () => void }) {
  const org = useOrgName(app.organisationId);
  const grant = useLoad(() => get<Grant>(`/v1/applications/${enc(app.id)}/grant`), [app.id, app.status]);
  return (
    <>
      <p class="crumbs"><Link to="/evaluate">{T('绩效评估', 'Project evaluations')}</Link> /</p>
      <div class="page-head"><h1>{app.title} {applicationStatus(app.status)}</h1></div>
      <p class="muted">{org} · {label('target_groups', app.targetGroup)} · {T('受益', 'beneficiaries')} {app.beneficiaries}
        {app.purchaseStage && <> · {label('purchase_workflow', app.purchaseStage)}</>}</p>
      {app.summary && <p>{app.summary}</p>}
      {grant.data && !grant.data.evaluation && (app.status === 'completed'
        ? <EvaluationForm app={app} onDone={reload} />
        : <Section title={T('评估', 'Evaluation')}><p>{T('项目完成全部里程碑（均经督导核验）后才能评估。', 'A project is evaluated once every milestone is verified by its supervisor.')}</p></Section>)}
      <GrantPanel key={app.status} app={app} canReport={false} />
      <ProjectDetails app={app} title={T('项目内容', 'The project')} />
    </>
  );
}

function EvaluationForm({ app, onDone }: { app: Application; onDone: () => void }) {
  const kpis = app.kpis ?? [];
  const [f, setF] = useState({ score: '', grade: '', report: '' });
  const [results, setResults] = useState(kpis.map(() => ({ actual: '', met: false })));
  const [submit, busy, problem] = useFormAction(async () => {
    if (!ask('评估提交后不能修改，项目将标记为已评估，资助方随后可拨付尾款。确定提交？',
      'An evaluation is final once submitted: the project is marked evaluated and the funder may release the final tranche. Submit?')) return;
    const body: EvaluationInput = {
      score: parseInt(f.score, 10), grade: f.grade as EvaluationInput['grade'], report: f.report.trim(),
      kpiResults: results.map((r, index) => ({ index, actual: r.actual.trim(), met: r.met })),
    };
    await post(`/v1/applications/${enc(app.id)}/evaluation`, body);
    onDone();
    return T('评估已提交', 'Evaluation recorded');
  });
  const setResult = (i: number, p: Partial<{ actual: string; met: boolean }>) => setResults(results.map((r, j) => (j === i ? { ...r, ...p } : r)));
  return (
    <Section title={T('提交评估', 'Record the evaluation')} id="evaluation-form">
      <form class="form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div class="grid">
          <Input label={T('总分（0–100）', 'Score (0–100)')} type="number" min={0} max={100} step={1} value={f.score} onValue={(v) => setF({ ...f, score: v })} required />
          <Select label={T('等级', 'Grade')} value={f.grade} onValue={(v) => setF({ ...f, grade: v })} required empty="—"
            options={GRADE_CODES.map((g) => ({ value: g, label: gradeName(g) }))} />
          <TextArea label={T('评估报告（10–20000 字）', 'Report (10–20000 characters)')} value={f.report} onValue={(v) => setF({ ...f, report: v })} rows={4} />
        </div>
        <h3>{T('逐项评定考核指标', 'Each target, one by one')}</h3>
        {!kpis.length ? <Empty>{T('项目没有考核指标。', 'The project has no targets.')}</Empty> : kpis.map((k, i) => (
          <fieldset key={i}>
            <legend>{T('指标', 'Target')} {i + 1}：{kpiKind(k.kind)} · {k.indicator}（{T('目标', 'target')} {k.target}）</legend>
            <div class="row">
              <Input label={T('实际完成', 'Achieved')} value={results[i].actual} onValue={(v) => setResult(i, { actual: v })} />
              <Check label={T('达标', 'Met')} checked={results[i].met} onValue={(v) => setResult(i, { met: v })} />
            </div>
          </fieldset>
        ))}
        <FormProblem error={problem} />
        <div class="actions"><Button type="submit" busy={busy}>{T('提交评估', 'Submit the evaluation')}</Button></div>
      </form>
    </Section>
  );
}
