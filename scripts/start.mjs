#!/usr/bin/env node
// `npm start`: build the app and serve it on localhost (COOP/COEP on), printing the URL.
// Options: --port N (default 5173, or $PORT), --host H (default localhost), --no-build (serve dist/ as is).
import { build, preview } from 'vite';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('port', process.env.PORT ?? 5173));
const host = opt('host', 'localhost');

if (!args.includes('--no-build')) {
  console.log('[start] building the app…');
  await build({ logLevel: 'warn' });
}
const server = await preview({ preview: { port, host, strictPort: true }, logLevel: 'warn' });
const url = server.resolvedUrls?.local?.[0] ?? `http://${host}:${port}/`;
console.log(`[start] AutoGenDA is running at ${url}  (Ctrl+C to stop)`);
