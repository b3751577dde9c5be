// What Lambda's test files share: building deployment packages, waiting for background effects, and
// reading the admin API.
import http from 'node:http';
import { buildZip, type ZipInput } from '../../src/aws/services/lambda/zip.ts';
import type { TestFogbank } from '../../src/testing/index.ts';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export { buildZip };

export function zipOf(files: Record<string, string | { data: string; mode: number }>): Uint8Array {
  const entries: ZipInput[] = Object.entries(files).map(([name, v]) => (typeof v === 'string' ? { name, data: v } : { name, data: v.data, mode: v.mode }));
  return buildZip(entries);
}

export function text(payload: Uint8Array | undefined): string {
  return Buffer.from(payload ?? new Uint8Array()).toString('utf8');
}

export function json<T = any>(payload: Uint8Array | undefined): T {
  return JSON.parse(text(payload)) as T;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request to Fogbank's port, with any Host header (function URLs). */
export function request(fb: TestFogbank, options: { method?: string; path?: string; host?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResult> {
  const port = Number(new URL(fb.endpoint).port);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: { ...(options.host ? { host: options.host } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function admin<T = any>(fb: TestFogbank, path: string, method = 'GET', body?: unknown): Promise<T> {
  const r = await request(fb, { method, path, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } });
  if (r.status !== 200) throw new Error(`admin ${method} ${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}
