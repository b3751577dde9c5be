// botocore's protocol test vectors, run backwards: Fogbank is the server. Input cases check that the
// request a client sends parses back into the parameters it was given; output cases check that the
// result a handler returns serializes into a response equivalent to AWS's (compared as documents,
// not bytes), and error cases that a client would read back the same code, message and fields.
// The vectors live outside the repository (../shared/protocol-tests, see its README).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Codec } from './codec.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import { resolveRef, type MemberView, type ServiceModel, type ShapeRef } from './model.ts';
import { ServiceError } from '../../core/errors.ts';
import { parseXml, type XmlElement } from './xml.ts';
import { parseTimestamp } from './values.ts';
import { readXmlStructure } from './xml-shapes.ts';

const VECTORS = new URL('../../../../shared/protocol-tests/botocore/', import.meta.url);

/** Test files and the codec module each runs against; a module that fails to load fails only its files. */
const PROTOCOLS: { file: string; module: string; codec: string }[] = [
  { file: 'query', module: './query.ts', codec: 'queryCodec' },
  { file: 'ec2', module: './ec2.ts', codec: 'ec2Codec' },
  { file: 'json', module: './json.ts', codec: 'jsonCodec' },
  { file: 'json_1_0', module: './json.ts', codec: 'jsonCodec' },
  { file: 'json_1_0-query-compatible', module: './json.ts', codec: 'jsonCodec' },
  { file: 'rest-json', module: './rest-json.ts', codec: 'restJsonCodec' },
  { file: 'rest-xml', module: './rest-xml.ts', codec: 'restXmlCodec' },
];

/**
 * Cases expected to fail, as `protocol/input|output/caseId` → why. Each must say why the behaviour
 * is right for a server (or what is missing); an entry whose case passes is reported so it can go.
 */
const knownFailures: Record<string, string> = {};

/**
 * Cases that test only what a client does and whose vector lacks what a server needs, so there is
 * nothing to check server side; skipped (and not counted) with the reason.
 */
const clientOnly: Record<string, string> = {
  'json_1_0/input/AwsJson10EndpointTrait': 'host-prefix vector: gives the host but not the X-Amz-Target header that names the operation',
  'json_1_0/input/AwsJson10EndpointTraitWithHostLabel': 'host-prefix vector: gives the host but not the X-Amz-Target header that names the operation',
};

type Json = any;

interface Suite {
  description: string;
  metadata: ServiceModel['metadata'];
  shapes: ServiceModel['shapes'];
  cases: Case[];
}

interface Case {
  id: string;
  given: Json;
  params?: Json;
  serialized?: { method?: string; uri: string; headers?: Record<string, string>; body?: string; host?: string };
  result?: Json;
  response?: { status_code: number; headers?: Record<string, string>; body?: string };
  error?: Json;
  errorCode?: string;
  errorMessage?: string;
}

const ignoreList = JSON.parse(readFileSync(new URL('protocol-tests-ignore-list.json', VECTORS), 'utf8'));

/** botocore's _should_ignore_test: general suites/cases, then the protocol's own. */
function ignored(protocol: string, kind: 'input' | 'output', suite: string, caseId: string): boolean {
  const general = ignoreList.general?.[kind] ?? {};
  if (general.suites?.includes(suite) || general.cases?.includes(caseId)) return true;
  const own = ignoreList.protocols?.[protocol]?.[kind] ?? {};
  return !!(own.suites?.includes(suite) || own.cases?.includes(caseId));
}

const summary: string[] = [];
after(() => {
  for (const line of summary) console.log(line);
});

for (const p of PROTOCOLS) {
  test(`botocore protocol tests: ${p.file}`, async (t) => {
    let codec: Codec | undefined;
    let loadError: unknown;
    try {
      codec = (await import(new URL(p.module, import.meta.url).href))[p.codec];
      if (!codec) throw new Error(`${p.module} does not export ${p.codec}`);
    } catch (e) {
      loadError = e;
    }
    const counts = { input: [0, 0], output: [0, 0] };
    let skipped = 0;
    for (const kind of ['input', 'output'] as const) {
      const suites: Suite[] = JSON.parse(readFileSync(new URL(`${kind}/${p.file}.json`, VECTORS), 'utf8'));
      for (const suite of suites) {
        for (const c of suite.cases) {
          if (ignored(p.file, kind, suite.description, c.id)) continue;
          const skip = clientOnly[`${p.file}/${kind}/${c.id}`];
          if (skip) {
            skipped++;
            await t.test(`${kind} ${c.id}`, { skip }, () => {});
            continue;
          }
          const known = knownFailures[`${p.file}/${kind}/${c.id}`];
          counts[kind][1]++;
          let passed = false;
          await t.test(`${kind} ${c.id}`, known ? { todo: known } : {}, async () => {
            if (!codec) throw loadError;
            if (kind === 'input') await checkInput(codec, p.file, suite, c);
            else await checkOutput(codec, p.file, suite, c);
            passed = true;
          });
          if (passed) counts[kind][0]++;
          if (passed && known) console.log(`known failure ${p.file}/${kind}/${c.id} now passes; remove it from knownFailures`);
        }
      }
    }
    summary.push(
      `protocol ${p.file}: input ${counts.input[0]}/${counts.input[1]} passed, output ${counts.output[0]}/${counts.output[1]} passed` +
        (skipped ? ` (${skipped} client-only skipped)` : ''),
    );
  });
}

