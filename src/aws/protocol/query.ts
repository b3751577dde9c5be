// awsQuery (IAM, STS, SNS, CloudFormation, ElastiCache, RDS, SQS before JSON, ...): the request is a
// flat list of form parameters (`Action`, `Version`, then members by dotted path, lists as
// `Name.member.N`, maps as `Name.entry.N.key/value`), the response an XML document wrapped in
// `<OpResponse><OpResult>`. The ec2 codec is a dialect of this one and reuses its parameter reader.
import type { Codec } from './codec.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import { ServiceError } from '../../core/errors.ts';
import { decodedBody } from './content-encoding.ts';
import { setOwn } from '../../core/records.ts';
import type { MemberView, ServiceModel, Shape } from './model.ts';
import { scalarFromText } from './values.ts';
import { attr, XML_DECLARATION, XmlWriter } from './xml.ts';
import { findErrorShape, view, wireErrorCode, writeErrorFields, writeXmlMembers } from './xml-shapes.ts';

export type QueryStyle = 'query' | 'ec2';

/** Parameters split on '.' into a tree, so each member is one map lookup whatever the request size. */
export interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

const paramTrees = new WeakMap<HttpRequest, ParamNode>();

/** The request's parameters (query string, then form body), parsed once per request. */
export function queryParams(req: HttpRequest): ParamNode {
  let root = paramTrees.get(req);
  if (root) return root;
  root = {};
  if (req.query) addParams(root, checkedText(req.query));
  if (req.body.length && isFormBody(req)) {
    const body = formBody(req);
    if (body) addParams(root, formText(body));
  }
  paramTrees.set(req, root);
  return root;
}

const UNDECODABLE = new ServiceError('Undecodable', '', 400);

/**
 * The form body, inflated when the SDK compressed it (CloudWatch's PutMetricData is gzipped by
 * default), within the size limit (content-encoding.ts). An undecodable body reads as no parameters
 * at all, and so as a request naming no action.
 */
function formBody(req: HttpRequest): Buffer | undefined {
  try {
    return decodedBody(req, undefined, () => UNDECODABLE);
  } catch (err) {
    if (err === UNDECODABLE) return undefined;
    throw err;
  }
}

/** What AWS's query front end answers for a query string or form body that does not decode. */
function malformedQueryString(): ServiceError {
  return new ServiceError('MalformedQueryString', 'The query string contains a syntax error.', 404);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function formText(body: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw malformedQueryString();
  }
  return checkedText(text);
}

/**
 * Form encoding as AWS reads it: every '%' starts an escape of two hex digits, and the escaped bytes
 * are UTF-8. URLSearchParams would keep a bad escape literally or turn bad bytes into U+FFFD, silently
 * changing what the client meant.
 */
function checkedText(text: string): string {
  if (text.indexOf('%') === -1) return text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw malformedQueryString();
  if (/%[89A-Fa-f][0-9A-Fa-f]/.test(text)) {
    try {
      decodeURIComponent(text);
    } catch {
      throw malformedQueryString();
    }
  }
  return text;
}

function isFormBody(req: HttpRequest): boolean {
  const ct = req.headers['content-type'];
  const type = Array.isArray(ct) ? ct[0] : ct;
  // Clients always send the form type, but a missing header means the same to AWS.
  return type === undefined || type.toLowerCase().includes('x-www-form-urlencoded');
}

function addParams(root: ParamNode, text: string): void {
  for (const [key, value] of new URLSearchParams(text)) {
    let node = root;
    let start = 0;
    for (;;) {
      const dot = key.indexOf('.', start);
      const part = dot === -1 ? key.slice(start) : key.slice(start, dot);
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = {};
        node.children.set(part, next);
      }
      node = next;
      if (dot === -1) break;
      start = dot + 1;
    }
    node.value ??= value; // the first occurrence wins, as on AWS
  }
}

export function paramValue(req: HttpRequest, name: string): string | undefined {
  return queryParams(req).children?.get(name)?.value;
}

// ── Reading input ────────────────────────────────────────────────────────────────────────────────

