// Dependency-free SVG maps of Zhengzhou's districts, drawn from the paths
// scripts/districts.mjs builds out of the service's own outlines. The same
// projection turns a click (or the arrow keys) back into {lat, lng}.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { DISTRICTS, PROJECTION, VIEW } from './generated/districts';
import { T } from './state';

export interface LatLng { lat: number; lng: number }
type Box = [number, number, number, number];

export function project(p: LatLng): [number, number] {
  return [(p.lng - PROJECTION.minLng) * PROJECTION.cos * PROJECTION.k, (PROJECTION.maxLat - p.lat) * PROJECTION.k];
}

export function unproject(x: number, y: number): LatLng {
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  return { lng: r6(PROJECTION.minLng + x / PROJECTION.cos / PROJECTION.k), lat: r6(PROJECTION.maxLat - y / PROJECTION.k) };
}

const FULL: Box = [0, 0, VIEW.width, VIEW.height];

function around(p: LatLng, width: number): Box {
  const [x, y] = project(p);
  const h = width * (VIEW.height / VIEW.width);
  return [x - width / 2, y - h / 2, width, h];
}

export interface Marker { at: LatLng; title: string; tone?: 'pick' | 'need' }

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
  return (
    <div class="picker">
      <svg ref={svg} viewBox={box.join(' ')} class="map pick" tabindex={0} role="application"
        aria-label={T('地图：点击或用方向键放置服务地点，+/− 缩放', 'Map: click or use the arrow keys to place the service point; +/− to zoom')}
        onClick={(e) => click(e as unknown as MouseEvent)} onKeyDown={(e) => key(e as unknown as KeyboardEvent)}>
        <Shapes />
        {DISTRICTS.map((d) => <text key={d.code} x={d.cx} y={d.cy} class="map-label" style={{ fontSize: `${box[2] / 45}px`, strokeWidth: `${box[2] / 300}px` }}>{d.name}</text>)}
        {markers.map((m, i) => <Dot key={i} m={m} r={box[2] / 120} />)}
        <Dot m={{ at: value, title: T('服务地点', 'Service point'), tone: 'pick' }} r={box[2] / 70} />
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

function Shapes({ fill, titles }: { fill?: (code: string) => string; titles?: (code: string, name: string) => string }) {
  // The fill goes in the style (CSSOM, allowed by the CSP), which wins over the stylesheet's default fill.
  return (
    <g class="districts">
      {DISTRICTS.map((d) => (
        <path key={d.code} d={d.d} style={fill ? { fill: fill(d.code) } : undefined} vector-effect="non-scaling-stroke">
          <title>{titles ? titles(d.code, d.name) : d.name}</title>
        </path>
      ))}
    </g>
  );
}

function Dot({ m, r }: { m: Marker; r: number }) {
  const [x, y] = project(m.at);
  return (
    <circle cx={x} cy={y} r={r} class={`dot ${m.tone ?? 'need'}`} vector-effect="non-scaling-stroke">
      <title>{m.title}</title>
    </circle>
  );
}

/** A choropleth of the districts: colour by value (0..max), names on the map, a legend below. */
export function Choropleth({ values, max, label, legend, titles, children }: {
  values: Map<string, number>; max: number; label: string; legend: string; titles: (code: string, name: string) => string; children?: ComponentChildren;
}) {
  const colour = (code: string) => {
    const v = values.get(code);
    if (v === undefined) return '#eceff1';
    const t = max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
    // from a pale to a deep teal: readable labels on both ends
    const l = 92 - t * 58;
    return `hsl(183 55% ${l}%)`;
  };
  return (
    <figure class="choropleth">
      <svg viewBox={FULL.join(' ')} class="map" role="img" aria-label={label}>
        <Shapes fill={colour} titles={titles} />
        {DISTRICTS.map((d) => {
          const v = values.get(d.code) ?? 0;
          const dark = max > 0 && v / max > 0.55;
          // small central districts get smaller names, so that neighbours stay readable
          const size = Math.min(24, Math.max(12, (d.bbox[2] - d.bbox[0]) / 3.5));
          return <text key={d.code} x={d.cx} y={d.cy} class={'map-label' + (dark ? ' on-dark' : '')} style={{ fontSize: `${size}px` }}>{d.name}</text>;
        })}
        {children}
      </svg>
      <figcaption class="legend">
        <span>{legend}</span>
        <span class="scale" aria-hidden="true"><i style={{ background: colour('') }} /></span><span>{T('无数据', 'no data')}</span>
        <span>0</span>
        <span class="scale" aria-hidden="true">{[0, 0.25, 0.5, 0.75, 1].map((f) => <i key={f} style={{ background: `hsl(183 55% ${92 - f * 58}%)` }} />)}</span>
        <span>{max}</span>
      </figcaption>
    </figure>
  );
}

export const districtCodes = new Set(DISTRICTS.map((d) => d.code));
