// Prints the raw and gzip sizes of the built script and style files of the
// console (dist/assets) and of the volunteers' app (dist/m/assets): each
// one's "first load" figure in the docs is the sum of the gzip sizes of its *.js.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

let failed = false;
for (const [name, rel, budget] of [['console', '../dist/assets/', 300], ['app (/m/)', '../dist/m/assets/', 150]]) {
  const dir = fileURLToPath(new URL(rel, import.meta.url));
  if (!existsSync(dir)) continue;
  let js = 0;
  for (const f of readdirSync(dir).sort()) {
    const raw = readFileSync(dir + f);
    const gz = gzipSync(raw, { level: 9 }).length;
    if (f.endsWith('.js')) js += gz;
    console.log(`${f.padEnd(32)} ${(raw.length / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KiB`);
  }
  console.log(`${name} script, gzip: ${(js / 1024).toFixed(1)} KiB (budget ${budget} KiB)`);
  if (js > budget * 1024) { console.error(`${name}: over the ${budget} KiB budget`); failed = true; }
}
if (failed) process.exit(1);
