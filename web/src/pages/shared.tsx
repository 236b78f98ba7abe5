// What several pages show the same way: a status as a coloured badge, a
// resource's status history, and a project in full.
import { get } from '../api';
import type { Application, Transitions } from '../types';
import { label, T } from '../state';
import { Badge, Empty, Section, Show, fmtTime, useLoad, yuan } from '../ui';

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  open: 'info', staffed: 'ok', in_progress: 'ok', completed: 'ok', evaluated: 'ok', draft: 'plain', cancelled: 'bad', expired: 'warn',
};

export function statusBadge(vocab: string, s: string) {
  return <Badge tone={STATUS_TONE[s] ?? 'plain'}>{label(vocab, s)}</Badge>;
}

export function History({ path, vocab }: { path: string; vocab?: string }) {
  const h = useLoad(() => get<Transitions>(path), [path]);
  return (
    <Show l={h}>{(r) => !r.items?.length ? <Empty>{T('暂无记录。', 'No history.')}</Empty> : (
      <ol class="history">{r.items.map((x) => (
        <li key={x.seq}><span class="muted">{fmtTime(x.at)}</span> {x.from ? (vocab ? label(vocab, x.from) : x.from) : '—'} → <strong>{vocab ? label(vocab, x.to) : x.to}</strong>
          {(x.reason || x.note) && <span class="muted"> · {[x.reason, x.note].filter(Boolean).join(' · ')}</span>}</li>
      ))}</ol>
    )}</Show>
  );
}

export function kpiKind(kind: string): string {
  return kind === 'quantity' ? T('服务数量', 'quantity') : kind === 'quality' ? T('服务质量', 'quality') : kind === 'effect' ? T('服务成效', 'effect') : kind;
}

export function postName(post: string): string {
  return post === 'professional' ? T('专业岗位', 'professional post') : post === 'volunteer' ? T('志愿者', 'volunteer') : T('其他人员', 'staff');
}

/**
 * ProjectDetails is a project as a reviewer scores it and an evaluator
 * evaluates it: the budget's four lines, the team, the milestones and the targets.
 */
export function ProjectDetails({ app, title }: { app: Pick<Application, 'budget' | 'budgetTotalFen' | 'team' | 'milestones' | 'kpis'>; title: string }) {
  const b = app.budget;
  const lines: [string, string, number][] = [
    ['薪酬待遇', 'Salaries', b.salaryFen], ['督导培训经费', 'Supervision and training', b.supervisionTrainingFen],
    ['服务活动经费', 'Service activities', b.serviceActivitiesFen], ['项目管理经费', 'Project management', b.projectManagementFen],
  ];
  return (
    <Section title={title}>
      <div class="table-wrap">
        <table class="num">
          <caption class="muted">{T('预算', 'Budget')}</caption>
          <tbody>
            {lines.map(([zh, en, fen]) => <tr key={en}><th scope="row" class="text">{T(zh, en)}</th><td>{yuan(fen)}</td></tr>)}
            <tr class="total"><th scope="row" class="text">{T('合计', 'Total')}</th><td>{yuan(app.budgetTotalFen)}</td></tr>
          </tbody>
        </table>
      </div>
      <h3>{T('项目团队', 'Team')}</h3>
      {!app.team?.length ? <Empty>{T('未填写。', 'Not given.')}</Empty> : (
        <ul>{app.team.map((m, i) => <li key={i}>{m.name} · {postName(m.post)}{m.level && ` · ${label('certificate_levels', m.level)}`}{m.months ? ` · ${m.months} ${T('个月', 'months')}` : ''}</li>)}</ul>
      )}
      <h3>{T('里程碑与拨付', 'Milestones and tranches')}</h3>
      {!app.milestones?.length ? <Empty>{T('未填写。', 'Not given.')}</Empty> : (
        <ol>{app.milestones.map((m, i) => <li key={i}>{m.name} · {m.due} · {m.tranchePercent}%</li>)}</ol>
      )}
      {!!app.kpis?.length && <>
        <h3>{T('考核指标', 'Targets')}</h3>
        <ul>{app.kpis.map((k, i) => (
          <li key={i}>{kpiKind(k.kind)} · {k.indicator}：{k.target}
            {k.quantity ? ` · ${k.quantity}${k.unitCostFen ? ` × ${yuan(k.unitCostFen)}` : ''}` : ''}</li>
        ))}</ul>
      </>}
    </Section>
  );
}