function modelOf(suite: Suite, c: Case): ServiceModel {
  return { metadata: suite.metadata, shapes: suite.shapes, operations: { [c.given.name]: c.given } };
}

const isJson = (protocol: string) => protocol.startsWith('json') || protocol === 'rest-json';

// ── Input ────────────────────────────────────────────────────────────────────────────────────────

async function checkInput(codec: Codec, protocol: string, suite: Suite, c: Case): Promise<void> {
  const model = modelOf(suite, c);
  const ser = c.serialized!;
  const q = ser.uri.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(ser.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = Buffer.from(ser.body ?? '', 'utf8');
  const req: HttpRequest = {
    method: ser.method ?? 'POST',
    path: q === -1 ? ser.uri : ser.uri.slice(0, q),
    query: q === -1 ? '' : ser.uri.slice(q + 1),
    headers,
    body,
    hostname: ser.host?.split('/')[0],
  };
  // The server hands streaming payloads over unread.
  if (hasStreamingInput(model, c.given.name)) req.stream = Readable.from([body]);
  assert.equal(codec.operationOf(model, req), c.given.name, 'operationOf');
  const parsed = (await normalize(codec.parseInput(model, c.given.name, req))) as Record<string, unknown>;
  withoutNamedQueryParams(model, c.given.name, parsed, c.params);
  const lenientEmpty = !protocol.startsWith('json');
  compareValues(parsed, dropNulls(c.params), 'params', lenientEmpty);
}

/**
 * A map bound to the whole query string holds every parameter on a server, named ones included
 * (Smithy's httpQueryParams server rule: the server cannot tell what the client meant), while the
 * client's params leave out those it bound by name. Drop those before comparing.
 */
function withoutNamedQueryParams(model: ServiceModel, operation: string, parsed: Record<string, unknown>, params: Json): void {
  const ref = model.operations[operation].input;
  const members = ref ? model.shapes[ref.shape].members ?? {} : {};
  const named = new Set<string>();
  let mapMember: string | undefined;
  for (const [name, m] of Object.entries(members)) {
    if (m.location !== 'querystring') continue;
    if (model.shapes[m.shape].type === 'map') mapMember = name;
    else named.add(m.locationName ?? name);
  }
  const map = mapMember && (parsed[mapMember] as Record<string, unknown> | undefined);
  if (!map) return;
  for (const key of named) if (!(key in (params[mapMember!] ?? {}))) delete map[key];
  if (!Object.keys(map).length && !(mapMember! in params)) delete parsed[mapMember!];
}

function hasStreamingInput(model: ServiceModel, operation: string): boolean {
  const ref = model.operations[operation].input;
  if (!ref) return false;
  const shape = model.shapes[ref.shape];
  const payload = shape.payload && shape.members?.[shape.payload];
  return !!payload && !!(payload.streaming || model.shapes[payload.shape].streaming);
}

/** Handler values in the vectors' notation: epoch seconds, UTF-8 text for blobs, named special floats. */
async function normalize(v: unknown): Promise<unknown> {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.getTime() / 1000;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of v) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  if (Array.isArray(v)) return Promise.all(v.map(normalize));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const n = await normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return out;
  }
  return v;
}

function dropNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

/**
 * Deep equality of normalized values, except that (with `lenientEmpty`) an expected empty list or map
 * may be absent, because these wires cannot carry one (botocore sends nothing for an empty query
 * map, an empty ec2 list or an empty prefix-header map).
 */
