// Serves the admin UI's built files (ui/dist, made by `npm install` through the `prepare` script) at
// /_fogbank/ui/. Files are read when asked for, so the UI costs start-up nothing. Paths are resolved
// inside ui/dist only; unknown paths without an extension get index.html (the app routes itself).
import { readFile } from 'node:fs/promises';
import { extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import type { Res } from '../server/http-io.ts';

const DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export async function serveUi(res: Res, path: string, head: boolean): Promise<void> {
  const out = res as ServerResponse;
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice('/_fogbank/ui/'.length));
  } catch {
    rel = '';
  }
  const file = normalize(DIST + rel);
  const inside = file.startsWith(DIST) && !rel.includes('\0');
  // Files are index.html, top-level files and assets/*; any other path is the app's own route, even
  // with a dot in it (/sqs/jobs.fifo, /s3/my.bucket).
  const asset = inside && extname(rel) !== '' && (!rel.includes('/') || rel.startsWith('assets/'));
  const wanted = asset ? file : DIST + 'index.html';
  let body: Buffer;
  try {
    body = await readFile(wanted.endsWith(sep) ? DIST + 'index.html' : wanted);
  } catch {
    if (asset) {
      out.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    out.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The admin UI is not built. Run `npm install` (or `npm run build:ui`) in the Fogbank checkout.\n');
    return;
  }
  const isIndex = !asset || wanted.endsWith('index.html');
  out.writeHead(200, {
    'content-type': TYPES[extname(wanted)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    // Built assets carry content hashes in their names; index.html must always be fetched fresh.
    'cache-control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(isIndex ? { 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'" } : {}),
  });
  out.end(head ? undefined : body);
}
