// POST /_fogbank/call: run any operation of any service as an account, with JSON in and out. The
// admin UI drives every service through this one endpoint (and the services' own admin routes), so
// it needs no private back door: the handler runs exactly as for a client's request, through
// env.invoke, and a failure answers the service's own error code and message.
import type { Readable } from 'node:stream';
import type { Environment } from '../core/environment.ts';
import type { ServiceRegistry } from './registry.ts';
import { resolveRef, type ServiceModel, type ShapeRef } from './protocol/model.ts';
import { ServiceError } from '../core/errors.ts';
import { parseTimestamp } from './protocol/values.ts';

export interface CallRequest {
  service: string;
  operation: string;
  account?: string;
  region?: string;
  input?: Record<string, unknown>;
}

export async function call(env: Environment, registry: ServiceRegistry, body: Record<string, unknown>): Promise<unknown> {
  const { service, operation } = body as unknown as CallRequest;
  if (typeof service !== 'string' || typeof operation !== 'string') {
    throw new ServiceError('InvalidParameter', 'service and operation are required strings', 400);
  }
  const identity = registry.byName(service);
  if (!identity) throw new ServiceError('InvalidParameter', `no service ${service}`, 404);
  const account = typeof body.account === 'string' && /^\d{12}$/.test(body.account) ? body.account : '000000000000';
  const region = typeof body.region === 'string' && body.region ? body.region : 'us-east-1';
  const { model } = (await registry.load(service)).definition;
  const op = Object.hasOwn(model.operations, operation) ? model.operations[operation] : undefined;
  if (!op) throw new ServiceError('InvalidParameter', `${service} has no operation ${operation}`, 404);
  const raw = body.input ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ServiceError('InvalidParameter', 'input must be a JSON object', 400);
  const input = op.input ? (fromJson(model, op.input, raw, 'input') as Record<string, unknown>) : {};
  const output = await env.invoke(service, operation, input, { account, region });
  return op.output ? await toJson(model, op.output, output) : {};
}

/** JSON (member names; blobs base64, timestamps ISO 8601 or epoch seconds) → handler values. */
function fromJson(model: ServiceModel, ref: ShapeRef, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return undefined;
  const shape = resolveRef(model, ref);
  const bad = (want: string) => new ServiceError('InvalidParameter', `${path} must be ${want}`, 400);
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      if (typeof v !== 'object' || Array.isArray(v)) throw bad('an object');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const m = shape.members?.[k];
        if (!m) throw bad(`an object without '${k}' (members: ${Object.keys(shape.members ?? {}).join(', ')})`);
        const value = fromJson(model, m, x, `${path}.${k}`);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) throw bad('an array');
      return v.map((x, i) => fromJson(model, shape.member!, x, `${path}[${i}]`));
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw bad('an object');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: fromJson(model, shape.value!, x, `${path}.${k}`), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw bad('true or false');
      return v;
    case 'integer': case 'long': case 'short': case 'byte': case 'float': case 'double': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || Number.isNaN(n)) throw bad('a number');
      return n;
    }
    case 'timestamp': {
      const d = typeof v === 'number' || typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw bad('a timestamp (ISO 8601 or epoch seconds)');
      return d;
    }
    case 'blob':
      if (typeof v !== 'string') throw bad('a string');
      // Streaming bodies are given as text; other blobs as base64, as in AWS's JSON protocols.
      return shape.streaming ? Buffer.from(v, 'utf8') : Buffer.from(v, 'base64');
    default:
      if (typeof v !== 'string') throw bad('a string');
      return v;
  }
}

/** Handler values → JSON (blobs base64, timestamps ISO 8601; streams reported by size, not inlined). */
async function toJson(model: ServiceModel, ref: ShapeRef, v: unknown): Promise<unknown> {
  if (v === null || v === undefined) return undefined;
  const shape = resolveRef(model, ref);
  switch (shape.type) {
    case 'structure': {
      if (shape.document || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const [k, m] of Object.entries(shape.members ?? {})) {
        const x = await toJson(model, m, (v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    case 'list':
      return Array.isArray(v) ? Promise.all(v.map((x) => toJson(model, shape.member!, x))) : undefined;
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as object)) out[k] = await toJson(model, shape.value!, x);
      return out;
    }
    case 'timestamp':
      return v instanceof Date ? v.toISOString() : v;
    case 'blob': {
      if (typeof v === 'string') return shape.streaming ? v : Buffer.from(v).toString('base64');
      if (v instanceof Uint8Array) return shape.streaming ? Buffer.from(v).toString('utf8') : Buffer.from(v).toString('base64');
      // A stream: count it and drop it; the UI downloads bodies through the service's own endpoint.
      let size = 0;
      for await (const chunk of v as Readable) size += (chunk as Buffer).length;
      return `(${size} bytes)`;
    }
    default:
      return v;
  }
}
