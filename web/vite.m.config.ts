import { defineConfig } from 'vite';

// The volunteers' mobile app, served by the Go service under /m/
// (handlers/app.go serves dist/m, embedded through embed.go). Built after the
// console (vite.config.ts), into dist/m; it shares src/api.ts, src/state.ts,
// src/ui.tsx, src/map.tsx and the generated API types with the console.
export default defineConfig({
  root: 'm',
  base: '/m/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/m',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