interface QueryMember {
  name: string;
  view: MemberView;
  /** Parameter names this member may arrive under; the first is the protocol's own. */
  keys: string[];
}

const memberTables: Record<QueryStyle, WeakMap<Shape, QueryMember[]>> = { query: new WeakMap(), ec2: new WeakMap() };

function queryMembers(model: ServiceModel, v: MemberView, style: QueryStyle): QueryMember[] {
  const shape = model.shapes[v.shapeName];
  let members = memberTables[style].get(shape);
  if (members) return members;
  members = [];
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const mv = view(model, ref);
    const keys: string[] = [];
    if (style === 'ec2') {
      // EC2's rule: queryName, else the capitalized XML name; botocore sends the member name as is.
      keys.push(ref.queryName ?? capitalize(ref.locationName ?? name), name);
      if (ref.locationName) keys.push(ref.locationName);
    } else {
      keys.push(ref.locationName ?? name);
      // botocore names a flattened list after its items' locationName; Smithy clients after the member.
      const item = mv.type === 'list' && mv.flattened ? mv.member?.locationName : undefined;
      if (item) keys.push(item);
      if (ref.locationName) keys.push(name);
    }
    members.push({ name, view: mv, keys: [...new Set(keys)] });
  }
  memberTables[style].set(shape, members);
  return members;
}

function capitalize(s: string): string {
  return s && s[0].toUpperCase() + s.slice(1);
}

/** Reads an operation's input from the request parameters; bad values raise `code` (the validation error). */
export function readQueryInput(model: ServiceModel, operation: string, req: HttpRequest, style: QueryStyle, code: string): Record<string, unknown> {
  const ref = model.operations[operation]?.input;
  if (!ref) return {};
  return readStructure(model, view(model, ref), queryParams(req), style, '', code);
}

function readStructure(model: ServiceModel, v: MemberView, node: ParamNode, style: QueryStyle, path: string, code: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const children = node.children;
  if (!children) return out;
  for (const m of queryMembers(model, v, style)) {
    for (const key of m.keys) {
      const child = children.get(key);
      if (!child) continue;
      const value = readValue(model, m.view, child, style, path ? `${path}.${key}` : key, code);
      if (value !== undefined) out[m.name] = value;
      break;
    }
  }
  return out;
}

function readValue(model: ServiceModel, v: MemberView, node: ParamNode, style: QueryStyle, path: string, code: string): unknown {
  switch (v.type) {
    case 'structure':
      return readStructure(model, v, node, style, path, code);
    case 'list': {
      const item = view(model, v.member!);
      const container = v.member!.locationName ?? 'member';
      // ec2 and flattened lists number their items directly (Name.N), others under the items' name
      // (Name.member.N); tolerate the other forms too, whichever a client chose.
      const direct = style === 'ec2' || !!v.flattened;
      const forms = direct ? ['', container, 'member'] : [container, 'member', ''];
      let items: [number, ParamNode][] = [];
      let base = path;
      for (const form of forms) {
        items = indexed(form ? node.children?.get(form) : node);
        base = form ? `${path}.${form}` : path;
        if (items.length) break;
      }
      const out: unknown[] = [];
      for (const [n, child] of items) {
        const x = readValue(model, item, child, style, `${base}.${n}`, code);
        if (x !== undefined) out.push(x);
      }
      return out;
    }
    case 'map': {
      const keyName = v.key!.locationName ?? 'key';
      const valueName = v.value!.locationName ?? 'value';
      const valueView = view(model, v.value!);
      let entries = v.flattened ? indexed(node) : indexed(node.children?.get('entry'));
      let base = v.flattened ? path : `${path}.entry`;
      if (!entries.length) {
        entries = v.flattened ? indexed(node.children?.get('entry')) : indexed(node);
        base = v.flattened ? `${path}.entry` : path;
      }
      const out: Record<string, unknown> = {};
      for (const [n, entry] of entries) {
        const key = entry.children?.get(keyName)?.value;
        const valueNode = entry.children?.get(valueName);
        if (key === undefined || !valueNode) continue;
        const x = readValue(model, valueView, valueNode, style, `${base}.${n}.${valueName}`, code);
        if (x !== undefined) setOwn(out, key, x);
      }
      return out;
    }
    default: {
      if (node.value === undefined) return undefined;
      const x = scalarFromText(v.type, node.value);
      if (x === undefined) throw invalidValue(code, path, node.value, v.type);
      return x;
    }
  }
}

