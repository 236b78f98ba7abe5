// Where the districts' names go on a map: each at its district's label point
// unless it would cover a name already placed, then at the nearest free spot
// around it (a leader line back to the point when it moved far), shortened
// (管城回族区 → 管城区) or left out as a last resort. Sizes are in the SVG's
// units; a CJK glyph is about 1 em wide, so a name's box is known without
// measuring the page.

export type Box = [number, number, number, number]; // x, y, width, height

export interface LabelSpec { key: string; name: string; x: number; y: number; size: number }
export interface PlacedLabel { key: string; text: string; x: number; y: number; ax: number; ay: number; size: number; leader: boolean }

/** shortName drops what a clerk does not need to tell a district: 回族区 → 区, 经济技术开发区 → 经开区. */
export function shortName(name: string): string {
  return name.replace('回族区', '区').replace('经济技术开发区', '经开区').replace('高新技术产业开发区', '高新区').replace('航空港经济综合实验区', '航空港区');
}

function box(text: string, x: number, y: number, size: number): Box {
  // text-anchor: middle, dominant-baseline: central; a little room for the halo
  const w = text.length * size * 1.02 + size * 0.3, h = size * 1.3;
  return [x - w / 2, y - h / 2, w, h];
}

const overlaps = (a: Box, b: Box, gap: number) =>
  a[0] < b[0] + b[2] + gap && b[0] < a[0] + a[2] + gap && a[1] < b[1] + b[3] + gap && b[1] < a[1] + a[3] + gap;

const within = (a: Box, v: Box) => a[0] >= v[0] && a[1] >= v[1] && a[0] + a[2] <= v[0] + v[2] && a[1] + a[3] <= v[1] + v[3];

/**
 * placeLabels places every label whose point is in view inside it, no two
 * boxes (nor a reserved one: the scale bar) closer than gap, in order
 * (smallest district first: they have the least room; big districts' names
 * can move within them). A label that finds no place is left out.
 */
export function placeLabels(specs: LabelSpec[], view: Box, gap: number, order: (a: LabelSpec, b: LabelSpec) => number = () => 0, reserved: Box[] = []): PlacedLabel[] {
  const taken: Box[] = [...reserved];
  const out: PlacedLabel[] = [];
  for (const s of [...specs].sort(order)) {
    if (!within([s.x, s.y, 0, 0], view)) continue;
    const h = s.size * 1.3;
    const texts = shortName(s.name) === s.name ? [s.name] : [s.name, shortName(s.name)];
    let done = false;
    for (const text of texts) {
      const w = text.length * s.size;
      // around the point: nearest first
      const offsets: [number, number][] = [];
      for (const dy of [0, -1, 1, -2, 2, -3, 3]) for (const dx of [0, -0.6, 0.6, -1.2, 1.2]) offsets.push([dx * w, dy * h]);
      offsets.sort((a, b) => Math.hypot(a[0], a[1] * 1.5) - Math.hypot(b[0], b[1] * 1.5));
      for (const [dx, dy] of offsets) {
        const b = box(text, s.x + dx, s.y + dy, s.size);
        if (!within(b, view) || taken.some((t) => overlaps(t, b, gap))) continue;
        taken.push(b);
        out.push({ key: s.key, text, x: s.x + dx, y: s.y + dy, ax: s.x, ay: s.y, size: s.size, leader: Math.hypot(dx, dy) > h * 0.9 });
        done = true;
        break;
      }
      if (done) break;
    }
  }
  return out;
}

// ---- the scale bar ----

/** niceKm is the largest 1, 2 or 5 × 10ⁿ km not above km. */
export function niceKm(km: number): number {
  const p = 10 ** Math.floor(Math.log10(km));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= km) ?? p;
}

/** scaleBar lays out a bar of a round number of km about a fifth of the view wide, at the bottom right; box is its backing. */
export function scaleBar(view: Box, kmPerUnit: number) {
  const [x, y, w, h] = view;
  const km = niceKm(w * 0.2 * kmPerUnit);
  const len = km / kmPerUnit, fs = w / 60;
  const x1 = x + w * 0.97, x0 = x1 - len, y0 = y + h - h * 0.05;
  const box: Box = [x0 - fs * 0.6, y0 - fs * 1.9, len + fs * 1.2, fs * 2.6];
  return { km, fs, x0, x1, y0, box };
}
