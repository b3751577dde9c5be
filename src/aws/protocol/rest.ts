// The HTTP-binding layer shared by rest-json and rest-xml: which operation a method + URI names, and
// the members that travel outside the body (URI labels, query string, headers, status code).
// The body itself is the business of each codec; this module only says which members belong to it.
//
// Everything derived from a model (compiled URI templates, per-shape binding lists) is computed once
// and cached in WeakMaps keyed by the model object, so a request costs a scan of plain arrays.
import { resolveRef } from './model.ts';
import type { MemberView, ServiceModel, ShapeRef } from './model.ts';
import type { HttpRequest } from '../../core/http.ts';
import { ProtocolErrors } from './errors.ts';
import { formatFloat, formatTimestamp, parseFloatText, parseIntegerText, parseTimestamp } from './values.ts';
import { setOwn } from '../../core/records.ts';

/** `resolveRef`, cached per reference object: codecs resolve list members and map values per value. */
export function viewOf(model: ServiceModel, ref: ShapeRef): MemberView {
  let v = views.get(ref);
  if (!v) views.set(ref, (v = resolveRef(model, ref)));
  return v;
}
const views = new WeakMap<ShapeRef, MemberView>();

// ---------------------------------------------------------------------------------------------
// Routing

/** The operation a request names, and its URI label values, percent-decoded. */
export interface RouteMatch {
  operation: string;
  /** By label name as written in the template (`{Bucket}` → `Bucket`, `{Key+}` → `Key`). */
  labels: Record<string, string>;
}

/** The parts of a request routing looks at. */
export type RouteRequest = Pick<HttpRequest, 'method' | 'path' | 'query' | 'headers'>;

interface CompiledRoute {
  operation: string;
  /** Template segments before the greedy label (all of them when there is none): a literal, or a label name. */
  head: Segment[];
  greedy?: string;
  /** Template segments after the greedy label. */
  tail: Segment[];
  /** `?tagging` → ['tagging', undefined]; `?list-type=2` → ['list-type', '2']. Never holds x-id. */
  queryLiterals: Array<[string, string | undefined]>;
  /** `?x-id=GetObject`: sent by SDK v3 only, so it may be absent but must agree when present. */
  xId?: string;
  /** Wire names of required querystring / header members: they tell apart operations sharing one
   *  template (S3: GetObject and ListParts on GET /{Bucket}/{Key+}, the latter requiring uploadId). */
  requiredQuery: string[];
  requiredHeaders: string[];
  /** Wire names of every querystring member the input binds; undefined when a map takes them all. */
  boundQuery?: Set<string>;
  /** The path template without its query part: routes sharing it address the same resource. */
  template: string;
  /** Query keys that name another operation or sub-resource: a request carrying one is not this route. */
  foreignKeys: string[];
  literalSegments: number;
  deprecated: boolean;
}

interface Segment {
  literal?: string;
  label?: string;
}

const routeTables = new WeakMap<ServiceModel, Map<string, CompiledRoute[]>>();

function routeTable(model: ServiceModel): Map<string, CompiledRoute[]> {
  let table = routeTables.get(model);
  if (table) return table;
  table = new Map();
  const all: CompiledRoute[] = [];
  for (const [name, op] of Object.entries(model.operations)) {
    const method = (op.http?.method ?? 'POST').toUpperCase();
    let list = table.get(method);
    if (!list) table.set(method, (list = []));
    const route = compileRoute(model, name, op.http?.requestUri ?? '/', op.input, op.deprecated === true);
    list.push(route);
    all.push(route);
  }
  markForeignKeys(all);
  routeTables.set(model, table);
  return table;
}

/**
 * A query key that names a sub-resource (a literal such as S3's `?analytics`, `?tagging`, `?uploads`
 * anywhere in the model) or the operation on a resource (a required member such as `uploadId` that
 * tells UploadPart from PutObject on the same template) must never be ignored by a route that does not
 * bind it: `DELETE /bucket?analytics` without its `id` is not DeleteBucket, and `PUT /b/k?uploadId=x`
 * is not PutObject. Each route keeps the keys it must turn away.
 */
