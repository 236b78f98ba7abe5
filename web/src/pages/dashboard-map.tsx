// The dashboard's map of the districts: coloured by station coverage or needs
// posted in classes with a legend, a scale bar, names that do not cover each
// other, its numbers as text. Selecting a district (a click, or Enter on the
// focused map) zooms to it and lists its townships with their station state
// and plots its communities whose centre point is set. There are no township
// outlines in the service's data, so townships are a list, not shapes.
import { useState } from 'preact/hooks';
import { children, communityCentres } from '../divisions';
import { Choropleth, FULL, classOf, countClasses, coverageClasses, districtCodes, districtName, fitBox, project } from '../map';
import { T } from '../state';
import type { DashboardMapArea, DashboardTown } from '../types';
import { Badge, Section, Show, num, useLoad } from '../ui';

const TOWN_STATES: Record<string, [string, string, 'ok' | 'warn' | 'bad']> = {
  staffed: ['已配社工', 'staffed', 'ok'],
  open_unstaffed: ['运营但无社工', 'open, no social worker', 'warn'],
  no_station: ['无站点', 'no station', 'bad'],
};

export function DistrictMap({ areas, towns }: { areas: DashboardMapArea[]; towns: DashboardTown[] }) {
  const [metric, setMetric] = useState<'coverage' | 'needs'>('coverage');
  const [sel, setSel] = useState('');
  const mapped = areas.filter((m) => districtCodes.has(m.code));
  const unmapped = areas.filter((m) => !districtCodes.has(m.code));
  const coverage = metric === 'coverage';
  // a district without townships in the data has no coverage to show
  const values = new Map(mapped.filter((m) => !coverage || m.towns > 0).map((m) => [m.code, coverage ? (m.coveragePct ?? 0) : m.needsPosted]));
  const classes = coverage ? coverageClasses() : countClasses([...values.values()]);
  const area = (code: string) => areas.find((x) => x.code === code);
  const title = (code: string, name: string) => {
    const m = area(code);
    if (!m) return `${name}: ${T('无数据', 'no data')}`;
    const v = values.get(code);
    return `${name}: ${T('覆盖率', 'coverage')} ${num(m.coveragePct)}% (${T(`${m.townsWithStation}/${m.towns} 个乡镇（街道）有站`, `${m.townsWithStation} of ${m.towns} townships`)}), ` +
      `${T('需求', 'needs')} ${m.needsPosted}` + (v !== undefined ? ` · ${T('图例', 'class')} ${classOf(classes, v).label}` : '');
  };
  // tagged with the district they are of: a load for the last selection never shows for this one
  const loaded = useLoad(async () => ({ sel, list: sel ? await communityCentres(sel) : [] }), [sel]);
  const points = loaded.data?.sel === sel ? loaded.data.list : undefined;
  const pick = (code: string) => setSel(code === sel ? '' : code);
  const r = (sel ? fitBox(sel) : FULL)[2] / 110;
  return (
    <Section title={T('各区县地图', 'Districts')} actions={
      <div role="radiogroup" aria-label={T('地图指标', 'Map metric')} class="seg">
        <label><input type="radio" name="metric" checked={coverage} onChange={() => setMetric('coverage')} /> {T('社工站覆盖率', 'Station coverage')}</label>
        <label><input type="radio" name="metric" checked={!coverage} onChange={() => setMetric('needs')} /> {T('需求数', 'Needs posted')}</label>
      </div>
    }>
      <Choropleth values={values} classes={classes} selected={sel} onSelect={pick} view={sel ? fitBox(sel) : FULL} describedBy="map-numbers"
        label={coverage ? T('各区县社工站覆盖率地图', 'Map of station coverage by district') : T('各区县已发布需求数地图', 'Map of needs posted by district')}
        legend={coverage ? T('覆盖率（含下限）', 'coverage (lower bound included)') : T('需求数（含下限）', 'needs (lower bound included)')} titles={title}>
        {(points ?? []).map((c) => {
          const [x, y] = project({ lat: c.lat!, lng: c.lng! });
          return <circle key={c.code} cx={x} cy={y} r={r} class="dot community" vector-effect="non-scaling-stroke"><title>{c.name}</title></circle>;
        })}
      </Choropleth>
      <p id="map-numbers" class="sr-only">
        {(coverage ? T('各区县社工站覆盖率：', 'Station coverage by district: ') : T('各区县已发布需求数：', 'Needs posted by district: ')) +
          mapped.map((m) => title(m.code, m.name)).join('；')}
      </p>
      {unmapped.length > 0 && <p class="muted">{T('无边界数据的区域：', 'Areas without outlines: ')}{unmapped.map((m) => `${m.name} ${coverage ? num(m.coveragePct) + '%' : m.needsPosted}`).join('；')}</p>}
      <div class="townships">
        {!sel ? <p class="muted">{T('选中一个区县（点击，或聚焦地图后按方向键和回车），这里列出它的乡镇（街道）及社工站状态，地图上标出已设定中心点的社区。',
          'Select a district (click it, or focus the map, then the arrow keys and Enter) to list its townships with their station state and plot its communities whose centre is set.')}</p> : (
          <>
            <div class="card-head">
              <h3>{districtName(sel)} · {T('乡镇（街道）社工站', 'Township stations')}</h3>
              <button type="button" class="secondary" onClick={() => setSel('')}>{T('回到全市', 'Whole city')}</button>
            </div>
            <Townships key={sel} district={sel} towns={towns.filter((t) => t.district === sel)} />
            <p class="muted">{!points ? T('正在查找已设定中心点的社区…', 'Looking for communities with a centre…')
              : points.length ? T(`已设定中心点的社区 ${points.length} 个（地图上的紫色小点）：`, `${points.length} communities with a centre (the small purple dots): `) + points.map((c) => c.name).join('、')
                : T('本区县还没有社区设定中心点。', 'No community of this district has set its centre yet.')}</p>
          </>
        )}
        <p class="muted">{T('乡镇（街道）的边界数据暂缺，地图只画到区县；乡镇以名单列出。', 'There are no township outlines in the data: the map stops at districts and townships are listed.')}</p>
      </div>
    </Section>
  );
}

/** Townships lists a district's townships by name (GET /v1/divisions) with their station state (the dashboard's towns). */
function Townships({ district, towns }: { district: string; towns: DashboardTown[] }) {
  const names = useLoad(() => children(district), [district]);
  return (
    <Show l={names}>{(list) => (
      <ul class="town-list">
        {towns.map((t) => {
          const s = TOWN_STATES[t.status];
          return <li key={t.code}><span>{list.find((d) => d.code === t.code)?.name ?? t.code}</span>
            {s ? <Badge tone={s[2]}>{T(s[0], s[1])}</Badge> : <Badge>{t.status}</Badge>}</li>;
        })}
      </ul>
    )}</Show>
  );
}