/** Children named 1, 2, 3..., in numeric order, with their index. */
function indexed(node: ParamNode | undefined): [number, ParamNode][] {
  const out: [number, ParamNode][] = [];
  if (!node?.children) return out;
  for (const [k, child] of node.children) {
    const n = k.length < 10 && /^[1-9]\d*$/.test(k) ? Number(k) : 0;
    if (n) out.push([n, child]);
  }
  if (out.length > 1) out.sort((a, b) => a[0] - b[0]);
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer', long: 'an integer', short: 'an integer', byte: 'an integer',
  float: 'a number', double: 'a number', boolean: 'true or false',
  timestamp: 'a timestamp (ISO 8601 or epoch seconds)', blob: 'base64-encoded data',
};

export function invalidValue(code: string, path: string, raw: string, type: string): ServiceError {
  const shown = raw.length > 64 ? raw.slice(0, 64) + '…' : raw;
  return new ServiceError(code, `Value '${shown}' for parameter ${path} is invalid: it must be ${TYPE_WORDS[type] ?? `a ${type}`}.`, 400);
}

// ── Writing responses ────────────────────────────────────────────────────────────────────────────

function namespace(model: ServiceModel): string {
  return model.metadata.xmlNamespace ? attr('xmlns', model.metadata.xmlNamespace) : '';
}

function xmlResponse(status: number, body: string, requestId: string, extra?: Record<string, string>): HttpResponse {
  return { status, headers: { ...extra, 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

export const queryCodec: Codec = {
  protocol: 'query',
  validationErrorCode: 'ValidationError',

  operationOf(model, req) {
    const action = paramValue(req, 'Action');
    return action && Object.hasOwn(model.operations, action) ? action : undefined;
  },

  parseInput(model, operation, req) {
    return readQueryInput(model, operation, req, 'query', 'ValidationError');
  },

  serializeOutput(model, operation, output, meta) {
    const op = model.operations[operation];
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    w.open(`${operation}Response`, namespace(model));
    if (op?.output) {
      const v = view(model, op.output);
      // Models name the wrapper; SDKs expect <OpResult> when they do not (botocore's own tests do too).
      const wrapper = op.output.resultWrapper ?? (Object.keys(v.members ?? {}).length ? `${operation}Result` : undefined);
      if (wrapper) {
        w.open(wrapper);
        writeXmlMembers(w, model, v, output ?? {});
        w.close(wrapper);
      }
    }
    w.open('ResponseMetadata');
    w.leaf('RequestId', meta.requestId);
    w.close('ResponseMetadata');
    w.close(`${operation}Response`);
    return xmlResponse(200, w.out, meta.requestId);
  },

  serializeError(model, _operation, error, meta) {
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    w.open('ErrorResponse', namespace(model));
    w.open('Error');
    w.leaf('Type', error.senderFault ? 'Sender' : 'Receiver');
    w.leaf('Code', error.queryCode ?? wireErrorCode(model, error.code));
    if (error.message) w.leaf('Message', error.message);
    if (error.fields) writeErrorFields(w, model, findErrorShape(model, error.code), error.fields);
    w.close('Error');
    w.leaf('RequestId', meta.requestId);
    w.close('ErrorResponse');
    return xmlResponse(error.status, w.out, meta.requestId, error.headers);
  },

  unknownOperation(_model, req) {
    const action = paramValue(req, 'Action');
    if (!action) return new ServiceError('MissingAction', 'Missing Action', 400);
    return new ServiceError('InvalidAction', `Could not find operation ${action} for version ${paramValue(req, 'Version') ?? ''}`, 400);
  },
};