function markForeignKeys(routes: CompiledRoute[]): void {
  const literalKeys = new Set<string>();
  const operationKeys = new Map<string, Set<string>>();
  for (const route of routes) {
    // A bare key names a sub-resource; a key=value literal (list-type=2) picks a variant of its route.
    for (const [key, value] of route.queryLiterals) if (value === undefined) literalKeys.add(key);
    if (route.queryLiterals.length) continue;
    let keys = operationKeys.get(route.template);
    if (!keys) operationKeys.set(route.template, (keys = new Set()));
    for (const key of route.requiredQuery) keys.add(key);
  }
  for (const route of routes) {
    if (!route.boundQuery) continue; // a map member takes every parameter
    const own = new Set([...route.boundQuery, ...route.queryLiterals.map(([key]) => key)]);
    for (const key of [...literalKeys, ...(operationKeys.get(route.template) ?? [])]) {
      if (!own.has(key) && !route.foreignKeys.includes(key)) route.foreignKeys.push(key);
    }
  }
}

function compileRoute(model: ServiceModel, operation: string, uri: string, input: ShapeRef | undefined, deprecated: boolean): CompiledRoute {
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const route: CompiledRoute = {
    operation, head: [], tail: [], queryLiterals: [], requiredQuery: [], requiredHeaders: [], boundQuery: new Set(), template: path, foreignKeys: [],
    literalSegments: 0, deprecated,
  };
  for (const part of path.slice(1).split('/')) {
    const label = /^\{([^}]+)\}$/.exec(part);
    let segment: Segment;
    if (label && label[1].endsWith('+')) {
      route.greedy = label[1].slice(0, -1);
      continue;
    } else if (label) {
      segment = { label: label[1] };
    } else {
      segment = { literal: part };
      route.literalSegments++;
    }
    (route.greedy === undefined ? route.head : route.tail).push(segment);
  }
  if (q >= 0) {
    for (const pair of uri.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? undefined : pair.slice(eq + 1);
      if (key === 'x-id') route.xId = value;
      else route.queryLiterals.push([key, value]);
    }
  }
  if (input) {
    const shape = model.shapes[input.shape];
    for (const [name, ref] of Object.entries(shape?.members ?? {})) {
      const view = resolveRef(model, ref);
      if (view.location !== 'querystring') continue;
      if (view.type === 'map') route.boundQuery = undefined;
      else route.boundQuery?.add(view.locationName ?? name);
    }
    for (const name of shape?.required ?? []) {
      const ref = shape.members?.[name];
      if (!ref) continue;
      const view = resolveRef(model, ref);
      if (view.location === 'querystring' && view.type !== 'map') route.requiredQuery.push(view.locationName ?? name);
      else if (view.location === 'header') route.requiredHeaders.push((view.locationName ?? name).toLowerCase());
    }
  }
  return route;
}

const matchCache = new WeakMap<object, { model: ServiceModel; method: string; path: string; query: string; match: RouteMatch | undefined }>();

/**
 * Finds the operation whose `http.method` and `http.requestUri` template fit the request. When several
 * fit (S3 has many operations per template), the most specific wins: more query literals (the
 * sub-resource named), then all required query/header members present, more literal path segments, a
 * matching x-id, then a non-deprecated operation. An operation missing a required member still beats a
 * plainer one when the request names its sub-resource, so its handler answers the validation error;
 * a route never matches a request carrying a query key that names another operation (markForeignKeys).
 */
export function matchRoute(model: ServiceModel, req: RouteRequest): RouteMatch | undefined {
  const method = req.method.toUpperCase();
  const cached = matchCache.get(req);
  if (cached && cached.model === model && cached.method === method && cached.path === req.path && cached.query === req.query) {
    return cached.match;
  }
  const routes = routeTable(model).get(method);
  let match: RouteMatch | undefined;
  if (routes) {
    const segments = req.path.slice(1).split('/');
    const query = queryOf(req);
    match = bestMatch(routes, segments, query, req.headers);
    // Be lenient about one trailing slash, the way the services behind these templates are.
    if (!match && req.path.length > 1) {
      const toggled = segments[segments.length - 1] === '' ? segments.slice(0, -1) : [...segments, ''];
      match = bestMatch(routes, toggled, query, req.headers);
    }
  }
  matchCache.set(req, { model, method, path: req.path, query: req.query, match });
  return match;
}

