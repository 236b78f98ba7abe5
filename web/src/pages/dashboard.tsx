// 民政驾驶舱: progress against the 2025 targets, a map of the districts by
// station coverage or needs (dashboard-map.tsx), charts of needs, hours and grants by month and
// domain, compliance lists, and the CSV export.
import { useState } from 'preact/hooks';
import { get, q } from '../api';
import { Bars, Columns, type Point } from '../charts';
import { label, roles, T, useGlobal } from '../state';
import type { Compliance, Dashboard, DashboardSeries } from '../types';
import { DistrictMap } from './dashboard-map';
import { Kpi } from './funds';
import { Badge, Button, Empty, Progress, Section, Select, Show, fmtTime, num, useAction, useLoad, yuan } from '../ui';

const INDICATORS: Record<string, [string, string]> = {
  social_workers: ['持证社会工作者', 'Certified social workers'], professional_posts: ['社会工作专业岗位', 'Professional posts'],
  service_organisations: ['社会工作服务机构', 'Social-work agencies'], towns_with_station: ['建有社工站的乡镇（街道）', 'Townships with a station'],
  demonstration_organisations: ['示范机构', 'Demonstration organisations'],
};

export function DashboardPage() {
  useGlobal();
  const own = roles('civil_affairs').map((r) => r.divisionCode!).filter(Boolean);
  const [division, setDivision] = useState(own[0] ?? '');
  const d = useLoad(() => get<Dashboard>('/v1/dashboard' + q({ division })), [division]);
  const [csv, exporting] = useAction(async () => {
    const text = await get<string>('/v1/dashboard.csv' + q({ division }), { text: true });
    // Reading the body as text drops the BOM the service sends; Excel on Chinese Windows needs it to read UTF-8.
    const url = URL.createObjectURL(new Blob(['\uFEFF' + text.replace(/^\uFEFF/, '')], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `dashboard-${division}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    return T('已导出 CSV', 'CSV exported');
  });
  return (
    <Show l={d}>{(db) => {
      const t = db.total;
      const rows = db.rows ?? [];
      const series = db.series ?? [];
      const areas = db.map ?? [];
      const city = db.division === '4101';
      const scopes = [...new Set([...own, ...(own.includes('4101') ? rows.map((r) => r.code).filter((c) => /^\d{6}$/.test(c)) : [])])];
      const months = [...new Set(series.map((x) => x.month))].sort();
      const domains = [...new Set(series.map((x) => x.domain))];
      const byMonth = (f: (x: DashboardSeries) => number): Point[] => months.map((m) => ({ key: m, label: m.slice(2).replace('-', '/'), value: series.filter((x) => x.month === m).reduce((a, x) => a + f(x), 0) }));
      const byDomain = (f: (x: DashboardSeries) => number): Point[] => domains.map((dm) => ({ key: dm, label: label('domains', dm), value: series.filter((x) => x.domain === dm).reduce((a, x) => a + f(x), 0) }));
      return (
        <>
          <div class="page-head">
            <div>
              <h1>{T('民政驾驶舱', 'Civil-affairs dashboard')} · {db.divisionName}</h1>
              <p class="muted">{T('数据快照', 'Snapshot')} {db.snapshotDate} · {T('生成于', 'taken')} {fmtTime(db.snapshotTakenAt)}</p>
            </div>
            <div class="actions">
              {scopes.length > 1 && <Select label={T('范围', 'Scope')} value={division} onValue={setDivision}
                options={scopes.map((c) => ({ value: c, label: c === '4101' ? T('郑州市', 'Zhengzhou') : (rows.find((r) => r.code === c)?.name ?? c) }))} />}
              <Button kind="secondary" busy={exporting} onClick={csv}>{T('导出 CSV', 'Export CSV')}</Button>
            </div>
          </div>

          <div class="kpis">
            <Kpi label={T('已发布需求', 'Needs posted')} value={num(t.figures.needs.posted, 0)} hint={T(`已满员 ${t.figures.needs.staffed}，已完成 ${t.figures.needs.completed}`, `${t.figures.needs.staffed} staffed, ${t.figures.needs.completed} completed`)} />
            <Kpi label={T('已核实志愿服务时长（含今日）', 'Verified volunteer hours (with today)')} value={num(db.today.hoursVerifiedTotal, 2)}
              hint={T(`快照 ${num(t.figures.verifiedHours, 2)}，快照后新核实 ${num(db.today.hoursVerified, 2)}（${db.today.records} 条）`,
                `snapshot ${num(t.figures.verifiedHours, 2)}, ${num(db.today.hoursVerified, 2)} verified since (${db.today.records} records)`)} />
            <Kpi label={T('资助', 'Grants')} value={String(t.figures.grants)} hint={yuan(t.figures.grantsFen)} />
            <Kpi label={T('持证社工', 'Certified social workers')} value={num(t.figures.socialWorkers, 0)} />
          </div>

          <Section title={city ? T('2025 年目标进度', 'Progress against the 2025 targets') : T('对全市目标的贡献', 'Share of the city\'s targets')}>
            <ul class="indicators">{(t.indicators ?? []).map((i) => {
              const name = INDICATORS[i.code] ? T(INDICATORS[i.code][0], INDICATORS[i.code][1]) : i.code;
              const pct = city ? (i.progressPct ?? 0) : (i.sharePct ?? 0);
              return (
                <li key={i.code}>
                  <div class="ind-head"><span>{name}</span><span><strong>{num(i.value, 0)}</strong>{i.target > 0 && <> / {num(i.target, 0)}</>} · {num(pct)}%
                    {!city && i.targetSharePct !== undefined && <span class="muted">{T(`（目标份额 ${num(i.targetSharePct)}%）`, ` (target share ${num(i.targetSharePct)}%)`)}</span>}</span></div>
                  <Progress value={pct} label={name} />
                </li>
              );
            })}</ul>
          </Section>

          <div class="map-and-table">
            <DistrictMap areas={areas} towns={db.towns ?? []} />
            <Section title={T('各区县数据', 'By district')}>
              <div class="table-wrap">
                <table class="num">
                  <thead><tr><th>{T('区县', 'District')}</th><th>{T('社工站', 'Stations')}</th><th>{T('需求', 'Needs')}</th><th>{T('时长', 'Hours')}</th><th>{T('资助', 'Grants')}</th><th>{T('社工', 'Social workers')}</th></tr></thead>
                  <tbody>{(city ? [...rows, t] : rows).map((r) => ( // a district's view: its row is its total
                    <tr key={r.code} class={r === t ? 'total' : ''}>
                      <th scope="row" class="text">{r.name}</th>
                      <td>{r.figures.townsWithStation}/{r.figures.towns}</td><td>{r.figures.needs.posted}</td><td>{num(r.figures.verifiedHours, 2)}</td>
                      <td>{r.figures.grants} <span class="muted">{yuan(r.figures.grantsFen)}</span></td><td>{r.figures.socialWorkers}</td>
                    </tr>
                  ))}</tbody>
                </table>
              </div>
            </Section>
          </div>

          <Section title={T('按月与领域', 'By month and domain')}>
            <div class="charts">
              <Columns title={T('每月新发布需求', 'Needs posted per month')} points={byMonth((x) => x.needs)} format={(n) => num(n, 0)} />
              <Columns title={T('每月已核实服务时长（小时）', 'Verified hours per month')} points={byMonth((x) => x.verifiedHours)} />
              <Columns title={T('每月资助金额（元）', 'Grants per month (yuan)')} points={byMonth((x) => x.grantsFen / 100)} format={(n) => num(n, 0)} />
              <Bars title={T('需求：按领域', 'Needs by domain')} points={byDomain((x) => x.needs)} format={(n) => num(n, 0)} />
              <Bars title={T('服务时长：按领域', 'Hours by domain')} points={byDomain((x) => x.verifiedHours)} />
              <Bars title={T('资助金额：按领域', 'Grants by domain')} points={byDomain((x) => x.grantsFen)} format={(n) => yuan(n)} />
            </div>
          </Section>

          <Section title={T('合规情况', 'Compliance')}>
            <div class="kpis">
              <ComplianceKpi name={T('养老机构社工配备', 'Elder-care staffing')} c={t.figures.elderCare} />
              <ComplianceKpi name={T('政府购买服务项目', 'Purchased projects')} c={t.figures.purchasedProjects} />
              <ComplianceKpi name={T(`继续教育（${db.ceYear}）`, `Continuing education (${db.ceYear})`)} c={t.figures.continuingEducation} />
            </div>
            <h3>{T('社工配备不足的养老机构', 'Elder-care facilities short of social workers')}</h3>
            {!db.nonCompliantElderCare?.length ? <Empty>{T('无。', 'None.')}</Empty> : (
              <div class="table-wrap scroll" tabindex={0} role="region" aria-label={T('社工配备不足的养老机构（可滚动）', 'Elder-care facilities short of social workers (scrolls)')}>
                <table class="num">
                  <thead><tr><th>{T('机构', 'Facility')}</th><th>{T('床位', 'Beds')}</th><th>{T('应配社工', 'Required')}</th><th>{T('实有社工', 'Employed')}</th></tr></thead>
                  <tbody>{db.nonCompliantElderCare.map((x) => <tr key={x.organisationId}><td class="text">{x.name}</td><td>{x.beds}</td><td>{x.requiredSocialWorkers}</td><td>{x.employedSocialWorkers}</td></tr>)}</tbody>
                </table>
              </div>
            )}
            <h3>{T('被标记的政府购买服务项目', 'Flagged purchased projects')}</h3>
            {!db.flaggedProjects?.length ? <Empty>{T('无。', 'None.')}</Empty> : (
              <ul>{db.flaggedProjects.map((p) => <li key={p.applicationId}>{p.title} · {p.organisationName} {p.flags?.map((f) => <Badge key={f} tone="warn">{f}</Badge>)}</li>)}</ul>
            )}
          </Section>
        </>
      );
    }}</Show>
  );
}

function ComplianceKpi({ name, c }: { name: string; c: Compliance }) {
  return <Kpi label={name} value={c.compliancePct === undefined ? '–' : `${num(c.compliancePct)}%`} hint={T(`${c.compliant}/${c.total} 达标`, `${c.compliant} of ${c.total} compliant`)} />;
}
