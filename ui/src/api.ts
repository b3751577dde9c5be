// The admin UI talks only to Fogbank's admin API (/_fogbank/*) and, for object bodies, to the S3 API
// itself on the same origin — the same APIs any user has, no back doors.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Listeners told when the admin API answers 401 (the app shows the login page). */
export const unauthorized = new EventTarget();

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let data: any = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { message: text };
  }
  if (res.status === 401 && path !== '/_fogbank/login') unauthorized.dispatchEvent(new Event('unauthorized'));
  if (!res.ok) throw new ApiError(res.status, data?.error ?? data?.code ?? `HTTP ${res.status}`, data?.message ?? text);
  return data as T;
}

export interface Scope {
  account: string;
  region: string;
}

/** Runs an operation of a service as the selected account (POST /_fogbank/call). */
export function callAws<T = any>(scope: Scope, service: string, operation: string, input: Record<string, unknown> = {}): Promise<T> {
  return api<T>('/_fogbank/call', { body: { service, operation, account: scope.account, region: scope.region, input } });
}

/**
 * An Authorization header for the S3 API: Fogbank reads the account from a 12-digit access key id and
 * the region from the credential scope (it does not verify signatures yet).
 */
export function s3Auth(scope: Scope): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `AWS4-HMAC-SHA256 Credential=${scope.account}/${date}/${scope.region}/s3/aws4_request, SignedHeaders=host, Signature=0`;
}

export function s3Url(bucket: string, key = ''): string {
  return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export interface RequestEntry {
  seq: number;
  kind: 'request' | 'internal' | 'delivery';
  requestId: string;
  time: number;
  method: string;
  path: string;
  account?: string;
  region?: string;
  service?: string;
  operation?: string;
  status: number;
  errorCode?: string;
  durationMs: number;
  causedBy?: string;
  target?: string;
  source?: string;
}

/** Follows the live request log (Server-Sent Events); returns a function that stops following. */
export function followRequests(onEntry: (e: RequestEntry) => void, onState?: (open: boolean) => void): () => void {
  const source = new EventSource('/_fogbank/requests?follow=1');
  source.addEventListener('request', (ev) => onEntry(JSON.parse((ev as MessageEvent).data)));
  source.onopen = () => onState?.(true);
  source.onerror = () => onState?.(false);
  return () => source.close();
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
