// Dependency-free SVG maps of Zhengzhou's districts, drawn from the paths
// scripts/districts.mjs builds out of the service's own outlines. The same
// projection turns a click (or the arrow keys) back into {lat, lng}. Names
// are placed so that none covers another (map-labels.ts), a scale bar gives
// the distance, and the choropleth colours districts by class with a legend.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { DISTRICTS, KM_PER_UNIT, PROJECTION, VIEW } from './generated/districts';
import { placeLabels, scaleBar, type Box, type LabelSpec } from './map-labels';
import { T } from './state';

export interface LatLng { lat: number; lng: number }

export function project(p: LatLng): [number, number] {
  return [(p.lng - PROJECTION.minLng) * PROJECTION.cos * PROJECTION.k, (PROJECTION.maxLat - p.lat) * PROJECTION.k];
}

export function unproject(x: number, y: number): LatLng {
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  return { lng: r6(PROJECTION.minLng + x / PROJECTION.cos / PROJECTION.k), lat: r6(PROJECTION.maxLat - y / PROJECTION.k) };
}

export const FULL: Box = [0, 0, VIEW.width, VIEW.height];

function around(p: LatLng, width: number): Box {
  const [x, y] = project(p);
  const h = width * (VIEW.height / VIEW.width);
  return [x - width / 2, y - h / 2, width, h];
}

/** fitBox is the view of a district's outline with a margin, in the map's proportions. */
export function fitBox(code: string): Box {
  const d = DISTRICTS.find((x) => x.code === code);
  if (!d) return FULL;
  const [x0, y0, x1, y1] = d.bbox;
  const ratio = VIEW.height / VIEW.width;
  let w = (x1 - x0) * 1.25, h = (y1 - y0) * 1.25;
  if (h / w > ratio) w = h / ratio; else h = w * ratio;
  return [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h];
}

export interface Marker { at: LatLng; title: string; tone?: 'pick' | 'need' | 'community' }

/** The picker: a map to place a point, with zoom buttons, arrow keys and exact inputs beside it. */
export function LocationPicker({ value, onPick, markers = [] }: { value: LatLng; onPick: (p: LatLng) => void; markers?: Marker[] }) {
  const [box, setBox] = useState<Box>(() => around(value, 100));
  const svg = useRef<SVGSVGElement>(null);
  const zoom = (f: number) => setBox(([x, y, w, h]) => {
    const nw = Math.min(VIEW.width * 1.2, Math.max(2, w * f)), nh = nw * (h / w);
    return [x + (w - nw) / 2, y + (h - nh) / 2, nw, nh];
  });
  const click = (e: MouseEvent) => {
    const el = svg.current;
    const m = el?.getScreenCTM();
    if (!el || !m) return;
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    onPick(unproject(pt.x, pt.y));
  };
  const key = (e: KeyboardEvent) => {
    const step = box[2] / 40;
    const [x, y] = project(value);
    const moves: Record<string, [number, number]> = { ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0], ArrowRight: [step, 0] };
    if (moves[e.key]) {
      e.preventDefault();
      onPick(unproject(x + moves[e.key][0], y + moves[e.key][1]));
    } else if (e.key === '+' || e.key === '=') zoom(0.5);
    else if (e.key === '-') zoom(2);
  };
  const size = box[2] / 45;
  return (
    <div class="picker">
      <svg ref={svg} viewBox={box.join(' ')} class="map pick" tabindex={0} role="application"
        aria-label={T('地图：点击或用方向键放置服务地点，+/− 缩放', 'Map: click or use the arrow keys to place the service point; +/− to zoom')}
        onClick={(e) => click(e as unknown as MouseEvent)} onKeyDown={(e) => key(e as unknown as KeyboardEvent)}>
        <Shapes />
        <Labels view={box} size={size} />
        {markers.map((m, i) => <Dot key={i} m={m} r={box[2] / (m.tone === 'community' ? 150 : 120)} />)}
        <Dot m={{ at: value, title: T('服务地点', 'Service point'), tone: 'pick' }} r={box[2] / 70} />
        <ScaleBar view={box} />
      </svg>
      <div class="map-tools" role="group" aria-label={T('地图缩放', 'Map zoom')}>
        <button type="button" class="secondary" onClick={() => zoom(0.5)} aria-label={T('放大', 'Zoom in')}>+</button>
        <button type="button" class="secondary" onClick={() => zoom(2)} aria-label={T('缩小', 'Zoom out')}>−</button>
        <button type="button" class="secondary" onClick={() => setBox(around(value, 100))}>{T('回到地点', 'Centre on point')}</button>
        <button type="button" class="secondary" onClick={() => setBox(FULL)}>{T('全市', 'Whole city')}</button>
      </div>
    </div>
  );
}

