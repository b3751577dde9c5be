// awsJson 1.0 / 1.1: POST / with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON document of the
// input members; the response is a JSON document of the output members, an error a document with
// `__type`. This file also holds the JSON value layer that rest-json shares: reading a parsed document
// into handler values (with Coral-style SerializationException messages) and writing values back.
import { crc32 } from 'node:zlib';
import type { Codec, CodecHooks, ResponseMeta } from './codec.ts';
import { ProtocolErrors } from './errors.ts';
import { ServiceError } from '../../core/errors.ts';
import { decodedBody } from './content-encoding.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import { header } from '../../core/http.ts';
import type { MemberView, ServiceModel } from './model.ts';
import { viewOf } from './rest.ts';
import { setOwn } from '../../core/records.ts';
import { jsonNestingDepth } from '../../core/json-depth.ts';
import { formatTimestamp, parseTimestamp } from './values.ts';
import { isUtf8 } from 'node:buffer';

// ---------------------------------------------------------------------------------------------
// Structure member tables, cached per model

interface JsonMember {
  name: string;
  /** Key in the JSON document: `locationName` (Smithy's jsonName) when the model gives one. */
  wire: string;
  view: MemberView;
}

interface JsonStructure {
  members: JsonMember[];
  byWire: Map<string, JsonMember>;
}

const structures = new WeakMap<ServiceModel, Map<string, JsonStructure>>();

function structureOf(model: ServiceModel, shapeName: string): JsonStructure {
  let cache = structures.get(model);
  if (!cache) structures.set(model, (cache = new Map()));
  let s = cache.get(shapeName);
  if (!s) {
    const members: JsonMember[] = [];
    for (const [name, ref] of Object.entries(model.shapes[shapeName]?.members ?? {})) {
      const view = viewOf(model, ref);
      members.push({ name, wire: view.locationName ?? name, view });
    }
    s = { members, byWire: new Map(members.map((m) => [m.wire, m])) };
    cache.set(shapeName, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Reading JSON into handler values

/**
 * Documents nested deeper than this are refused before anything walks them: JSON.parse is iterative,
 * but reading values into shapes (and every handler after) recurses. Far above any real request
 * (DynamoDB's 32 levels of attributes are ~70 JSON levels; Jackson's default limit is 1000).
 */
export const MAX_JSON_DEPTH = 1000;

/** A document nested deeper than MAX_JSON_DEPTH; codecs may answer it as the service does (CodecHooks.tooDeeplyNested). */
export class NestingTooDeep extends ServiceError {
  constructor() {
    super('SerializationException', `The JSON document is nested deeper than ${MAX_JSON_DEPTH} levels`, 400);
  }
}

/** The error the service answers for `err`: its own for a too deeply nested document, when it has one. */
export function nestingError(err: unknown, hooks: CodecHooks | undefined): unknown {
  return err instanceof NestingTooDeep && hooks?.tooDeeplyNested ? hooks.tooDeeplyNested() : err;
}

/**
 * Reads the members of structure `shapeName` from a parsed JSON object. `only`, when given, limits
 * reading to those members (rest-json: the body members). Unknown keys and nulls are ignored.
 * `depth` is the object's own nesting level in the document (1 for the document itself).
 */
export function readJsonStructure(
  model: ServiceModel,
  shapeName: string,
  doc: unknown,
  only?: ReadonlySet<string>,
  depth = 1,
): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw typeMismatch(doc, 'a Structure');
  if (depth > MAX_JSON_DEPTH) throw new NestingTooDeep();
  const s = structureOf(model, shapeName);
  const out: Record<string, unknown> = {};
  for (const key in doc) {
    const m = s.byWire.get(key);
    if (!m || (only && !only.has(m.name))) continue;
    const v = (doc as Record<string, unknown>)[key];
    if (v === null || v === undefined) continue;
    out[m.name] = readJsonValue(model, m.view, v, depth + 1);
  }
  return out;
}

/** Reads one JSON value as the member `view` describes, throwing SerializationException on a type mismatch. */
export function readJsonValue(model: ServiceModel, view: MemberView, v: unknown, depth = 1): unknown {
  switch (view.type) {
    case 'structure':
      if (view.document) {
        // Handed over as parsed: bounded here, since whatever walks it later may recurse.
        if (jsonNestingDepth(v, MAX_JSON_DEPTH, depth) > MAX_JSON_DEPTH) throw new NestingTooDeep();
        return v;
      }
      return readJsonStructure(model, view.shapeName, v, undefined, depth);
    case 'list': {
      if (!Array.isArray(v)) throw typeMismatch(v, 'a List');
      if (depth > MAX_JSON_DEPTH) throw new NestingTooDeep();
      const member = viewOf(model, view.member!);
      const out: unknown[] = [];
      for (const item of v) if (item !== null) out.push(readJsonValue(model, member, item, depth + 1));
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeMismatch(v, 'a Map');
      if (depth > MAX_JSON_DEPTH) throw new NestingTooDeep();
      const value = viewOf(model, view.value!);
      const out: Record<string, unknown> = {};
      for (const key in v) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== null && item !== undefined) setOwn(out, key, readJsonValue(model, value, item, depth + 1));
      }
      return out;
    }
    case 'string':
      if (typeof v === 'string') return v;
      // A jsonvalue member may arrive as the JSON itself rather than as its text (JSON.stringify recurses).
      if (view.jsonvalue) {
        if (jsonNestingDepth(v, MAX_JSON_DEPTH, depth) > MAX_JSON_DEPTH) throw new NestingTooDeep();
        return JSON.stringify(v);
      }
      throw typeMismatch(v, 'a String');
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw typeMismatch(v, 'a Boolean');
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger':
      // Coral truncates fractional numbers for integer members rather than refusing them.
      if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
      throw typeMismatch(v, view.type === 'long' ? 'a Long' : 'an Integer');
    case 'float': case 'double': case 'bigdecimal':
      if (typeof v === 'number') return v;
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      throw typeMismatch(v, view.type === 'float' ? 'a Float' : 'a Double');
    case 'timestamp': {
      if (typeof v !== 'number' && typeof v !== 'string') throw typeMismatch(v, 'a Date');
      const d = parseTimestamp(v);
      if (!d || Number.isNaN(d.getTime())) throw ProtocolErrors.serialization(`Invalid timestamp value: ${String(v)}`);
      return d;
    }
    case 'blob':
      if (typeof v !== 'string') throw typeMismatch(v, 'a Blob');
      if (!BASE64.test(v)) throw ProtocolErrors.serialization('Base64 encoded value is not valid');
      return Buffer.from(v, 'base64');
    default:
      return v;
  }
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;


/** The message Coral (the framework behind the JSON services) gives for a value of the wrong type. */
function typeMismatch(v: unknown, expected: string): ServiceError {
  if (Array.isArray(v)) return ProtocolErrors.serialization('Start of list found where not expected');
  if (typeof v === 'object' && v !== null) return ProtocolErrors.serialization('Start of structure or map found where not expected');
  const token = typeof v === 'string' ? 'STRING_VALUE' : typeof v === 'number' ? 'NUMBER_VALUE' : v === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
  return ProtocolErrors.serialization(`${token} can not be converted to ${expected}`);
}

/** Parses a JSON request body; an empty body is an empty object. JSON is UTF-8: anything else is refused, not mangled. */
export function parseJsonBody(body: Buffer | string): unknown {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    // Buffer.isUtf8 validates natively (several times faster than a fatal TextDecoder on large bodies).
    if (!isUtf8(body)) throw ProtocolErrors.serialization('Malformed JSON in request body: invalid UTF-8');
    text = body.toString('utf8');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw ProtocolErrors.serialization(`Malformed JSON in request body: ${(e as Error).message}`);
  }
}

