// Request variants generated from the models: for every implemented operation of the services that
// answer Coral validation errors, inputs that each violate one constraint of one member at any depth
// up to 3 (length, range, enum, list size, pattern), sent through the service's AWS SDK v3 client
// (which does not validate constraints). Each must get a 4xx validation-style error naming that
// member's path, never a 5xx and never a success. Deterministic (no randomness), bounded (at most 6
// variants per operation). S3 and SQS answer their own codes instead (validate.ts), left out here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { awsCatalog } from '../catalog.ts';
import { startFogbank, type TestFogbank } from '../../testing/index.ts';
import { matchesJavaPattern } from './java-pattern.ts';
import { resolveRef, type MemberView, type ServiceModel, type ShapeRef } from './model.ts';

const SERVICES = ['dynamodb', 'dynamodbstreams', 'events', 'scheduler', 'lambda', 'logs', 'sns', 'sts'];
const VALIDATION_CODES = new Set(['ValidationException', 'ValidationError', 'InvalidParameterException']);
const PER_OPERATION = 6;

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());

interface Variant {
  operation: string;
  member: string;
  constraint: string;
  input: Record<string, unknown>;
}

/** A value that satisfies the shape's constraints where one is easy to find; the base of every variant. */
function validValue(model: ServiceModel, ref: ShapeRef, depth: number): unknown {
  const s = resolveRef(model, ref);
  switch (s.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const name of s.required ?? []) out[name] = validValue(model, s.members![name]!, depth + 1);
      return out;
    }
    case 'list':
      return s.min ? Array.from({ length: s.min }, () => validValue(model, s.member!, depth + 1)) : [];
    case 'map':
      return {};
    case 'boolean':
      return false;
    case 'timestamp':
      return new Date(0);
    case 'blob':
      return new Uint8Array(Math.max(s.min ?? 1, 1));
    case 'string':
      return validString(s);
    default:
      return Math.max(s.min ?? 1, 1);
  }
}

function validString(s: MemberView): string {
  if (s.enum?.length) return s.enum[0]!;
  const n = Math.max(s.min ?? 1, Math.min(s.max ?? 8, 8));
  for (const c of ['a', 'A', '1', 'arn:aws:iam::000000000000:role/a']) {
    const v = c.length > 1 ? c : c.repeat(n);
    if (s.pattern === undefined || matchesJavaPattern(s.pattern, v)) return v;
  }
  return 'a'.repeat(n);
}

/** The values that break one constraint of a shape, each with the constraint's name. */
function violations(model: ServiceModel, s: MemberView, bound: boolean): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (s.type === 'string') {
    if (s.enum?.length) out.push(['enum', 'NOT_A_MODELLED_VALUE']);
    if (s.max !== undefined && s.max < 100_000) out.push(['max', 'a'.repeat(s.max + 1)]);
    // An empty or odd URI label or header is refused by the client itself, before the wire.
    if (s.min !== undefined && s.min > 0 && !bound) out.push(['min', 'a'.repeat(s.min - 1)]);
    if (s.pattern !== undefined && !bound) {
      const n = Math.max(s.min ?? 1, 1);
      const bad = ' \u0000'.repeat(n).slice(0, n);
      if ((s.max === undefined || n <= s.max) && matchesJavaPattern(s.pattern, bad) === false) out.push(['pattern', bad]);
    }
  } else if (['integer', 'long'].includes(s.type)) {
    if (s.max !== undefined) out.push(['max', s.max + 1]);
    if (s.min !== undefined) out.push(['min', s.min - 1]);
  } else if (s.type === 'list') {
    if (s.max !== undefined && s.max <= 1000) out.push(['max', Array.from({ length: s.max + 1 }, () => validValue(model, s.member!, 1))]);
    if (s.min !== undefined && s.min > 0) out.push(['min', []]);
  }
  return out;
}

/**
 * Violations of members at any depth up to 3 (inside structures and the first element of lists),
 * each set into an otherwise valid input; the first few per operation, in model order.
 */
function variants(model: ServiceModel, operation: string): Variant[] {
  const inputRef = model.operations[operation]!.input;
  if (!inputRef) return [];
  const out: Variant[] = [];
  // `wrap` puts a value where the member sits: the base input with the path down to it filled in.
  const visit = (ref: ShapeRef, path: string, depth: number, wrap: (v: Record<string, unknown>) => Record<string, unknown>) => {
    const shape = resolveRef(model, ref);
    if (shape.type !== 'structure' || depth > 3) return;
    const base = validValue(model, ref, 0) as Record<string, unknown>;
    for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
      const s = resolveRef(model, memberRef);
      const at = `${path}${name.charAt(0).toLowerCase()}${name.slice(1)}`;
      const bound = s.location === 'uri' || s.location === 'header' || s.location === 'headers' || s.location === 'querystring';
      for (const [constraint, value] of violations(model, s, bound)) {
        out.push({ operation, member: at, constraint, input: wrap({ ...base, [name]: value }) });
      }
      if (s.type === 'structure') {
        visit(memberRef, `${at}.`, depth + 1, (v) => wrap({ ...base, [name]: v }));
      } else if (s.type === 'list' && resolveRef(model, s.member!).type === 'structure') {
        visit(s.member!, `${at}.1.member.`, depth + 1, (v) => wrap({ ...base, [name]: [v] }));
      }
    }
  };
  visit(inputRef, '', 0, (v) => v);
  return out.slice(0, PER_OPERATION);
}

test('one-constraint violations of every implemented operation get a 4xx validation error naming the member', { timeout: 120_000 }, async () => {
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  let sent = 0;
  let clientRefused = 0;
  const started = performance.now();
  for (const name of SERVICES) {
    const entry = awsCatalog.find((e) => e.name === name)!;
    const definition = (await import(`../services/${name}/index.ts`)).default as { model: ServiceModel; handlers: Record<string, unknown> };
    const sdk = require(entry.v3Client!) as Record<string, any>;
    const Client = Object.entries(sdk).find(([k, v]) => k.endsWith('Client') && k !== '__Client' && typeof v === 'function')![1];
    const client: any = fb.client(Client, { maxAttempts: 1 });
    for (const operation of Object.keys(definition.handlers).sort()) {
      const Command = sdk[`${operation}Command`];
      if (!Command) continue;
      for (const v of variants(definition.model, operation)) {
        sent++;
        const where = `${name}.${operation} ${v.member} (${v.constraint})`;
        try {
          await client.send(new Command(v.input));
          failures.push(`${where}: accepted`);
        } catch (e: any) {
          const status = e.$metadata?.httpStatusCode as number | undefined;
          if (status === undefined) {
            clientRefused++; // the SDK refused to serialize it (e.g. a value its own code rejects)
            continue;
          }
          if (status >= 500 || status < 400) failures.push(`${where}: HTTP ${status} ${e.name}`);
          else if (!VALIDATION_CODES.has(e.name)) failures.push(`${where}: ${e.name}: ${e.message}`);
          else if (!String(e.message).includes(`at '${v.member}'`)) {
            failures.push(`${where}: message does not name the member: ${e.message}`);
          }
        }
      }
    }
    client.destroy?.();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`constraint variants: ${sent} sent, ${clientRefused} refused by the client, ${failures.length} failures, ${seconds.toFixed(1)} s`);
  assert.ok(sent > 200, `only ${sent} variants`);
  assert.ok(clientRefused < sent / 10, `${clientRefused} of ${sent} never reached the wire`);
  assert.deepEqual(failures, []);
});