/** Shapes draws the districts' outlines (filled by class when fill is given). */
export function Shapes({ fill, titles, current, onPick }: {
  fill?: (code: string) => string; titles?: (code: string, name: string) => string; current?: string; onPick?: (code: string) => void;
}) {
  // The fill goes in the style (CSSOM, allowed by the CSP), which wins over the stylesheet's default fill.
  return (
    <g class="districts">
      {DISTRICTS.map((d) => (
        <path key={d.code} d={d.d} data-code={d.code} class={d.code === current ? 'current' : undefined} style={fill ? { fill: fill(d.code) } : undefined}
          vector-effect="non-scaling-stroke" onClick={onPick ? () => onPick(d.code) : undefined}>
          <title>{titles ? titles(d.code, d.name) : d.name}</title>
        </path>
      ))}
    </g>
  );
}

/** Labels: the districts' names, none covering another (a leader line when one had to move). */
export function Labels({ view, size, dark }: { view: Box; size: number; dark?: (code: string) => boolean }) {
  const specs: LabelSpec[] = DISTRICTS.map((d) => ({ key: d.code, name: d.name, x: d.cx, y: d.cy, size }));
  const area = (s: LabelSpec) => { const b = DISTRICTS.find((d) => d.code === s.key)!.bbox; return (b[2] - b[0]) * (b[3] - b[1]); };
  const placed = placeLabels(specs, view, size * 0.25, (a, b) => area(a) - area(b), [scaleBar(view, KM_PER_UNIT).box]);
  return (
    <g class="labels">
      {placed.filter((l) => l.leader).map((l) => (
        <g key={'l' + l.key} class="leader"><line x1={l.ax} y1={l.ay} x2={l.x} y2={l.y + (l.y > l.ay ? -l.size * 0.65 : l.size * 0.65)} vector-effect="non-scaling-stroke" />
          <circle cx={l.ax} cy={l.ay} r={l.size * 0.15} /></g>
      ))}
      {placed.map((l) => (
        <text key={l.key} x={l.x} y={l.y} data-code={l.key} class={'map-label' + (dark?.(l.key) ? ' on-dark' : '')}
          style={{ fontSize: `${l.size}px`, strokeWidth: `${l.size / 6}px` }}>{l.text}</text>
      ))}
    </g>
  );
}

/** Dot is a marker drawn in the map (not a control: taps on it go to the map). */
export function Dot({ m, r }: { m: Marker; r: number }) {
  const [x, y] = project(m.at);
  return (
    <circle cx={x} cy={y} r={r} class={`dot ${m.tone ?? 'need'}`} vector-effect="non-scaling-stroke">
      <title>{m.title}</title>
    </circle>
  );
}

/** ScaleBar: a round number of kilometres (1, 2 or 5 × 10ⁿ) about a fifth of the view wide, bottom right. */
export function ScaleBar({ view }: { view: Box }) {
  const { km, fs, x0, x1, y0, box } = scaleBar(view, KM_PER_UNIT);
  return (
    <g class="scalebar" data-km={km}>
      <rect x={box[0]} y={box[1]} width={box[2]} height={box[3]} rx={fs * 0.3} />
      <path d={`M${x0} ${y0 - fs * 0.5}V${y0}H${x1}V${y0 - fs * 0.5}`} vector-effect="non-scaling-stroke" />
      <text x={(x0 + x1) / 2} y={y0 - fs * 0.7} style={{ fontSize: `${fs}px` }}>{km} km</text>
    </g>
  );
}

// ---- classes: a sequential palette of five, with the ranges in the legend ----

/** PALETTE is light to dark teal; ink reads on the first three, white on the last two (contrast ≥ 4.5). */
export const PALETTE = ['#e6f4f1', '#b9e0d8', '#7cc4b8', '#1f776e', '#0b4f4a'];
export const NO_DATA = '#d9dde1';

/** A class holds the values from its lower bound (included) up to the next class's. */
export interface MapClass { from: number; label: string; colour: string }

export function classOf(classes: MapClass[], v: number): MapClass {
  let c = classes[0];
  for (const x of classes) if (v >= x.from) c = x;
  return c;
}

