// Writing a fuzzed input as an HTTP request in its service's protocol (awsJson, query, rest-json,
// rest-xml), signed with a syntactically valid SigV4 header, and then spoiling the request itself:
// bodies, encodings, query strings, paths, methods and headers.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { ServiceModel, ShapeRef } from '../../../src/aws/protocol/model.ts';
import { Raw, type Value } from './inputs.ts';
import { HOSTILE_STRINGS, type Rng } from './random.ts';

export type ErrorProtocol = 'json' | 'rest-json' | 'xml';

export interface WireRequest {
  service: string;
  operation: string;
  method: string;
  /** The request target as sent (already percent-encoded, or deliberately not). */
  target: string;
  headers: Array<[string, string | Buffer]>;
  body: Buffer;
  mutations: string[];
  /** The request breaks HTTP itself: a bare 400 from the HTTP parser (or a closed connection) is fair. */
  malformedHttp?: boolean;
  /** Declared body longer than sent, then half-closed: the server may close without answering. */
  halfClose?: boolean;
  contentLength?: number;
}

export function signingNameOf(model: ServiceModel): string {
  return model.metadata.signingName ?? model.metadata.endpointPrefix ?? '';
}

function authorization(model: ServiceModel, rng: Rng): Array<[string, string]> {
  let sig = '';
  for (let i = 0; i < 64; i++) sig += '0123456789abcdef'[rng.int(16)];
  return [
    ['authorization', `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${signingNameOf(model)}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`],
    ['x-amz-date', '20260101T000000Z'],
  ];
}

/** Percent-encoding that survives lone surrogates (they become U+FFFD, as any UTF-8 encoder does). */
export function pct(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s.toWellFormed()).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

// ---------------------------------------------------------------------------------------------
// Protocol writers

export function jsonText(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Date) return String(v.getTime() / 1000);
  if (Buffer.isBuffer(v)) return JSON.stringify(v.toString('base64'));
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}

function scalarText(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (v === null) return '';
  if (typeof v === 'object') return jsonText(v);
  return String(v);
}

/** Query-protocol parameters: lists as Name.member.N, maps as Name.entry.N.key/value. */
function flatten(model: ServiceModel, prefix: string, v: Value, ref: ShapeRef | undefined, out: Array<[string, string]>): void {
  const shape = ref ? model.shapes[ref.shape] : undefined;
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(model, shape?.flattened ? `${prefix}.${i + 1}` : `${prefix}.member.${i + 1}`, x, shape?.member, out));
  } else if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Raw) && !Buffer.isBuffer(v)) {
    if (shape?.type === 'map') {
      Object.entries(v).forEach(([k, x], i) => {
        out.push([`${prefix}.entry.${i + 1}.${shape.key?.locationName ?? 'key'}`, k]);
        flatten(model, `${prefix}.entry.${i + 1}.${shape.value?.locationName ?? 'value'}`, x, shape.value, out);
      });
    } else {
      for (const [k, x] of Object.entries(v)) {
        const m = shape?.members?.[k];
        flatten(model, at(m?.locationName ?? k), x, m, out);
      }
    }
  } else out.push([prefix || 'Value', scalarText(v)]);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlOf(model: ServiceModel, name: string, v: Value, ref: ShapeRef | undefined, ns?: string): string {
  const shape = ref ? model.shapes[ref.shape] : undefined;
  const open = ns ? `<${name} xmlns="${ns}">` : `<${name}>`;
  if (v instanceof Raw) return `${open}${v.text}</${name}>`;
  if (Array.isArray(v)) {
    const memberName = shape?.member?.locationName ?? 'member';
    if (shape?.flattened) return v.map((x) => xmlOf(model, name, x, shape.member)).join('');
    return `${open}${v.map((x) => xmlOf(model, memberName, x, shape?.member)).join('')}</${name}>`;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    if (shape?.type === 'map') {
      return `${open}${Object.entries(v).map(([k, x]) => `<entry><key>${xmlEscape(k)}</key>${xmlOf(model, 'value', x, shape.value)}</entry>`).join('')}</${name}>`;
    }
    return `${open}${Object.entries(v).map(([k, x]) => xmlOf(model, shape?.members?.[k]?.locationName ?? k, x, shape?.members?.[k])).join('')}</${name}>`;
  }
  return `${open}${xmlEscape(scalarText(v))}</${name}>`;
}

/** Header values carry no CR, LF or other controls (those break HTTP itself, a separate mutation). */
function headerSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ');
}