/** The operation a REST request names, or undefined. */
export function routeOperation(model: ServiceModel, req: RouteRequest): string | undefined {
  return matchRoute(model, req)?.operation;
}

function bestMatch(routes: CompiledRoute[], segments: string[], query: QueryParams, headers: HttpRequest['headers']): RouteMatch | undefined {
  let best: CompiledRoute | undefined;
  let bestScore = -1;
  const xId = query.get('x-id')?.[0];
  for (const route of routes) {
    // Query literals first: they turn most candidates away (S3's ?acl, ?tagging, ...) for a Map lookup.
    if (route.xId !== undefined && xId !== undefined && route.xId !== xId) continue;
    let literalsOk = true;
    for (const [key, value] of route.queryLiterals) {
      const got = query.get(key);
      if (!got || (value !== undefined && !got.includes(value))) { literalsOk = false; break; }
    }
    if (!literalsOk) continue;
    for (const key of route.foreignKeys) if (query.has(key)) { literalsOk = false; break; }
    if (!literalsOk || !fitsPath(route, segments)) continue;
    let present = 0;
    for (const key of route.requiredQuery) if (query.has(key)) present++;
    for (const name of route.requiredHeaders) if (headers[name] !== undefined) present++;
    const complete = present === route.requiredQuery.length + route.requiredHeaders.length;
    // Most significant first: the query literals the request carries (the sub-resource it names wins
    // even with a required member missing, so the handler answers that error), all required members
    // present, literal path segments, no greedy label, the x-id the client named, query literals and
    // required members present, not deprecated.
    const score =
      Math.min(route.queryLiterals.length, 31) * (1 << 25) +
      (complete ? 1 << 24 : 0) +
      (Math.min(route.literalSegments, 255) << 16) +
      (route.greedy === undefined ? 1 << 15 : 0) +
      (xId !== undefined && (route.xId ?? route.operation) === xId ? 1 << 14 : 0) +
      (Math.min(route.queryLiterals.length + present, 255) << 1) +
      (route.deprecated ? 0 : 1);
    if (score > bestScore) {
      best = route;
      bestScore = score;
    }
  }
  return best && { operation: best.operation, labels: labelsOf(best, segments) };
}

/** Whether the path fits the template, without decoding labels (most candidates fail; keep it cheap). */
function fitsPath(route: CompiledRoute, segments: string[]): boolean {
  const { head, tail } = route;
  if (route.greedy === undefined ? segments.length !== head.length : segments.length < head.length + tail.length + 1) return false;
  for (let i = 0; i < head.length; i++) if (!fitsSegment(head[i], segments[i])) return false;
  if (route.greedy === undefined) return true;
  const offset = segments.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (!fitsSegment(tail[i], segments[offset + i])) return false;
  // A greedy label keeps its '/' and may hold empty segments (S3 keys like "a//b/"), but not be empty.
  return offset - head.length > 1 || segments[head.length] !== '';
}

function fitsSegment(segment: Segment, raw: string): boolean {
  if (segment.label !== undefined) return raw !== '';
  return raw === segment.literal || (raw.includes('%') && percentDecode(raw) === segment.literal);
}

