// Prints the raw and gzip sizes of the built script and style files: the
// docs/console.md's "first load" figure is the sum of the gzip sizes of dist/assets/*.js.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../dist/assets/', import.meta.url));
let js = 0;
for (const f of readdirSync(dir).sort()) {
  const raw = readFileSync(dir + f);
  const gz = gzipSync(raw, { level: 9 }).length;
  if (f.endsWith('.js')) js += gz;
  console.log(`${f.padEnd(32)} ${(raw.length / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KiB`);
}
console.log(`script, gzip: ${(js / 1024).toFixed(1)} KiB (budget 300 KiB)`);
if (js > 300 * 1024) { console.error('over the 300 KiB budget'); process.exit(1); }