function restRequest(model: ServiceModel, operation: string, input: Record<string, Value>, rng: Rng, xml: boolean): Pick<WireRequest, 'method' | 'target' | 'headers' | 'body'> {
  const op = model.operations[operation];
  const [uriPath, uriQuery] = (op.http?.requestUri ?? '/').split('?');
  const inputShape = op.input ? model.shapes[op.input.shape] : undefined;
  const headers: Array<[string, string]> = [];
  const query: string[] = uriQuery ? [uriQuery] : [];
  const bodyMembers: Record<string, Value> = {};
  const labels: Record<string, string> = {};
  for (const [name, v] of Object.entries(input)) {
    const ref = inputShape?.members?.[name];
    const where = ref?.location;
    const wire = ref?.locationName ?? name;
    if (where === 'uri') labels[wire] = scalarText(v);
    else if (where === 'querystring') {
      if (Array.isArray(v)) for (const x of v) query.push(`${pct(wire)}=${pct(scalarText(x))}`);
      else if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Raw) && !Buffer.isBuffer(v)) for (const [k, x] of Object.entries(v)) query.push(`${pct(k)}=${pct(scalarText(x))}`);
      else query.push(`${pct(wire)}=${pct(scalarText(v))}`);
    } else if (where === 'header') {
      // Framing is the transport's: a member bound to Content-Length would only lie about the body
      // (the 'content-length lie' mutation does that on purpose).
      if (/^(content-length|transfer-encoding|host|connection)$/i.test(wire)) continue;
      headers.push([wire, headerSafe(v instanceof Date ? v.toUTCString() : Array.isArray(v) ? v.map(scalarText).join(',') : scalarText(v))]);
    } else if (where === 'headers') {
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Raw) && !Buffer.isBuffer(v)) for (const [k, x] of Object.entries(v)) headers.push([`${wire}${pct(k)}`, headerSafe(scalarText(x))]);
    } else if (where !== 'statusCode') bodyMembers[name] = v;
  }
  const path = uriPath.replace(/\{([^}+]+)(\+?)\}/g, (_m, label: string, greedy: string) => {
    const v = labels[label] ?? (rng.chance(0.9) ? `fuzz-${rng.word()}` : '');
    return pct(v, greedy === '+');
  });
  let body: Buffer = Buffer.alloc(0);
  const payload = inputShape?.payload;
  if (payload) {
    const v = bodyMembers[payload];
    const ref = inputShape.members![payload];
    const type = model.shapes[ref.shape]?.type;
    if (v === undefined) body = Buffer.alloc(0);
    else if (Buffer.isBuffer(v)) body = v;
    else if (type === 'blob' || type === 'string') body = Buffer.from(scalarText(v));
    else if (xml) {
      const ns = typeof ref.xmlNamespace === 'object' ? ref.xmlNamespace.uri : undefined;
      body = Buffer.from(xmlOf(model, ref.locationName ?? ref.shape, v, ref, ns));
    } else body = Buffer.from(jsonText(v));
  } else if (!xml && Object.keys(bodyMembers).length) {
    const doc: Record<string, Value> = {};
    for (const [k, v] of Object.entries(bodyMembers)) doc[inputShape?.members?.[k]?.locationName ?? k] = v;
    body = Buffer.from(jsonText(doc));
  }
  if (body.length && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', xml ? 'application/xml' : 'application/json']);
  return { method: op.http?.method ?? 'POST', target: path + (query.length ? `?${query.join('&')}` : ''), headers, body };
}

/** A request for `operation` carrying `input`, as the service's SDK would send it (before mutations). */
export function requestFor(service: string, model: ServiceModel, operation: string, input: Record<string, Value>, rng: Rng, asQuery: boolean): WireRequest {
  const protocol = model.metadata.protocol;
  const base = { service, operation, mutations: [] as string[] };
  const sign = authorization(model, rng);
  if (protocol === 'json' && !asQuery) {
    return {
      ...base,
      method: 'POST',
      target: '/',
      headers: [...sign, ['x-amz-target', `${model.metadata.targetPrefix}.${operation}`], ['content-type', `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`]],
      body: Buffer.from(jsonText(input)),
    };
  }
  if (protocol === 'query' || protocol === 'json') {
    const params: Array<[string, string]> = [['Action', operation], ['Version', model.metadata.apiVersion]];
    flatten(model, '', input, model.operations[operation].input, params);
    const text = params.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
    if (rng.chance(0.15)) return { ...base, method: 'GET', target: `/?${text}`, headers: sign, body: Buffer.alloc(0) };
    return { ...base, method: 'POST', target: '/', headers: [...sign, ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], body: Buffer.from(text) };
  }
  const rest = restRequest(model, operation, input, rng, protocol === 'rest-xml');
  return { ...base, ...rest, headers: [...sign, ...rest.headers] };
}