function labelsOf(route: CompiledRoute, segments: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  const { head, tail } = route;
  for (let i = 0; i < head.length; i++) if (head[i].label !== undefined) labels[head[i].label!] = percentDecode(segments[i]);
  if (route.greedy !== undefined) {
    const offset = segments.length - tail.length;
    for (let i = 0; i < tail.length; i++) if (tail[i].label !== undefined) labels[tail[i].label!] = percentDecode(segments[offset + i]);
    labels[route.greedy] = percentDecode(segments.slice(head.length, offset).join('/'));
  }
  return labels;
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Query strings

/** Decoded query parameters in order of appearance; a key without '=' has the value ''. */
export type QueryParams = Map<string, string[]>;

/** Parses a raw query string. '+' means a space, as form encoding says and S3 accepts. */
export function parseQueryString(query: string): QueryParams {
  const params: QueryParams = new Map();
  if (!query) return params;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    const list = params.get(key);
    if (list) list.push(value);
    else params.set(key, [value]);
  }
  return params;
}

const queryCache = new WeakMap<object, { query: string; params: QueryParams }>();

/** The request's query parameters, parsed once for routing and member reading alike. Do not mutate. */
export function queryOf(req: Pick<HttpRequest, 'query'>): QueryParams {
  const hit = queryCache.get(req);
  if (hit && hit.query === req.query) return hit.params;
  const params = parseQueryString(req.query);
  queryCache.set(req, { query: req.query, params });
  return params;
}

function decodeQueryComponent(s: string): string {
  return percentDecode(s.includes('+') ? s.replace(/\+/g, ' ') : s);
}

// ---------------------------------------------------------------------------------------------
// Member bindings

export interface Binding {
  /** Member name in the model (the key in handler values). */
  name: string;
  /** Name on the wire: the label, query key or header name (lower-case for headers), or the header
   *  prefix for `headers` maps; for body members the `locationName` if any, else `name`. */
  wireName: string;
  view: MemberView;
}

/** How the members of one structure travel over HTTP. */
export interface ShapeBindings {
  labels: Binding[];
  query: Binding[];
  /** A map member bound to the whole query string (`location: querystring` without a name). */
  queryParams?: Binding;
  headers: Binding[];
  /** Maps bound to every header with a prefix (`location: headers`, e.g. `x-amz-meta-`). */
  prefixHeaders: Binding[];
  statusCode?: Binding;
  /** The member that is the whole body (`payload` trait), if any. */
  payload?: Binding;
  /** Members serialized inside the body document; empty when there is a payload member. */
  body: Binding[];
}

const bindingCaches = new WeakMap<ServiceModel, Map<string, ShapeBindings>>();

/** The bindings of the structure `shapeName` (cached per model). */
export function shapeBindings(model: ServiceModel, shapeName: string): ShapeBindings {
  let cache = bindingCaches.get(model);
  if (!cache) bindingCaches.set(model, (cache = new Map()));
  let b = cache.get(shapeName);
  if (b) return b;
  const shape = model.shapes[shapeName];
  b = { labels: [], query: [], headers: [], prefixHeaders: [], body: [] };
  for (const [name, ref] of Object.entries(shape?.members ?? {})) {
    const view = resolveRef(model, ref);
    const wire = view.locationName ?? name;
    switch (view.location) {
      case 'uri': b.labels.push({ name, wireName: wire, view }); break;
      case 'querystring':
        if (view.type === 'map') b.queryParams = { name, wireName: wire, view };
        else b.query.push({ name, wireName: wire, view });
        break;
      case 'header': b.headers.push({ name, wireName: wire.toLowerCase(), view }); break;
      case 'headers': b.prefixHeaders.push({ name, wireName: (view.locationName ?? '').toLowerCase(), view }); break;
      case 'statusCode': b.statusCode = { name, wireName: wire, view }; break;
      default:
        if (shape.payload === name) b.payload = { name, wireName: wire, view };
        else b.body.push({ name, wireName: wire, view });
    }
  }
  // With a payload member nothing else goes in the body (a model saying otherwise would be invalid).
  if (b.payload) b.body = [];
  cache.set(shapeName, b);
  return b;
}

const EMPTY_BINDINGS: ShapeBindings = Object.freeze({ labels: [], query: [], headers: [], prefixHeaders: [], body: [] }) as ShapeBindings;

/** Bindings of an operation's input (empty when it has none). */
export function inputBindings(model: ServiceModel, operation: string): ShapeBindings {
  const ref = model.operations[operation]?.input;
  return ref ? shapeBindings(model, ref.shape) : EMPTY_BINDINGS;
}

