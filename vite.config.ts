import { defineConfig } from 'vite';

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer → multi-threaded ONNX Runtime wasm).
// The built app must also work from static hosts without these headers (single-threaded wasm then).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the build runs from any path of any static host (e.g. a project page under /repo/).
  base: './',
  server: { headers: isolation, strictPort: true },
  preview: { headers: isolation, strictPort: true },
  worker: { format: 'es' },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { target: 'es2022', sourcemap: true },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