/** Which protocol the answer's errors must be in: what the client that sent this request reads. */
export function errorProtocolOf(model: ServiceModel, req: WireRequest): ErrorProtocol {
  const protocol = model.metadata.protocol;
  if (protocol === 'rest-xml' || protocol === 'query') return 'xml';
  if (protocol === 'rest-json') return 'rest-json';
  if (model.metadata.awsQueryCompatible) {
    const ct = req.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    const form = req.method === 'POST' && typeof ct === 'string' && ct.startsWith('application/x-www-form-urlencoded');
    const q = req.target.indexOf('?');
    if (form || (req.method === 'GET' && q >= 0 && /(^|&)Action=/.test(req.target.slice(q + 1)))) return 'xml';
  }
  return 'json';
}

// ---------------------------------------------------------------------------------------------
// Mutations of the request itself

function setHeader(req: WireRequest, name: string, value: string | Buffer): void {
  req.headers = req.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
  req.headers.push([name, value]);
}

const BAD_XML = [
  '<', '<a>', '<a></b>', '<?xml version="1.0"?>', '<a><b></a></b>', '<a x="1></a>', '<a>&bogus;</a>', '<a>&#0;</a>', '<a>&#xD800;</a>',
  '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
  '<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><a>&c;</a>',
  '<a><![CDATA[x</a>', '<!-- x', '<a/><b/>', 'text<a/>', '<a xmlns:x="u"><x:b/></y:b></a>', '<a>\u0001</a>', '\uFEFF<a/>',
];

const BAD_QUERY = [
  '%', '%zz', '%ff%fe', '%E0%A4%A', 'a=%', '&&&', '=', '==', 'Action', 'Action=', 'Action=&Action=X', 'a=1&a=2&a=3', '+%2B%20+',
  'x[]=1&x[a]=2', 'Action=%00', 'Version=%ff', `${'k'.repeat(9000)}=v`, Array.from({ length: 3000 }, (_, i) => `p${i}=${i}`).join('&'),
  'Attribute.entry.99999999999999999999.key=x', 'Tags.member.-1.Key=x', 'Entries.member.1.member.1.member.1=x', 'MessageAttribute.1.Value.DataType=%ff',
];

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE', 'REPORT'];