/** Bindings of an operation's output (empty when it has none). */
export function outputBindings(model: ServiceModel, operation: string): ShapeBindings {
  const ref = model.operations[operation]?.output;
  return ref ? shapeBindings(model, ref.shape) : EMPTY_BINDINGS;
}

/** True when the bindings put anything in the body (a payload member or document members). */
export function hasBody(b: ShapeBindings): boolean {
  return b.payload !== undefined || b.body.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Reading bound input members

/**
 * Reads the input members of `operation` carried by URI labels, the query string and headers.
 * Body members are left to the codec. Throws a ServiceError (SerializationException) for a value
 * that does not parse as its type.
 */
export function readBoundInput(model: ServiceModel, operation: string, req: HttpRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const b = inputBindings(model, operation);
  if (b.labels.length) {
    const match = matchRoute(model, req);
    const labels = match?.operation === operation ? match.labels : {};
    for (const m of b.labels) {
      const raw = labels[m.wireName];
      if (raw !== undefined) out[m.name] = parseText(m.view, raw, 'iso8601', m.wireName);
    }
  }
  if (b.query.length || b.queryParams) {
    const query = queryOf(req);
    for (const m of b.query) {
      const values = query.get(m.wireName);
      if (!values) continue;
      if (m.view.type === 'list') {
        const member = viewOf(model, m.view.member!);
        out[m.name] = values.map((v) => parseText(member, v, 'iso8601', m.wireName));
      } else {
        out[m.name] = parseText(m.view, values[0], 'iso8601', m.wireName);
      }
    }
    if (b.queryParams && query.size) {
      // Every parameter goes in the map, named ones too: servers cannot know which the client meant.
      const valueView = viewOf(model, b.queryParams.view.value!);
      const map: Record<string, unknown> = {};
      for (const [key, values] of query) {
        setOwn(map, key, valueView.type === 'list' ? values.slice() : values[0]);
      }
      out[b.queryParams.name] = map;
    }
  }
  for (const m of b.headers) {
    const raw = req.headers[m.wireName];
    if (raw === undefined) continue;
    const text = Array.isArray(raw) ? raw.join(', ') : raw;
    if (m.view.type === 'list') {
      const member = viewOf(model, m.view.member!);
      const items = text.trim() === '' ? [] : member.type === 'timestamp' && (member.timestampFormat ?? 'rfc822') === 'rfc822'
        ? splitHttpDates(text)
        : splitHeaderList(text);
      out[m.name] = items.map((v) => parseText(member, v, 'rfc822', m.wireName));
    } else {
      const value = parseHeaderScalar(m.view, text, m.wireName);
      if (value !== undefined) out[m.name] = value;
    }
  }
  for (const m of b.prefixHeaders) {
    // Always a map, empty when no header has the prefix: the client cannot tell "none" apart from
    // "absent" on the wire, and Smithy's server tests expect {}.
    const map: Record<string, string> = {};
    for (const name in req.headers) {
      const raw = req.headers[name];
      if (raw === undefined || !name.startsWith(m.wireName)) continue;
      setOwn(map, name.slice(m.wireName.length), Array.isArray(raw) ? raw.join(', ') : raw);
    }
    out[m.name] = map;
  }
  return out;
}

function parseHeaderScalar(view: MemberView, text: string, where: string): unknown {
  if (view.type === 'string') {
    // A jsonvalue header carries its JSON text base64-encoded; handlers get the JSON text.
    return view.jsonvalue ? Buffer.from(text, 'base64').toString('utf8') : text;
  }
  // An empty header says nothing about a number, boolean or date.
  if (text.trim() === '') return undefined;
  return parseText(view, text.trim(), 'rfc822', where);
}

/** Parses one scalar written as text (label, query value, header), throwing SerializationException. */
export function parseText(view: MemberView, text: string, defaultTimestamp: 'iso8601' | 'rfc822', where: string): unknown {
  switch (view.type) {
    case 'string':
      return text;
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger': {
      const n = parseIntegerText(text);
      if (n === undefined) throw ProtocolErrors.serialization(`Value '${text}' for ${where} is not a valid integer`);
      return n;
    }
    case 'float': case 'double': case 'bigdecimal': {
      const n = parseFloatText(text);
      if (n === undefined) throw ProtocolErrors.serialization(`Value '${text}' for ${where} is not a valid number`);
      return n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw ProtocolErrors.serialization(`Value '${text}' for ${where} is not a valid boolean`);
    }
    case 'timestamp': {
      // Accept any of the three formats whatever the model says: clients differ, dates do not.
      const d = parseTimestamp(text);
      if (!d || Number.isNaN(d.getTime())) {
        throw ProtocolErrors.serialization(`Value '${text}' for ${where} is not a valid ${view.timestampFormat ?? defaultTimestamp} timestamp`);
      }
      return d;
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      throw ProtocolErrors.serialization(`${where} cannot carry a ${view.type}`);
  }
}

/** Splits a comma-separated header list, honouring "quoted, values" with \" escapes. */
export function splitHeaderList(text: string): string[] {
  if (!text.includes('"')) return text.split(',').map((s) => s.trim());
  const items: string[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      i++; // closing quote
      while (i < text.length && text[i] !== ',') i++;
      items.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      items.push(text.slice(i, end).trim());
      i = end;
    }
    i++; // the comma
  }
  return items;
}

