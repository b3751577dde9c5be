// The last invocations of each function, for the admin API: request, response, duration and logs.
import type { InvokeRequest } from './worker.ts';
import { functionKey, type Target } from './target.ts';

/** One run of a function, as the executor is asked for it and reports it (defined here, where runs are recorded). */
export interface RunRequest {
  requestId: string;
  payload: Buffer;
  clientContext?: string;
  /** How the invocation came: RequestResponse, Event, or a source (SQS, a function URL...). */
  kind: string;
  onStream?: InvokeRequest['onStream'];
}

export interface RunResult {
  requestId: string;
  payload: Buffer;
  contentType: string;
  streamed: boolean;
  /** 'Unhandled' when the function failed (X-Amz-Function-Error). */
  functionError?: string;
  errorType?: string;
  status: 'success' | 'error' | 'timeout';
  /** START ... REPORT of this invocation (LogType=Tail returns the last 4 KB). */
  log: string[];
  executedVersion: string;
  durationMs: number;
  initDurationMs?: number;
}

export interface InvocationRecord {
  requestId: string;
  function: string;
  account: string;
  region: string;
  version: string;
  qualifier?: string;
  kind: string;
  time: string;
  status: RunResult['status'];
  errorType?: string;
  durationMs: number;
  initDurationMs?: number;
  /** Wall time from arrival to answer, including any cold start. */
  totalMs: number;
  request: string;
  response: string;
  logs: string[];
}

const PER_FUNCTION = 50;
const MAX_TEXT = 64 * 1024;

export class InvocationRecords {
  #byFunction = new Map<string, InvocationRecord[]>();

  add(t: Target, req: RunRequest, r: RunResult, totalMs: number, logs: string[]): void {
    const key = functionKey(t.fn);
    let list = this.#byFunction.get(key);
    if (!list) this.#byFunction.set(key, (list = []));
    list.push({
      requestId: r.requestId,
      function: t.fn.name,
      account: t.fn.account,
      region: t.fn.region,
      version: r.executedVersion,
      qualifier: t.qualifier,
      kind: req.kind,
      time: new Date().toISOString(),
      status: r.status,
      errorType: r.errorType,
      durationMs: round(r.durationMs),
      initDurationMs: r.initDurationMs === undefined ? undefined : round(r.initDurationMs),
      totalMs: round(totalMs),
      request: text(req.payload),
      response: r.streamed ? '(streamed)' : text(r.payload),
      logs,
    });
    if (list.length > PER_FUNCTION) list.splice(0, list.length - PER_FUNCTION);
  }

  /** Newest first. */
  of(account: string, region: string, name: string): InvocationRecord[] {
    return [...(this.#byFunction.get(`${account}/${region}/${name}`) ?? [])].reverse();
  }

  all(): InvocationRecord[] {
    return [...this.#byFunction.values()].flat().sort((a, b) => (a.time < b.time ? 1 : -1));
  }

  clear(): void {
    this.#byFunction.clear();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function text(b: Buffer): string {
  const s = b.subarray(0, MAX_TEXT).toString('utf8');
  return b.length > MAX_TEXT ? `${s}… (${b.length} bytes)` : s;
}
