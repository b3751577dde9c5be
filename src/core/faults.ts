// Fault injection (DESIGN.md §1's chain step, issue 11 §6): a test asks for an operation to fail, or be
// slow, and the failure reaches the client like a real one — rendered in its protocol, so an SDK's
// retry logic sees a genuine throttle. Faults live in memory: they are a test's arrangement, not state.
import { randomUUID } from 'node:crypto';
import { ServiceError } from './errors.ts';

export interface FaultSpec {
  /** The service's name as Fogbank registers it (`dynamodb`, `sqs`, `s3`, …). */
  service: string;
  /** One operation (`PutItem`); every operation of the service when absent. */
  operation?: string;
  /** Only requests acting in this account. */
  account?: string;
  /** The error to answer; absent, the fault only adds latency. */
  error?: { code: string; status?: number; message?: string };
  /** Milliseconds to wait before the error (or before running the operation). */
  latencyMs?: number;
  /** Chance that a matching request is hit, 0–1 (default 1). */
  probability?: number;
  /** How many requests to hit before the fault retires (default: until removed). */
  times?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Requests this fault has hit so far. */
  hits: number;
}

const MAX_FAULTS = 1000;
const MAX_LATENCY_MS = 300_000;

export class Faults {
  readonly #faults = new Map<string, Fault>();

  /** Validates and registers a fault; throws a 400 ServiceError naming what is wrong. */
  add(spec: unknown): Fault {
    const s = parse(spec);
    if (this.#faults.size >= MAX_FAULTS) throw invalid(`at most ${MAX_FAULTS} faults at once`);
    const fault: Fault = { ...s, id: randomUUID(), hits: 0 };
    this.#faults.set(fault.id, fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.#faults.values()];
  }

  remove(id: string): boolean {
    return this.#faults.delete(id);
  }

  clear(): void {
    this.#faults.clear();
  }

  /**
   * Applies the first fault matching this call: waits its latency, then throws its error, if any.
   * Resolves at once (no await) when no fault is registered, so the hot path pays nothing.
   */
  apply(service: string, operation: string, account: string): Promise<void> | undefined {
    if (this.#faults.size === 0) return undefined;
    for (const f of this.#faults.values()) {
      if (f.service !== service || (f.operation !== undefined && f.operation !== operation) || (f.account !== undefined && f.account !== account)) continue;
      if (f.probability !== undefined && Math.random() >= f.probability) continue;
      f.hits++;
      if (f.times !== undefined && f.hits >= f.times) this.#faults.delete(f.id);
      return hit(f, service, operation);
    }
    return undefined;
  }
}

async function hit(f: Fault, service: string, operation: string): Promise<void> {
  if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
  if (f.error) {
    const status = f.error.status ?? 400;
    const message = f.error.message ?? `Fault injected by Fogbank into ${service}.${operation}`;
    throw new ServiceError(f.error.code, message, { status, queryCode: f.error.code });
  }
}

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidFault', `Invalid fault: ${message}`, 400);
}

function parse(spec: unknown): FaultSpec {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw invalid('send a JSON object');
  const o = spec as Record<string, unknown>;
  const str = (k: string, v: unknown) => {
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.length > 256)) throw invalid(`${k} must be a non-empty string`);
    return v as string | undefined;
  };
  const num = (k: string, v: unknown, min: number, max: number, whole: boolean) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
      throw invalid(`${k} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`);
    }
    return v;
  };
  const service = str('service', o.service);
  if (!service) throw invalid('service is required');
  let error: FaultSpec['error'];
  if (o.error !== undefined) {
    if (!o.error || typeof o.error !== 'object') throw invalid('error must be {code, status?, message?}');
    const e = o.error as Record<string, unknown>;
    const code = str('error.code', e.code);
    if (!code) throw invalid('error.code is required');
    error = { code, status: num('error.status', e.status, 400, 599, true), message: str('error.message', e.message) };
  }
  const latencyMs = num('latencyMs', o.latencyMs, 0, MAX_LATENCY_MS, false);
  if (!error && !latencyMs) throw invalid('give an error, a latencyMs, or both');
  return {
    service,
    operation: str('operation', o.operation),
    account: str('account', o.account),
    error,
    latencyMs,
    probability: num('probability', o.probability, 0, 1, false),
    times: num('times', o.times, 1, 1_000_000, true),
  };
}
