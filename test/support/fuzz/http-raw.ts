// Sending bytes exactly as the fuzzer made them (no client library would send most of them) and
// reading the first answer back: one connection per request, closed by the server after answering.
import net from 'node:net';
import type { WireRequest } from './wire.ts';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type Outcome = { answer: RawAnswer } | { noAnswer: string };

export function send(port: number, req: WireRequest, timeoutMs: number): Promise<Outcome> {
  const lines = [`${req.method} ${req.target} HTTP/1.1`];
  const head: Buffer[] = [];
  const has = (name: string) => req.headers.some(([k]) => k.toLowerCase() === name);
  const headers: Array<[string, string | Buffer]> = [...(has('host') ? [] : [['host', `127.0.0.1:${port}`] as [string, string]]), ...req.headers, ['connection', 'close']];
  if (!has('content-length') && !has('transfer-encoding')) headers.push(['content-length', String(req.contentLength ?? req.body.length)]);
  head.push(Buffer.from(`${lines[0]}\r\n`, 'latin1'));
  for (const [k, v] of headers) head.push(Buffer.from(`${k}: `, 'latin1'), Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'), Buffer.from('\r\n'));
  head.push(Buffer.from('\r\n'));
  const bytes = Buffer.concat([...head, req.body]);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const timer = setTimeout(() => done({ noAnswer: `no answer in ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (err) => {
      const answer = chunks.length ? parse(Buffer.concat(chunks)) : undefined;
      done(answer ? { answer } : { noAnswer: `connection error: ${(err as NodeJS.ErrnoException).code ?? err.message}` });
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      const answer = parse(Buffer.concat(chunks));
      done(answer ? { answer } : { noAnswer: chunks.length ? 'unparseable answer' : 'connection closed without an answer' });
    });
    socket.write(bytes, () => {
      if (req.halfClose) socket.end();
    });
  });
}

/** The first HTTP/1.1 response in `data`, or undefined when there is none whole. */
function parse(data: Buffer): RawAnswer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  // 100 Continue (to Expect: 100-continue) is not the answer: the one after it is.
  if (m[1].startsWith('1')) return parse(data.subarray(end + 4));
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) {
      const k = l.slice(0, i).trim().toLowerCase();
      headers[k] = headers[k] === undefined ? l.slice(i + 1).trim() : `${headers[k]}, ${l.slice(i + 1).trim()}`;
    }
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(m[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
