import { defineConfig } from 'vite';

// The console is served by the Go service under /console/ (handlers/console.go
// embeds dist/ through embed.go). Hashed files go to dist/assets/, which the
// service serves with a year-long immutable cache.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
