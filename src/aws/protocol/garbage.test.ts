// Nothing a client sends may crash a codec: every protocol gets random and hostile requests against
// every operation of botocore's test models, and must either parse them or answer a ServiceError
// (which it must then be able to render). Seeded, so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { loadCodec } from './index.ts';
import { ServiceError } from '../../core/errors.ts';
import type { ServiceModel } from './model.ts';
import type { HttpRequest } from '../../core/http.ts';

const VECTORS = new URL('../../../../shared/protocol-tests/botocore/input/', import.meta.url);
const FILES: Record<string, string> = { query: 'query', ec2: 'ec2', json: 'json', json_1_0: 'json', 'rest-json': 'rest-json', 'rest-xml': 'rest-xml' };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const HOSTILE = [
  '', '{', '[]', 'null', '"x"', '{"a":', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}',
  '<', '<a><b></a>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '<' + 'a>'.repeat(5000), 'Action=&&&=', '%', '%zz', '\u0000\u0001\uffff', 'x'.repeat(70000),
  '{"Nested":' + '['.repeat(3000) + ']'.repeat(3000) + '}', '1e999999', '-0', 'NaN', 'true',
];

function randomText(r: () => number): string {
  if (r() < 0.5) return HOSTILE[Math.floor(r() * HOSTILE.length)];
  const n = Math.floor(r() * 200);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * (r() < 0.8 ? 128 : 0x3000)));
  return s;
}

/** A request that looks roughly right for `operation` (so parsing gets deep), then corrupted. */
function requestFor(model: ServiceModel, operation: string, r: () => number): HttpRequest {
  const op = model.operations[operation];
  const protocol = model.metadata.protocol;
  const headers: Record<string, string> = {};
  let path = '/';
  let query = '';
  if (protocol === 'json') {
    headers['x-amz-target'] = `${model.metadata.targetPrefix}.${operation}`;
    headers['content-type'] = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
  } else if (protocol === 'query' || protocol === 'ec2') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else {
    path = (op.http?.requestUri ?? '/').split('?')[0].replace(/\{[^}]+\}/g, () => encodeURIComponent(randomText(r).slice(0, 20)) || 'x');
    query = op.http?.requestUri.split('?')[1] ?? '';
    if (r() < 0.5) query += `&${encodeURIComponent(randomText(r).slice(0, 30))}=${encodeURIComponent(randomText(r).slice(0, 30))}`;
  }
  // Values of the wrong type for every member that can carry one.
  const input = op.input ? model.shapes[op.input.shape] : undefined;
  let body = randomText(r);
  if (protocol === 'query' || protocol === 'ec2') {
    const fields = Object.keys(input?.members ?? {}).map((m) => `${m}${r() < 0.3 ? '.member.' + Math.floor(r() * 1e6) : ''}=${encodeURIComponent(randomText(r).slice(0, 50))}`);
    body = [`Action=${operation}`, 'Version=' + model.metadata.apiVersion, ...fields].join('&');
  } else if (r() < 0.5 && input?.members) {
    const doc: Record<string, unknown> = {};
    for (const m of Object.keys(input.members)) doc[m] = [randomText(r), 12, -1.5, true, null, [], {}, [[{}]]][Math.floor(r() * 8)];
    body = JSON.stringify(doc);
  }
  for (const [name, ref] of Object.entries(input?.members ?? {})) {
    if (ref.location === 'header' && r() < 0.7) headers[(ref.locationName ?? name).toLowerCase()] = randomText(r).replace(/[^\x20-\x7e]/g, '');
  }
  return { method: op.http?.method ?? 'POST', path, query, headers, body: Buffer.from(body, r() < 0.5 ? 'utf8' : 'latin1'), stream: Readable.from([]) };
}

for (const [protocol, file] of Object.entries(FILES)) {
  test(`${protocol}: random and hostile requests parse or fail with a ServiceError`, async () => {
    const suites = JSON.parse(readFileSync(new URL(`${file}.json`, VECTORS), 'utf8')) as Array<{ metadata: ServiceModel['metadata']; shapes: ServiceModel['shapes']; cases: Array<{ given: any }> }>;
    const r = rng(0xf09 + protocol.length);
    let attempts = 0;
    let rejected = 0;
    for (const suite of suites) {
      const metadata = protocol === 'json_1_0' ? { ...suite.metadata, jsonVersion: '1.0' } : suite.metadata;
      const model: ServiceModel = { metadata, shapes: suite.shapes, operations: {} };
      for (const c of suite.cases) model.operations[c.given.name] = c.given;
      const codec = await loadCodec(metadata.protocol);
      for (const operation of Object.keys(model.operations)) {
        for (let i = 0; i < 25; i++) {
          const req = requestFor(model, operation, r);
          attempts++;
          try {
            const op = codec.operationOf(model, req);
            if (!op) {
              assert.ok(codec.unknownOperation(model, req) instanceof ServiceError);
              continue;
            }
            codec.parseInput(model, op, req);
          } catch (err) {
            if (!(err instanceof ServiceError)) {
              assert.fail(`${protocol} ${operation}: ${(err as Error)?.stack ?? err}\nrequest: ${JSON.stringify({ ...req, body: req.body.toString('latin1').slice(0, 300), stream: undefined })}`);
            }
            rejected++;
            const rendered = codec.serializeError(model, operation, err, { requestId: 'r' });
            assert.ok(rendered.status >= 400 && rendered.status < 600);
          }
        }
      }
    }
    assert.ok(attempts > 100, `only ${attempts} requests tried`);
    assert.ok(rejected > 0, 'no request was rejected: the garbage is not reaching the parsers');
  });
}