/** coverageClasses: fixed bounds, so a colour means the same every day; 100% (every township staffed) is its own class. */
export function coverageClasses(): MapClass[] {
  const from = [0, 50, 70, 85, 100];
  return from.map((f, i) => ({
    from: f, colour: PALETTE[i],
    label: i === 0 ? '< 50%' : i === from.length - 1 ? '100%' : `${f}–${from[i + 1]}%`,
  }));
}

/** countClasses: bounds at the quintiles of the values, rounded to two significant digits (fewer classes when they coincide). */
export function countClasses(values: number[]): MapClass[] {
  const v = [...values].sort((a, b) => a - b);
  const round = (n: number) => { if (n < 10) return Math.ceil(n); const p = 10 ** (Math.floor(Math.log10(n)) - 1); return Math.ceil(n / p) * p; };
  const bounds = [0];
  for (const q of [0.2, 0.4, 0.6, 0.8]) {
    if (!v.length) break;
    const b = round(v[Math.min(v.length - 1, Math.floor(q * v.length))]);
    if (b > bounds[bounds.length - 1]) bounds.push(b);
  }
  const n = bounds.length;
  // spread the palette when there are fewer classes, keeping both ends
  const colour = (i: number) => PALETTE[n === 1 ? 2 : Math.round((i * (PALETTE.length - 1)) / (n - 1))];
  return bounds.map((f, i) => ({ from: f, colour: colour(i), label: i === n - 1 ? `≥ ${f}` : `${f}–${bounds[i + 1]}` }));
}

/** READING is the districts in reading order (north to south, west to east): the order the arrow keys walk. */
const READING = [...DISTRICTS].sort((a, b) => Math.round(a.cy / 120) - Math.round(b.cy / 120) || a.cx - b.cx);

/**
 * A choropleth of the districts: each coloured by its value's class, names on the
 * map, a scale bar, a legend of the classes. It takes keyboard focus: the arrow
 * keys walk the districts (the line below reads the current one), Enter or a
 * click selects one. Its numbers are in describedBy (a text for screen readers).
 */
export function Choropleth({ values, classes, label, legend, titles, describedBy, selected, onSelect, view = FULL, children }: {
  values: Map<string, number>; classes: MapClass[]; label: string; legend: string; titles: (code: string, name: string) => string;
  describedBy?: string; selected?: string; onSelect?: (code: string) => void; view?: Box; children?: ComponentChildren;
}) {
  const [current, setCurrent] = useState(selected ?? '');
  const colour = (code: string) => { const v = values.get(code); return v === undefined ? NO_DATA : classOf(classes, v).colour; };
  const dark = (code: string) => { const c = colour(code); return c === PALETTE[3] || c === PALETTE[4]; };
  const key = (e: KeyboardEvent) => {
    const i = READING.findIndex((d) => d.code === current);
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (step) {
      e.preventDefault();
      setCurrent(READING[(i + step + READING.length) % READING.length].code);
    } else if ((e.key === 'Enter' || e.key === ' ') && current && onSelect) {
      e.preventDefault();
      onSelect(current);
    }
  };
  const cur = DISTRICTS.find((d) => d.code === current);
  const size = view[2] / 55;
  return (
    <figure class="choropleth">
      <svg viewBox={view.join(' ')} class="map" role="img" tabindex={0} aria-label={label} aria-describedby={describedBy}
        onKeyDown={(e) => key(e as unknown as KeyboardEvent)}>
        <Shapes fill={colour} titles={titles} current={current || selected} onPick={(c) => { setCurrent(c); onSelect?.(c); }} />
        <Labels view={view} size={size} dark={dark} />
        {children}
        <ScaleBar view={view} />
      </svg>
      <p class="map-info" aria-live="polite">{cur ? titles(cur.code, cur.name)
        : T('聚焦地图后用方向键逐个查看区县，回车选中；也可点击区县。', 'Focus the map and use the arrow keys to read each district, Enter to select it; or click a district.')}</p>
      <figcaption class="legend">
        <span>{legend}</span>
        <ul class="classes">
          {classes.map((c) => <li key={c.from}><i style={{ background: c.colour }} />{c.label}</li>)}
          <li><i style={{ background: NO_DATA }} />{T('无数据', 'no data')}</li>
        </ul>
      </figcaption>
    </figure>
  );
}

export const districtCodes = new Set(DISTRICTS.map((d) => d.code));
export const districtName = (code: string) => DISTRICTS.find((d) => d.code === code)?.name ?? code;
