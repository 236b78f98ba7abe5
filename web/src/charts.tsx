// Hand-rolled SVG charts. Each carries its numbers as text too (a table read
// by screen readers), so the figure never depends on seeing the bars.
import { num } from './ui';

export interface Point { key: string; label: string; value: number }

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Columns: one bar per point (months), with a y axis of three ticks. */
export function Columns({ title, points, format = (n) => num(n) }: { title: string; points: Point[]; format?: (n: number) => string }) {
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const W = 320, H = 160, B = 24, T = 8, L = 10 + 6 * format(max).length; // room for the widest tick
  const bw = points.length ? (W - L) / points.length : 0;
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={L} x2={W} y1={y(max * f)} y2={y(max * f)} class="grid" />
            <text x={L - 4} y={y(max * f) + 4} class="tick" text-anchor="end">{format(max * f)}</text>
          </g>
        ))}
        {points.map((p, i) => (
          <g key={p.key}>
            <rect x={L + i * bw + bw * 0.15} width={bw * 0.7} y={y(p.value)} height={Math.max(0, H - B - y(p.value))} class="bar">
              <title>{`${p.label}: ${format(p.value)}`}</title>
            </rect>
            <text x={L + i * bw + bw / 2} y={H - 8} class="tick" text-anchor="middle">{p.label}</text>
          </g>
        ))}
      </svg>
      <DataTable title={title} points={points} format={format} />
    </figure>
  );
}

/** Bars: a horizontal bar per point (domains), largest first, labelled with the value. */
export function Bars({ title, points, format = (n) => num(n), limit = 8 }: { title: string; points: Point[]; format?: (n: number) => string; limit?: number }) {
  const shown = [...points].filter((p) => p.value > 0).sort((a, b) => b.value - a.value).slice(0, limit);
  const max = Math.max(1e-9, ...shown.map((p) => p.value));
  return (
    <figure class="chart bars">
      <figcaption>{title}</figcaption>
      {shown.length === 0 && <p class="muted">–</p>}
      <ul aria-hidden="true">
        {shown.map((p) => (
          <li key={p.key}>
            <span class="bar-label">{p.label}</span>
            <span class="bar-track"><span class="bar-fill" style={{ width: `${(p.value / max) * 100}%` }} /></span>
            <span class="bar-value">{format(p.value)}</span>
          </li>
        ))}
      </ul>
      <DataTable title={title} points={shown} format={format} />
    </figure>
  );
}

function DataTable({ title, points, format }: { title: string; points: Point[]; format: (n: number) => string }) {
  return (
    <table class="sr-only">
      <caption>{title}</caption>
      <tbody>{points.map((p) => <tr key={p.key}><th scope="row">{p.label}</th><td>{format(p.value)}</td></tr>)}</tbody>
    </table>
  );
}
