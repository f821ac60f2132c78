/**
 * A local file server for downloader tests (127.0.0.1 only): byte ranges, CORS for the browser,
 * a request log, and faults to inject — drop the connection after N bytes, serve corrupted bytes
 * once, slow streaming so a test can abort mid-file.
 */
import { createServer, type Server } from 'node:http';

export interface Fault {
  /** Close the connection after this many body bytes, on the next `times` requests (default 1). */
  dropAfter?: number;
  /** Flip a byte in the next `times` responses. */
  corrupt?: boolean;
  times?: number;
}

export interface LoggedRequest {
  path: string;
  /** The query string, '' when none. */
  query: string;
  range?: string;
  status: number;
}

export class FileServer {
  readonly files = new Map<string, Uint8Array>();
  readonly faults = new Map<string, Fault>();
  readonly log: LoggedRequest[] = [];
  /** Bytes per write and the pause between writes (slow mode for abort tests). */
  chunk = 1 << 16;
  delayMs = 0;
  private server?: Server;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests for one path (or all) since the last reset. */
  requests(path?: string): LoggedRequest[] {
    return path ? this.log.filter((r) => r.path === path) : this.log;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Range');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader('Accept-Ranges', 'bytes');
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      const u = new URL(req.url ?? '/', this.url);
      const path = decodeURIComponent(u.pathname);
      const body = this.files.get(path);
      const range = req.headers.range;
      const entry: LoggedRequest = { path, query: u.search, range, status: 0 };
      this.log.push(entry);
      if (!body) {
        entry.status = 404;
        res.writeHead(404).end('not found');
        return;
      }
      let start = 0;
      const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
      if (m) start = Number(m[1]);
      if (start >= body.length && m) {
        entry.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      let bytes = body.subarray(start);
      const fault = this.faults.get(path);
      const active = fault && (fault.times ?? 1) > 0;
      if (active) fault.times = (fault.times ?? 1) - 1;
      if (active && fault.corrupt) {
        bytes = bytes.slice();
        bytes[bytes.length >> 1] ^= 0xff;
      }
      entry.status = m ? 206 : 200;
      res.writeHead(entry.status, {
        'Content-Length': String(bytes.length),
        'Content-Type': 'application/octet-stream',
        ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      const limit = active && fault.dropAfter !== undefined ? fault.dropAfter : bytes.length;
      this.stream(res, bytes, limit);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
    return this;
  }

  private stream(res: import('node:http').ServerResponse, bytes: Uint8Array, limit: number): void {
    let off = 0;
    const next = () => {
      if (res.destroyed) return;
      if (off >= limit) {
        if (limit < bytes.length) res.socket?.destroy();
        else res.end();
        return;
      }
      const end = Math.min(off + this.chunk, limit);
      res.write(bytes.subarray(off, end));
      off = end;
      if (this.delayMs) setTimeout(next, this.delayMs);
      else setImmediate(next);
    };
    next();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
