// A project's performance evaluation (绩效评估) as the engaged institution
// recorded it: score, grade, report, and each target with what was achieved.
import { T } from '../../state';
import type { Evaluation, KPI } from '../../types';
import { Badge, fmtDate } from '../../ui';
import { kpiKind } from '../shared';

const GRADES: Record<string, [string, string]> = { excellent: ['优秀', 'excellent'], good: ['良好', 'good'], pass: ['合格', 'pass'], fail: ['不合格', 'fail'] };

export const GRADE_CODES = Object.keys(GRADES);

export function gradeName(g: string): string {
  return GRADES[g] ? T(GRADES[g][0], GRADES[g][1]) : g;
}

export function EvaluationResult({ ev, kpis, by }: { ev: Evaluation; kpis: KPI[]; by?: string }) {
  const results = [...(ev.kpiResults ?? [])].sort((a, b) => a.index - b.index);
  return (
    <div class="evaluation">
      <p>{T('总分', 'Score')} <strong data-testid="evaluation-score">{ev.score}</strong> / 100 ·{' '}
        <Badge tone={ev.grade === 'fail' ? 'bad' : 'ok'}>{gradeName(ev.grade)}</Badge> · {fmtDate(ev.at)}{by && <> · {T('评估机构', 'by')} {by}</>}</p>
      <p>{ev.report}</p>
      {results.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="muted">{T('考核指标完成情况', 'Targets and what was achieved')}</caption>
            <thead><tr><th>{T('指标', 'Indicator')}</th><th>{T('目标', 'Target')}</th><th>{T('实际完成', 'Achieved')}</th><th>{T('达标', 'Met')}</th></tr></thead>
            <tbody>{results.map((r) => {
              const k = kpis[r.index];
              return (
                <tr key={r.index}>
                  <td>{k ? `${kpiKind(k.kind)} · ${k.indicator}` : `#${r.index + 1}`}</td><td>{k?.target ?? ''}</td><td>{r.actual}</td>
                  <td>{r.met ? <Badge tone="ok">{T('达标', 'met')}</Badge> : <Badge tone="bad">{T('未达标', 'not met')}</Badge>}</td>
                </tr>
              );
            })}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}
