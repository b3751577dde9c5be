// Small pieces shared by the SNS / EventBridge and Lambda / Logs pages: tabs, an action runner that
// turns thrown errors into an <ErrorBanner>, base64 for blobs, JSON that pretty-prints when it can.
import { useEffect, useState, type ReactNode } from 'react';
import { callAws, type Scope } from '../api.ts';
import { Link } from '../router.tsx';

export function Tabs({ base, tabs, current }: { base: string; tabs: Array<[string, string]>; current: string }) {
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map(([to, label]) => (
        <Link key={to} to={`${base}/${to}`} className={current === to ? 'active' : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}

/** Runs an action: clears the previous error, marks busy, keeps a thrown error to show. */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setError(undefined);
    setBusy(true);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

/** A validation failure: shown like a service error, without a code. */
export function invalid(message: string): never {
  throw new Error(message);
}

/** Parses JSON the user typed, or fails with a message naming the field. */
export function parseJson(text: string, what: string, kind: 'object' | 'any' = 'any'): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    invalid(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (kind === 'object' && (typeof v !== 'object' || v === null || Array.isArray(v))) invalid(`${what} must be a JSON object.`);
  return v;
}

export function utf8ToBase64(s: string): string {
  return bytesToBase64(new TextEncoder().encode(s));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToUtf8(b64: string | undefined): string {
  if (!b64) return '';
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** Text shown as-is, or pretty-printed when it is JSON. */
export function Pretty({ text, label }: { text: string | undefined | null; label?: string }) {
  if (text === undefined || text === null || text === '') return <span className="muted">(empty)</span>;
  let shown = text;
  try {
    const v = JSON.parse(text);
    if (typeof v === 'object' && v !== null) shown = JSON.stringify(v, null, 2);
  } catch {
    // not JSON
  }
  return (
    <pre className="json" aria-label={label}>
      {shown}
    </pre>
  );
}

/** A date and time, local, from epoch ms or an ISO string. */
export function When({ at }: { at: number | string | undefined | null }) {
  if (at === undefined || at === null || at === '') return <span className="muted">—</span>;
  const d = new Date(typeof at === 'string' && /^\d+$/.test(at) ? Number(at) : at);
  if (Number.isNaN(d.getTime())) return <span>{String(at)}</span>;
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}

const GOOD = new Set(['delivered', 'succeeded', 'success', 'enabled', 'active', 'confirmed', 'idle', 'ok', 'matches']);
const BAD = new Set(['failed', 'error', 'dead-lettered', 'unhandled', 'handled', 'failure', 'timeout', 'no match']);

/** A state or status as a small coloured label. */
export function Badge({ value }: { value: string | undefined | null }) {
  if (!value) return <span className="muted">—</span>;
  const v = value.toLowerCase();
  const tone = GOOD.has(v) ? 'good' : BAD.has(v) ? 'bad' : 'neutral';
  return <span className={`badge ${tone}`}>{value}</span>;
}

/** Key/value facts about one resource. */
export function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {rows
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/** Every page of a paginated List* call. */
export async function allPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>, max = 20): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < max; i++) {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.next;
    if (!token) break;
  }
  return out;
}

/** The last part of an ARN after ':' or '/'. */
export function arnName(arn: string): string {
  return arn.split(/[:/]/).pop() ?? arn;
}

/** `?account=…&region=…` for the admin routes that take a scope. */
export function scopeQuery(scope: { account: string; region: string }, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ ...extra, account: scope.account, region: scope.region }).toString();
}

/** ARNs of the queues, topics and functions in scope, to suggest as targets and endpoints. */
export function useArnSuggestions(scope: Scope, kinds: Array<'sqs' | 'sns' | 'lambda'>): string[] {
  const [arns, setArns] = useState<string[]>([]);
  const key = kinds.join(',');
  useEffect(() => {
    let live = true;
    const lists: Array<Promise<string[]>> = [];
    if (kinds.includes('sqs')) {
      lists.push(
        callAws<{ QueueUrls?: string[] }>(scope, 'sqs', 'ListQueues', { MaxResults: 1000 }).then((r) =>
          (r.QueueUrls ?? []).map((u) => `arn:aws:sqs:${scope.region}:${scope.account}:${u.split('/').pop()}`),
        ),
      );
    }
    if (kinds.includes('sns')) lists.push(callAws<{ Topics?: Array<{ TopicArn: string }> }>(scope, 'sns', 'ListTopics').then((r) => (r.Topics ?? []).map((t) => t.TopicArn)));
    if (kinds.includes('lambda')) {
      lists.push(callAws<{ Functions?: Array<{ FunctionArn: string }> }>(scope, 'lambda', 'ListFunctions', { MaxItems: 50 }).then((r) => (r.Functions ?? []).map((f) => f.FunctionArn)));
    }
    Promise.all(lists.map((p) => p.catch(() => [] as string[]))).then((all) => live && setArns(all.flat()));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope.account, scope.region, key]);
  return arns;
}

export function Suggestions({ id, values }: { id: string; values: string[] }) {
  return (
    <datalist id={id}>
      {values.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}

export const SNS_EVENTS = '/sns-events';
export const LAMBDA_LOGS = '/lambda-logs';

// Resource names go in the query, not the path: they may hold dots (orders.fifo, /app/web.log), and
// a path ending in an extension is fetched as a file when the page is reloaded.
function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A section of the SNS / EventBridge page, e.g. snsPath('topics', { arn }). */
export function snsPath(tab: string, params: Record<string, string | undefined> = {}): string {
  return withQuery(`${SNS_EVENTS}/${tab}`, params);
}

/** A section of the Lambda / Logs page, e.g. lambdaPath('logs', { group }). */
export function lambdaPath(tab: string, params: Record<string, string | undefined> = {}): string {
  return withQuery(`${LAMBDA_LOGS}/${tab}`, params);
}