const HOSTILE_HEADERS: Array<(rng: Rng) => [string, string | Buffer]> = [
  (rng) => ['x-fuzz', 'v'.repeat(rng.pick([1000, 8000, 15000]))],
  (rng) => ['x-amz-meta-fuzz', Buffer.from([0x80 + rng.int(0x7f), 0xff, 0xfe, 0x41])],
  () => ['x-amz-date', 'not a date'],
  () => ['content-type', 'garbage/;;;=='],
  (rng) => ['content-type', rng.pick(['application/x-www-form-urlencoded', 'application/json', 'application/xml', 'text/plain', 'multipart/form-data; boundary=', 'application/x-amz-json-1.1; charset=%ff'])],
  () => ['x-amz-target', 'Nope_20000101.Nothing'],
  () => ['x-amz-target', '.'],
  () => ['content-md5', 'not base64!'],
  () => ['x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
  () => ['x-amz-content-sha256', 'zz'],
  () => ['x-amz-decoded-content-length', '-1'],
  () => ['range', 'bytes=9-1'],
  () => ['range', 'bytes=-'],
  () => ['if-modified-since', 'the day before yesterday'],
  () => ['if-match', '"' + '*'.repeat(500)],
  () => ['x-amz-copy-source', '%ff%fe/../..'],
  () => ['x-amz-security-token', '\u00ff'.repeat(10)],
  () => ['x-amz-checksum-crc32', '!!!!'],
  () => ['x-amz-sdk-checksum-algorithm', 'ROT13'],
  () => ['x-amz-invocation-type', 'Eventually'],
  () => ['x-amz-client-context', '%%%not base64'],
  () => ['accept-encoding', 'gzip;q=2, *;q=-1'],
  () => ['expect', '100-continue'],
  () => ['x-amz-expected-bucket-owner', '-1'],
  () => ['content-language', '\u00e9\u00e8'],
  // What a web page or a rebinding attacker sends: refusals of those must be in the protocol too.
  (rng) => ['origin', rng.pick(['http://evil.example', 'null', 'http://localhost:3000', '%%%'])],
  () => ['sec-fetch-site', 'cross-site'],
  (rng) => ['host', rng.pick(['evil.example', 'evil.example:4566', '127.0.0.1.nip.io', 'localhost', 'fuzz-bucket.s3.localhost', '[::1]', 'x'.repeat(300)])],
];

export type WireMutation = (req: WireRequest, rng: Rng) => void;

export const WIRE_MUTATIONS: Record<string, WireMutation> = {
  'invalid UTF-8': (req, rng) => {
    const bad = rng.pick([[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]);
    // Inside a string where there is one, so a parser must decode it rather than reject the syntax.
    const quote = req.body.indexOf(0x22);
    const at = quote >= 0 && rng.chance(0.7) ? quote + 1 : rng.int(req.body.length + 1);
    req.body = Buffer.concat([req.body.subarray(0, at), Buffer.from(bad), req.body.subarray(at)]);
  },
  'random bytes as body': (req, rng) => {
    req.body = rng.bytes(rng.pick([0, 1, 17, 512, 4096, 70000]));
  },
  'truncated body': (req, rng) => {
    req.body = req.body.subarray(0, rng.int(Math.max(1, req.body.length)));
  },
  'bad XML body': (req, rng) => {
    req.body = Buffer.from(rng.chance(0.2) ? '<a>'.repeat(rng.pick([1000, 20000])) : rng.pick(BAD_XML));
  },
  'bad query string': (req, rng) => {
    const bad = rng.pick(BAD_QUERY);
    const q = req.target.indexOf('?');
    req.target = q < 0 ? `${req.target}?${bad}` : rng.chance(0.5) ? `${req.target}&${bad}` : `${req.target.slice(0, q)}?${bad}`;
    // Query protocols read the form body the same way.
    if (req.body.length && rng.chance(0.5)) req.body = Buffer.from(rng.chance(0.5) ? `${req.body.toString('latin1')}&${bad}` : bad, 'latin1');
  },
  'bad percent-escapes in path': (req, rng) => {
    const q = req.target.indexOf('?');
    const path = q < 0 ? req.target : req.target.slice(0, q);
    const segments = path.split('/');
    segments[rng.between(1, Math.max(1, segments.length - 1))] = rng.pick(['%', '%zz', '%ff%fe', '%2F..%2F..', '%00', '%C0%AE%C0%AE', '%E0%80%AF', '%25%32%66', '..', '.']);
    req.target = segments.join('/') + (q < 0 ? '' : req.target.slice(q));
  },
  'hostile header values': (req, rng) => {
    for (let i = rng.between(1, 4); i > 0; i--) {
      const [k, v] = rng.pick(HOSTILE_HEADERS)(rng);
      if (rng.chance(0.3)) req.headers.push([k, v]); // a duplicate
      else setHeader(req, k, v);
    }
  },
  'random method': (req, rng) => {
    req.method = rng.pick(METHODS);
  },
  'random path': (req, rng) => {
    const segs = Array.from({ length: rng.between(1, 6) }, () => rng.pick([rng.word(), pct(rng.pick(HOSTILE_STRINGS)), pct(rng.text(12)), '..', '', '2015-03-31', 'functions', '_fogbank', 'x'.repeat(rng.pick([10, 3000]))]));
    const q = req.target.indexOf('?');
    req.target = `/${segs.join('/')}${q < 0 ? '' : req.target.slice(q)}`;
  },
  'random Content-Encoding': (req, rng) => {
    const kind = rng.pick(['gzip', 'gzip-garbage', 'gzip-truncated', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, deflate', 'aws-chunked', '']);
    if (kind === 'gzip') req.body = gzipSync(req.body);
    else if (kind === 'gzip-garbage') req.body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), rng.bytes(rng.int(200))]);
    else if (kind === 'gzip-truncated') req.body = gzipSync(req.body).subarray(0, 12);
    else if (kind === 'deflate') req.body = deflateSync(req.body);
    else if (kind === 'br') req.body = brotliCompressSync(req.body);
    setHeader(req, 'content-encoding', kind.startsWith('gzip-') ? 'gzip' : kind);
  },
  'content-length lie': (req, rng) => {
    if (rng.chance(0.5)) {
      // Longer than sent, then the client stops: the server cannot answer what it never got whole.
      req.contentLength = req.body.length + rng.between(1, 1000);
      req.halfClose = true;
    } else {
      // Shorter: the rest is a second, broken request on the same connection.
      req.contentLength = rng.int(req.body.length + 1);
      req.malformedHttp = true;
    }
  },
  'broken HTTP': (req, rng) => {
    // Not HTTP any more: header injection, bad chunking, an unknown method. Only the HTTP parser answers.
    req.malformedHttp = true;
    const kind = rng.int(4);
    if (kind === 0) req.headers.push(['x-fuzz', 'a\r\nInjected: yes\r\n']);
    else if (kind === 1) setHeader(req, 'transfer-encoding', 'chunked, gzip');
    else if (kind === 2) req.method = 'FOO';
    else req.headers.push(['bad header name', 'x']);
  },
};