/**
 * The request body, inflated when the client compressed it (SDKs gzip large bodies of some
 * operations), within the service's size limit (content-encoding.ts).
 */
export function requestBody(req: HttpRequest, model?: ServiceModel): Buffer {
  return decodedBody(req, model, ProtocolErrors.serialization);
}

// ---------------------------------------------------------------------------------------------
// Writing handler values as JSON

/**
 * The JSON form of structure `value` of shape `shapeName`. Absent and null members are left out;
 * keys not in the model are dropped. `skip`, when given, names members not to write (rest-json:
 * the ones bound to headers).
 */
export function toJsonStructure(
  model: ServiceModel,
  shapeName: string,
  value: Record<string, unknown>,
  skip?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of structureOf(model, shapeName).members) {
    const v = value[m.name];
    if (v === undefined || v === null || (skip && skip.has(m.name))) continue;
    out[m.wire] = toJsonValue(model, m.view, v);
  }
  return out;
}

/** The JSON form of one handler value (timestamps as epoch seconds unless the model says otherwise). */
export function toJsonValue(model: ServiceModel, view: MemberView, v: unknown): unknown {
  switch (view.type) {
    case 'structure':
      if (view.document || typeof v !== 'object' || v === null) return v;
      return toJsonStructure(model, view.shapeName, v as Record<string, unknown>);
    case 'list': {
      if (!Array.isArray(v)) return v;
      const member = viewOf(model, view.member!);
      const out: unknown[] = [];
      for (const item of v) if (item !== undefined && item !== null) out.push(toJsonValue(model, member, item));
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null) return v;
      const value = viewOf(model, view.value!);
      const out: Record<string, unknown> = {};
      const entries = v instanceof Map ? v.entries() : Object.entries(v);
      for (const [key, item] of entries) if (item !== undefined && item !== null) setOwn(out, key, toJsonValue(model, value, item));
      return out;
    }
    case 'timestamp':
      return formatTimestamp(v as Date | number | string, view.timestampFormat ?? 'unixTimestamp');
    case 'blob':
      if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('base64');
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      return v;
    case 'float': case 'double': case 'bigdecimal':
      if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      return typeof v === 'bigint' ? Number(v) : v;
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'string':
      return typeof v === 'string' ? v : view.jsonvalue ? JSON.stringify(v) : String(v);
    default:
      return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors, shared with rest-json

const queryCodeIndexes = new WeakMap<ServiceModel, Map<string, string>>();

/**
 * The modelled error shape for an error code: the shape of that name, or (for awsQueryCompatible
 * services, whose handlers may throw the query code) the shape whose `error.code` it is.
 */
export function errorShapeOf(model: ServiceModel, code: string): string | undefined {
  const shape = model.shapes[code];
  if (shape?.exception || shape?.error) return code;
  let index = queryCodeIndexes.get(model);
  if (!index) {
    index = new Map();
    for (const [name, s] of Object.entries(model.shapes)) {
      if (s.error?.code && s.error.code !== name) index.set(s.error.code, name);
    }
    queryCodeIndexes.set(model, index);
  }
  return index.get(code);
}

/** The JSON members of an error document: the modelled fields and the message under the model's name for it. */
export function errorDocument(model: ServiceModel, shapeName: string | undefined, error: ServiceError, skip?: ReadonlySet<string>): Record<string, unknown> {
  let doc: Record<string, unknown>;
  let messageKey = 'message';
  if (shapeName) {
    doc = error.fields ? toJsonStructure(model, shapeName, error.fields, skip) : {};
    const member = structureOf(model, shapeName).members.find((m) => m.name.toLowerCase() === 'message');
    if (member) messageKey = member.wire;
  } else {
    doc = error.fields ? (JSON.parse(JSON.stringify(error.fields)) as Record<string, unknown>) : {};
  }
  if (error.message && doc[messageKey] === undefined) doc[messageKey] = error.message;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// The awsJson codec

function contentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
}

function respond(status: number, headers: Record<string, string | string[]>, body: string, hooks?: CodecHooks): HttpResponse {
  // DynamoDB's clients check this checksum of the exact bytes sent.
  if (hooks?.crc32) headers['x-amz-crc32'] = String(crc32(body));
  return { status, headers, body };
}

export const jsonCodec: Codec = {
  protocol: 'json',
  validationErrorCode: 'ValidationException',

  operationOf(model: ServiceModel, req: HttpRequest): string | undefined {
    const target = header(req, 'x-amz-target');
    if (!target) return undefined;
    const dot = target.lastIndexOf('.');
    const prefix = dot < 0 ? '' : target.slice(0, dot);
    const operation = target.slice(dot + 1);
    if (model.metadata.targetPrefix !== undefined && prefix !== model.metadata.targetPrefix) return undefined;
    return Object.hasOwn(model.operations, operation) ? operation : undefined;
  },

  parseInput(model: ServiceModel, operation: string, req: HttpRequest, hooks?: CodecHooks): Record<string, unknown> {
    const doc = parseJsonBody(requestBody(req, model));
    const input = model.operations[operation]?.input;
    if (!input) {
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw typeMismatch(doc, 'a Structure');
      return {};
    }
    try {
      return readJsonStructure(model, input.shape, doc);
    } catch (err) {
      throw nestingError(err, hooks);
    }
  },

  serializeOutput(model: ServiceModel, operation: string, output: Record<string, unknown>, meta: ResponseMeta, hooks?: CodecHooks): HttpResponse {
    const ref = model.operations[operation]?.output;
    const body = JSON.stringify(ref ? toJsonStructure(model, ref.shape, output ?? {}) : {});
    const headers: Record<string, string | string[]> = {
      'content-type': contentType(model),
      'x-amzn-RequestId': meta.requestId,
    };
    return respond(200, headers, body, hooks);
  },

  serializeError(model: ServiceModel, _operation: string | undefined, error: ServiceError, meta: ResponseMeta, hooks?: CodecHooks): HttpResponse {
    const shapeName = errorShapeOf(model, error.code);
    const code = shapeName ?? error.code;
    const doc = { __type: hooks?.errorType ? hooks.errorType(code) : code, ...errorDocument(model, shapeName, error) };
    const headers: Record<string, string | string[]> = {
      ...error.headers,
      'content-type': contentType(model),
      'x-amzn-RequestId': meta.requestId,
      'x-amzn-ErrorType': code,
    };
    if (model.metadata.awsQueryCompatible) {
      // Query-era clients know these errors by their query code; the SDKs read it from this header.
      // Sent only when it differs from the shape name, as the protocol tests show.
      const queryCode = error.queryCode ?? (shapeName ? model.shapes[shapeName].error?.code : undefined) ?? code;
      if (queryCode !== code) headers['x-amzn-query-error'] = `${queryCode};${error.senderFault ? 'Sender' : 'Receiver'}`;
    }
    return respond(error.status, headers, JSON.stringify(doc), hooks);
  },

  unknownOperation(_model: ServiceModel, req: HttpRequest): ServiceError {
    // What the JSON services answer: 400 UnknownOperationException (Coral's own error).
    const target = header(req, 'x-amz-target');
    return new ServiceError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header', 400);
  },
};