function compareValues(actual: unknown, expected: unknown, path: string, lenientEmpty: boolean): void {
  if (expected && typeof expected === 'object') {
    if (Array.isArray(expected)) {
      assert.ok(Array.isArray(actual), `${path}: expected a list, got ${JSON.stringify(actual)}`);
      assert.equal(actual.length, expected.length, `${path}: list length`);
      expected.forEach((x, i) => compareValues(actual[i], x, `${path}[${i}]`, lenientEmpty));
      return;
    }
    assert.ok(actual && typeof actual === 'object' && !Array.isArray(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`);
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(e)])) {
      if (a[k] === undefined && lenientEmpty && isEmptyCollection(e[k])) continue;
      assert.ok(k in e, `${path}.${k}: unexpected member ${JSON.stringify(a[k])}`);
      assert.ok(k in a, `${path}.${k}: missing, expected ${JSON.stringify(e[k])}`);
      compareValues(a[k], e[k], `${path}.${k}`, lenientEmpty);
    }
    return;
  }
  assert.ok(actual === expected, `${path}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (!!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

// ── Output ───────────────────────────────────────────────────────────────────────────────────────

async function checkOutput(codec: Codec, protocol: string, suite: Suite, c: Case): Promise<void> {
  const model = modelOf(suite, c);
  const operation = c.given.name as string;
  const expected = c.response!;
  const echoed = Object.entries(expected.headers ?? {}).find(([k]) => /^x-amzn?-request-?id$/i.test(k));
  const requestId = echoed?.[1] ?? (c.errorCode !== undefined ? 'foo-id' : 'requestid');
  let res: HttpResponse;
  let errorShape: string | undefined;
  if (c.errorCode !== undefined) {
    errorShape = findErrorShapeName(model, c.errorCode);
    const fields: Record<string, unknown> = { ...c.error };
    delete fields.Message;
    delete fields.message;
    const err = new ServiceError(errorShape ?? c.errorCode, c.errorMessage ?? '', {
      status: expected.status_code,
      fields: errorShape ? toHandler(model, { shape: errorShape }, fields) : fields,
    });
    res = codec.serializeError(model, operation, err, { requestId });
  } else {
    const out = model.operations[operation].output;
    const values = out ? toHandler(model, out, c.result ?? {}) : {};
    res = codec.serializeOutput(model, operation, values, { requestId });
  }
  const body = await bodyText(res);

  assert.equal(res.status, expected.status_code, 'status code');
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    // Some vectors echo request headers into responses to check that clients ignore them.
    if (name.toLowerCase() === 'x-amz-target') continue;
    compareHeader(name, headerOf(res, name, body), value);
  }
  assert.ok(
    body.includes(requestId) || Object.values(res.headers).some((v) => String(v) === requestId),
    'the request id is in the response',
  );
  if (c.errorCode !== undefined) return checkError(protocol, model, res, body, c, errorShape);
  if (expected.body === undefined) return;
  if (isJson(protocol)) {
    // To a JSON client an empty body and an empty object are the same answer.
    if (expected.body === '' && (body === '' || body === '{}')) return;
    let want: Json;
    try {
      want = JSON.parse(expected.body);
    } catch {
      return assert.equal(body, expected.body, 'body');
    }
    compareJsonAs(model, jsonBodyShape(model, operation), JSON.parse(body || '{}'), want, 'body');
    return;
  }
  if (expected.body === '') return assert.equal(body, '', 'body should be empty');
  let want: XmlElement;
  try {
    want = parseXml(expected.body);
  } catch {
    return assert.equal(body, expected.body, 'body');
  }
  compareXml(parseXml(body), want, '', true);
}

async function bodyText(res: HttpResponse): Promise<string> {
  const b = res.body;
  if (b === undefined) return '';
  if (typeof b === 'string') return b;
  if (b instanceof Uint8Array) return Buffer.from(b).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of b) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function headerOf(res: HttpResponse, name: string, body: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(res.headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v.join(', ') : String(v);
  }
  // The HTTP layer, not the codec, adds Content-Length.
  if (lower === 'content-length') return String(Buffer.byteLength(body));
  return undefined;
}

function compareHeader(name: string, actual: string | undefined, expected: string): void {
  assert.ok(actual !== undefined, `header ${name} missing (expected ${JSON.stringify(expected)})`);
  if (name.toLowerCase() === 'content-type') {
    const media = (s: string) => s.split(';')[0].trim().toLowerCase();
    return assert.equal(media(actual), media(expected), `header ${name}`);
  }
  // Smithy joins list headers with ", ", botocore with ","; both are the same list.
  const clean = (s: string) => s.replace(/, /g, ',');
  assert.ok(actual === expected || clean(actual) === clean(expected), `header ${name}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/** Converts vector values (epoch seconds, text blobs, named floats) into what handlers return. */
function toHandler(model: ServiceModel, ref: ShapeRef, value: Json): Json {
  if (value === null || value === undefined) return value;
  const shape = resolveRef(model, ref);
  if (shape.document) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(value)) {
        const m = shape.members?.[k];
        out[k] = m && !shape.document ? toHandler(model, m, x) : x;
      }
      return out;
    }
    case 'list':
      return (value as Json[]).map((x) => toHandler(model, shape.member!, x));
    case 'map': {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(value)) out[k] = toHandler(model, shape.value!, x);
      return out;
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : parseTimestamp(value);
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'float':
    case 'double':
      return value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
    default:
      return value;
  }
}

function findErrorShapeName(model: ServiceModel, code: string): string | undefined {
  if (model.shapes[code]?.exception) return code;
  for (const [name, shape] of Object.entries(model.shapes)) if (shape.error?.code === code) return name;
  return undefined;
}

// ── Errors as a client reads them ────────────────────────────────────────────────────────────────

function checkError(protocol: string, model: ServiceModel, res: HttpResponse, body: string, c: Case, shapeName?: string): void {
  const fields = Object.entries(c.error ?? {}).filter(([k]) => k !== 'Message' && k !== 'message');
  const shape = shapeName ? resolveRef(model, { shape: shapeName }) : undefined;
  if (isJson(protocol)) {
    const doc = body ? JSON.parse(body) : {};
    const queryError = headerOf(res, 'x-amzn-query-error', body);
    const raw = (protocol.includes('query-compatible') && queryError?.split(';')[0]) ||
      headerOf(res, 'x-amzn-errortype', body) || doc.__type || doc.code || '';
    const code = String(raw).split(':')[0].split('#').pop();
    assert.equal(code, c.errorCode, 'error code');
    assert.equal(doc.message ?? doc.Message ?? doc.errorMessage ?? '', c.errorMessage ?? '', 'error message');
    // Fields are compared in wire form with the expected response's, where it has them.
    const wire = c.response?.body ? JSON.parse(c.response.body) : {};
    for (const [k, v] of fields) {
      const m = shape?.members?.[k];
      if (m?.location === 'header') compareJson(headerOf(res, m.locationName!, body), v, `error.${k}`);
      else if (m && (m.locationName ?? k) in wire) compareJsonAs(model, resolveRef(model, m), doc[m.locationName ?? k], wire[m.locationName ?? k], `error.${k}`);
      else compareJson(doc[m?.locationName ?? k], v, `error.${k}`);
    }
    return;
  }
  const root = parseXml(body);
  const error = root.name === 'Error' ? root : findChild(root, 'Error') ?? findChild(findChild(root, 'Errors'), 'Error');
  assert.ok(error, 'response has an <Error> element');
  assert.equal(findChild(error, 'Code')?.text, c.errorCode, 'error code');
  assert.equal(findChild(error, 'Message')?.text ?? '', c.errorMessage ?? '', 'error message');
  const parsed = (shape ? normalizeSync(readXmlStructure(model, shape, error, '')) : {}) as Record<string, unknown>;
  for (const [k, v] of fields) {
    const m = shape?.members?.[k];
    if (m?.location === 'header') compareValues(headerOf(res, m.locationName!, body), v, `error.${k}`, false);
    else compareValues(parsed[k], v, `error.${k}`, false);
  }
}

function findChild(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

// readXmlStructure returns plain values (no streams), so normalizing needs no awaiting.
function normalizeSync(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  if (Array.isArray(v)) return v.map(normalizeSync);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeSync(x)]));
  return v;
}

// ── Document comparison ──────────────────────────────────────────────────────────────────────────

const REQUEST_ID_ELEMENTS = new Set(['requestId', 'RequestId', 'RequestID', 'ResponseMetadata']);

/**
 * Compares XML documents the way clients read them: element names, non-namespace attributes and
 * text, siblings of different names in any order (repeats of one name in order), formatting
 * whitespace ignored, timestamps and numbers by value. Namespaces are ignored, as botocore does.
 */
function compareXml(actual: XmlElement, expected: XmlElement, path: string, root = false): void {
  const at = `${path}/${expected.name}`;
  assert.equal(actual.name, expected.name, `element name at ${path || '/'}`);
  assert.deepEqual(plainAttributes(actual), plainAttributes(expected), `attributes of ${at}`);
  const keep = (c: XmlElement) => !(root && REQUEST_ID_ELEMENTS.has(c.name));
  const ac = actual.children.filter(keep);
  const ec = expected.children.filter(keep);
  if (!ac.length && !ec.length) {
    assert.ok(sameText(actual.text, expected.text), `text of ${at}: got ${JSON.stringify(actual.text)}, expected ${JSON.stringify(expected.text)}`);
    return;
  }
  const group = (list: XmlElement[]) => {
    const m = new Map<string, XmlElement[]>();
    for (const c of list) m.set(c.name, [...(m.get(c.name) ?? []), c]);
    return m;
  };
  const ag = group(ac);
  const eg = group(ec);
  assert.deepEqual([...ag.keys()].sort(), [...eg.keys()].sort(), `child elements of ${at}`);
  for (const [name, list] of eg) {
    const mine = ag.get(name)!;
    assert.equal(mine.length, list.length, `number of <${name}> in ${at}`);
    list.forEach((e, i) => compareXml(mine[i], e, at));
  }
}

function plainAttributes(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attributes ?? {})) if (k !== 'xmlns' && !k.startsWith('xmlns:')) out[k] = v;
  return out;
}

const NO_MEMBERS = { type: 'structure', members: {}, shapeName: '' } as MemberView;

/** The shape the JSON body of an operation's response holds: its payload member's, or the output's. */
function jsonBodyShape(model: ServiceModel, operation: string): MemberView {
  const ref = model.operations[operation].output;
  if (!ref) return NO_MEMBERS;
  const shape = model.shapes[ref.shape];
  const payload = shape.payload ? shape.members?.[shape.payload] : undefined;
  return resolveRef(model, payload ?? ref);
}

/**
 * Compares JSON documents as a client reads them with the model: null members and members the model
 * does not have (`__type` in a union, unexpected keys) are ignored in the expected document, since a
 * server cannot be asked to send what its handler does not return.
 */
function compareJsonAs(model: ServiceModel, v: MemberView | undefined, actual: Json, expected: Json, path: string): void {
  if (!v || v.document || expected === null || typeof expected !== 'object') return compareJson(actual, expected, path);
  if (v.type === 'list') {
    assert.ok(Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length, `${path}: list`);
    const item = resolveRef(model, v.member!);
    expected.forEach((x: Json, i: number) => compareJsonAs(model, item, actual[i], x, `${path}[${i}]`));
    return;
  }
  assert.ok(actual && typeof actual === 'object' && !Array.isArray(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`);
  const members = new Map<string, MemberView>();
  if (v.type === 'structure') {
    for (const [name, ref] of Object.entries(v.members ?? {})) {
      if (ref.location) continue;
      members.set(ref.locationName ?? name, resolveRef(model, ref));
    }
  }
  const value = v.type === 'map' ? resolveRef(model, v.value!) : undefined;
  const wanted = Object.keys(expected).filter((k) => expected[k] !== null && (value || members.has(k)));
  const got = Object.keys(actual).filter((k) => actual[k] !== null && actual[k] !== undefined);
  assert.deepEqual(got.sort(), wanted.sort(), `${path}: keys`);
  for (const k of wanted) compareJsonAs(model, value ?? members.get(k), actual[k], expected[k], `${path}.${k}`);
}

function compareJson(actual: Json, expected: Json, path: string): void {
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    if (Array.isArray(expected)) {
      assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: list length`);
      expected.forEach((x, i) => compareJson(actual[i], x, `${path}[${i}]`));
      return;
    }
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected)) compareJson(actual[k], expected[k], `${path}.${k}`);
    return;
  }
  if (actual === expected) return;
  assert.ok(
    (typeof actual === 'string' && typeof expected === 'string' && sameText(actual, expected)),
    `${path}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
  );
}

const ISO_8601 = /^\d{4}-\d\d-\d\dT/;
const HTTP_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} /;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Text equality, but formatting whitespace is nothing, numbers compare by value, and timestamps by
 * value within one format (an offset or fractional seconds may differ; the format may not, since
 * some SDKs parse each member's format strictly).
 */
function sameText(a: string, b: string): boolean {
  if (a === b) return true;
  const formatting = (s: string) => s === '' || (s.includes('\n') && s.trim() === '');
  if (formatting(a) && formatting(b)) return true;
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) === Number(b);
  const sameFormat = (ISO_8601.test(a) && ISO_8601.test(b)) || (HTTP_DATE.test(a) && HTTP_DATE.test(b));
  return sameFormat && parseTimestamp(a)?.getTime() === parseTimestamp(b)?.getTime();
}
