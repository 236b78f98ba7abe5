// The grant of a running project and its tranches: one per milestone, each
// reported by the organisation, verified by the supervising social worker
// and released by the funder. The organisation reports a milestone here.
import { useState } from 'preact/hooks';
import { enc, get, post } from '../../api';
import { T } from '../../state';
import type { Application, Grant, Tranche, TrancheStep } from '../../types';
import { Badge, Button, Section, Show, TextArea, ask, fmtTime, useLoad, yuan } from '../../ui';
import { Kpi } from '../funds';
import { EvaluationResult } from './evaluation';
import { FormProblem, useFormAction } from './problems';

const STATUSES: Record<Tranche['status'], [string, string, 'plain' | 'info' | 'warn' | 'ok']> = {
  pending: ['待报告', 'to report', 'plain'], reported: ['已报告，待督导核验', 'reported, to verify', 'info'],
  verified: ['已核验，待拨付', 'verified, to release', 'warn'], released: ['已拨付', 'released', 'ok'],
};

export function trancheStatus(s: Tranche['status']) {
  const [zh, en, tone] = STATUSES[s] ?? [s, s, 'plain'];
  return <Badge tone={tone}>{T(zh, en)}</Badge>;
}

function Step({ step }: { step?: TrancheStep | null }) {
  if (!step) return <span class="muted">—</span>;
  return <>{fmtTime(step.at)}{step.note && <><br /><span class="muted">{step.note}</span></>}</>;
}

/** GrantPanel shows the grant and its tranches; with canReport, a form for each milestone not yet reported. */
export function GrantPanel({ app, canReport, evaluatorName, onChange }: { app: Application; canReport: boolean; evaluatorName?: string; onChange?: () => void }) {
  const g = useLoad(() => get<Grant>(`/v1/applications/${enc(app.id)}/grant`), [app.id]);
  const changed = () => { g.reload(); onChange?.(); };
  return (
    <Show l={g}>{(grant) => (
      <>
        <Section title={T('资助与分期拨付', 'Grant and tranches')} id="tranches">
          <div class="kpis">
            <Kpi label={T('资助金额', 'Granted')} value={yuan(grant.amountFen)} />
            <Kpi label={T('已拨付', 'Paid')} value={yuan(grant.paidFen)} />
            <Kpi label={T('待拨付', 'To pay')} value={yuan(grant.amountFen - grant.paidFen)} />
          </div>
          <div class="table-wrap">
            <table>
              <thead><tr><th>#</th><th>{T('里程碑', 'Milestone')}</th><th>{T('到期日', 'Due')}</th><th>{T('比例', 'Share')}</th><th>{T('金额', 'Amount')}</th>
                <th>{T('状态', 'Status')}</th><th>{T('机构报告', 'Report')}</th><th>{T('督导核验', 'Verified')}</th><th>{T('资助方拨付', 'Released')}</th></tr></thead>
              <tbody>{(grant.tranches ?? []).map((t, i) => (
                <tr key={i} data-milestone={i}>
                  <td>{i + 1}</td><td>{t.milestone.name}</td><td class="nowrap">{t.milestone.due}</td><td>{t.milestone.tranchePercent}%</td>
                  <td class="nowrap">{yuan(t.amountFen)}</td><td>{trancheStatus(t.status)}</td>
                  <td><Step step={t.report} /></td><td><Step step={t.verification} /></td><td><Step step={t.release} /></td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          {canReport && (grant.tranches ?? []).map((t, i) => t.status === 'pending' && (
            <ReportForm key={i} app={app} index={i} tranche={t} onReported={changed} />
          ))}
        </Section>
        {grant.evaluation && (
          <Section title={T('项目绩效评估', 'Performance evaluation')} id="project-evaluation">
            <EvaluationResult ev={grant.evaluation} kpis={app.kpis ?? []} by={evaluatorName} />
          </Section>
        )}
      </>
    )}</Show>
  );
}

function ReportForm({ app, index, tranche, onReported }: { app: Application; index: number; tranche: Tranche; onReported: () => void }) {
  const [text, setText] = useState('');
  const [report, busy, problem] = useFormAction(async () => {
    if (!ask(`提交里程碑 ${index + 1}「${tranche.milestone.name}」的报告？提交后不能修改，由项目督导社工核验后资助方拨付 ${yuan(tranche.amountFen)}。`,
      `Report milestone ${index + 1} "${tranche.milestone.name}"? A report cannot be changed; once the supervisor verifies it the funder releases ${yuan(tranche.amountFen)}.`)) return;
    await post(`/v1/applications/${enc(app.id)}/milestones/${index}/report`, { report: text.trim() });
    setText('');
    onReported();
    return T('里程碑报告已提交', 'Milestone reported');
  });
  return (
    <form class="report-form" onSubmit={(e) => { e.preventDefault(); report(); }}>
      <TextArea label={T(`里程碑 ${index + 1}「${tranche.milestone.name}」的报告（10–10000 字）`, `Report on milestone ${index + 1} "${tranche.milestone.name}" (10–10000 characters)`)}
        value={text} onValue={setText} rows={3} />
      <FormProblem error={problem} />
      <div class="actions"><Button type="submit" busy={busy}>{T('提交报告', 'Report')} {index + 1}</Button></div>
    </form>
  );
}
