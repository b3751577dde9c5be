// restJson1: the operation comes from the method and URI template (rest.ts); members travel in URI
// labels, the query string, headers, and either a JSON document of the body members or a payload
// member that is the whole body (a JSON document for a structure, raw bytes/text for a blob/string,
// a stream for a streaming blob). Errors: `x-amzn-ErrorType: <code>` plus a JSON body of the fields.
import { Readable } from 'node:stream';
import type { Codec, CodecHooks, ResponseMeta } from './codec.ts';
import { ServiceError } from '../../core/errors.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import type { ServiceModel } from './model.ts';
import {
  errorDocument, errorShapeOf, nestingError, parseJsonBody, readJsonStructure, readJsonValue, requestBody, toJsonStructure, toJsonValue,
} from './json.ts';
import { inputBindings, readBoundInput, routeOperation, shapeBindings, writeBoundMembers } from './rest.ts';
import type { Binding, ShapeBindings } from './rest.ts';

/** Names of the members that go in the JSON body, and of those that do not, per bindings. */
const memberSets = new WeakMap<ShapeBindings, { body: Set<string>; bound: Set<string> }>();

function memberSetsOf(b: ShapeBindings) {
  let sets = memberSets.get(b);
  if (!sets) {
    const bound = [...b.labels, ...b.query, ...b.headers, ...b.prefixHeaders];
    if (b.queryParams) bound.push(b.queryParams);
    if (b.statusCode) bound.push(b.statusCode);
    if (b.payload) bound.push(b.payload);
    sets = { body: new Set(b.body.map((m) => m.name)), bound: new Set(bound.map((m) => m.name)) };
    memberSets.set(b, sets);
  }
  return sets;
}

function hasHeader(headers: Record<string, string | string[]>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

function readPayload(model: ServiceModel, payload: Binding, req: HttpRequest): unknown {
  const view = payload.view;
  if (view.type === 'blob' && view.streaming) {
    if (req.stream) return req.stream;
    return req.body.length ? Readable.from([req.body]) : undefined;
  }
  const body = requestBody(req, model);
  if (body.length === 0) return undefined;
  switch (view.type) {
    case 'blob': return body;
    case 'string': return body.toString('utf8');
    case 'structure': {
      const value = readJsonValue(model, view, parseJsonBody(body));
      // Clients send "{}" for an absent payload structure, so an empty one means absent.
      if (!view.document && Object.keys(value as object).length === 0) return undefined;
      return value;
    }
    default: return readJsonValue(model, view, parseJsonBody(body));
  }
}

function writePayload(model: ServiceModel, payload: Binding, v: unknown, headers: Record<string, string | string[]>): HttpResponse['body'] {
  if (v === undefined || v === null) return undefined;
  const view = payload.view;
  let type: string;
  let body: HttpResponse['body'];
  if (view.type === 'blob') {
    type = 'application/octet-stream';
    body = v instanceof Readable || Buffer.isBuffer(v) || v instanceof Uint8Array || typeof v === 'string' ? v : String(v);
  } else if (v instanceof Readable) {
    // An event stream payload (Lambda's InvokeWithResponseStream): the service frames the events
    // (application/vnd.amazon.eventstream) and the codec streams them as they come.
    type = 'application/vnd.amazon.eventstream';
    body = v;
  } else if (view.type === 'string') {
    type = 'text/plain';
    body = String(v);
  } else {
    type = 'application/json';
    body = JSON.stringify(toJsonValue(model, view, v));
  }
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = type;
  return body;
}

export const restJsonCodec: Codec = {
  protocol: 'rest-json',
  validationErrorCode: 'ValidationException',

  operationOf(model: ServiceModel, req: HttpRequest): string | undefined {
    return routeOperation(model, req);
  },

  parseInput(model: ServiceModel, operation: string, req: HttpRequest, hooks?: CodecHooks): Record<string, unknown> {
    const input = readBoundInput(model, operation, req);
    const b = inputBindings(model, operation);
    try {
      if (b.payload) {
        const value = readPayload(model, b.payload, req);
        if (value !== undefined) input[b.payload.name] = value;
      } else if (b.body.length) {
        const body = requestBody(req, model);
        if (body.length) {
          const shape = model.operations[operation].input!.shape;
          Object.assign(input, readJsonStructure(model, shape, parseJsonBody(body), memberSetsOf(b).body));
        }
      }
    } catch (err) {
      throw nestingError(err, hooks);
    }
    return input;
  },

  serializeOutput(model: ServiceModel, operation: string, output: Record<string, unknown>, meta: ResponseMeta, _hooks?: CodecHooks): HttpResponse {
    const op = model.operations[operation];
    const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': meta.requestId };
    let status = op?.http?.responseCode ?? 200;
    let body: HttpResponse['body'];
    const ref = op?.output;
    if (ref) {
      const value = output ?? {};
      const b = shapeBindings(model, ref.shape);
      status = writeBoundMembers(model, ref.shape, value, headers) ?? status;
      if (b.payload) {
        body = writePayload(model, b.payload, value[b.payload.name], headers);
      } else {
        // Smithy's restJson1 servers always answer a JSON object when the operation has an output
        // (even one with no body members), and clients accept it; "{}" when all are absent.
        body = JSON.stringify(b.body.length ? toJsonStructure(model, ref.shape, value, memberSetsOf(b).bound) : {});
        headers['content-type'] = 'application/json';
      }
    }
    // These statuses carry no body by definition.
    if (status === 204 || status === 304) body = undefined;
    return { status, headers, body };
  },

  serializeError(model: ServiceModel, _operation: string | undefined, error: ServiceError, meta: ResponseMeta): HttpResponse {
    const shapeName = errorShapeOf(model, error.code);
    const code = shapeName ?? error.code;
    const headers: Record<string, string | string[]> = {
      ...error.headers,
      'content-type': 'application/json',
      'x-amzn-RequestId': meta.requestId,
      // The SDKs read the error code from this header first (then the body's `code`, then `__type`).
      'x-amzn-ErrorType': code,
    };
    let bound: Set<string> | undefined;
    if (shapeName && error.fields) {
      writeBoundMembers(model, shapeName, error.fields, headers);
      bound = memberSetsOf(shapeBindings(model, shapeName)).bound;
    }
    return { status: error.status, headers, body: JSON.stringify(errorDocument(model, shapeName, error, bound)) };
  },

  unknownOperation(_model: ServiceModel, req: HttpRequest): ServiceError {
    // The REST JSON services (and Smithy servers) answer a path no operation claims with a 404.
    return new ServiceError('UnknownOperationException', `No operation matches ${req.method} ${req.path}`, 404);
  },
};