const HTTP_DATE = /[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d\d:\d\d:\d\d GMT/g;

/** HTTP dates contain a comma themselves, so a list of them splits on whole dates. */
function splitHttpDates(text: string): string[] {
  const dates = text.match(HTTP_DATE);
  return dates && dates.length ? dates : splitHeaderList(text);
}

// ---------------------------------------------------------------------------------------------
// Writing bound output members

/**
 * Writes the members of `value` (a structure of shape `shapeName`: an output or an error) that are
 * bound to headers into `headers` (names spelt as in the model), and returns the status a
 * `statusCode` member asks for, if any.
 */
export function writeBoundMembers(
  model: ServiceModel,
  shapeName: string,
  value: Record<string, unknown>,
  headers: Record<string, string | string[]>,
): number | undefined {
  const b = shapeBindings(model, shapeName);
  for (const m of b.headers) {
    const v = value[m.name];
    if (v === undefined || v === null) continue;
    if (m.view.type === 'list') {
      if (!Array.isArray(v)) continue;
      const member = viewOf(model, m.view.member!);
      headers[m.view.locationName ?? m.name] = v.map((item) => {
        const s = formatHeaderScalar(member, item);
        return member.type === 'string' && /[,"]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s;
      }).join(', ');
    } else {
      headers[m.view.locationName ?? m.name] = formatHeaderScalar(m.view, v);
    }
  }
  for (const m of b.prefixHeaders) {
    const map = value[m.name];
    if (!map || typeof map !== 'object') continue;
    for (const [key, v] of Object.entries(map as Record<string, unknown>)) {
      if (v !== undefined && v !== null) headers[(m.view.locationName ?? '') + key] = String(v);
    }
  }
  if (b.statusCode) {
    const status = value[b.statusCode.name];
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/** Renders one scalar for a header (timestamps as RFC 822 unless the member says otherwise). */
export function formatHeaderScalar(view: MemberView, v: unknown): string {
  return formatText(view, v, 'rfc822');
}

/** Renders one scalar as text for a header, label or query string. */
export function formatText(view: MemberView, v: unknown, defaultTimestamp: 'iso8601' | 'rfc822'): string {
  switch (view.type) {
    case 'timestamp':
      return String(formatTimestamp(v as Date | number | string, view.timestampFormat ?? defaultTimestamp));
    case 'float': case 'double':
      return typeof v === 'number' ? formatFloat(v) : String(v);
    case 'blob':
      return Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('base64') : Buffer.from(String(v)).toString('base64');
    case 'string':
      if (view.jsonvalue) return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
      return String(v);
    default:
      return String(v);
  }
}
