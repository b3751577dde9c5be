// restXml (S3, CloudFront, Route 53, S3 Control): the operation comes from the method and URI template
// (rest.ts, shared with rest-json); members travel in URI labels, the query string, headers, and
// either an XML document of the body members or a payload member that is the whole body (an XML
// document for a structure, raw bytes/text for a blob/string, a stream for a streaming blob).
// Errors: <ErrorResponse><Error>…</Error><RequestId/></ErrorResponse>, or S3's bare <Error>.
import { Readable } from 'node:stream';
import type { Codec } from './codec.ts';
import { ProtocolErrors } from './errors.ts';
import { ServiceError } from '../../core/errors.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import type { MemberView, ServiceModel } from './model.ts';
import { inputBindings, readBoundInput, routeOperation, shapeBindings, writeBoundMembers, type Binding } from './rest.ts';
import { parseXml, XML_DECLARATION, XmlSyntaxError, XmlWriter, type XmlElement } from './xml.ts';
import {
  findErrorShape, namespaceAttr, readXmlStructure, readXmlValue, structureAttrs, view, wireErrorCode,
  writeErrorFields, writeXmlMembers, writeXmlValue, XmlValueError,
} from './xml-shapes.ts';

// What S3 and CloudFront answer for a header or query value of the wrong type.
const VALIDATION = 'InvalidArgument';

/** Parses a request body as XML; anything malformed (or of the wrong type) is S3's MalformedXML. */
function readDocument<T>(body: Buffer, read: (root: XmlElement) => T): T {
  try {
    return read(parseXml(body));
  } catch (e) {
    if (e instanceof XmlSyntaxError || e instanceof XmlValueError) throw ProtocolErrors.malformedXml();
    throw e;
  }
}

function readPayload(model: ServiceModel, payload: Binding, req: HttpRequest): unknown {
  const v = payload.view;
  if (v.type === 'blob' && v.streaming) {
    if (req.stream) return req.stream;
    return req.body.length ? Readable.from([req.body]) : undefined;
  }
  if (!req.body.length) return undefined;
  switch (v.type) {
    case 'blob': return req.body;
    case 'string': return req.body.toString('utf8');
    // The root element's name is not checked: clients disagree on it (botocore uses the member's).
    default: return readDocument(req.body, (root) => readXmlValue(model, v, root, payload.name));
  }
}

function hasHeader(headers: Record<string, string | string[]>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/**
 * The root element of a document for a structure: the reference's own XML name when it gives one
 * (the member name repeated says nothing), else the shape's, else the shape name.
 */
function rootName(model: ServiceModel, v: MemberView, memberName: string | undefined): string {
  if (v.locationName && v.locationName !== memberName) return v.locationName;
  return model.shapes[v.shapeName]?.locationName ?? v.shapeName;
}

function writeDocument(model: ServiceModel, v: MemberView, name: string, value: unknown): string {
  const w = new XmlWriter();
  w.out = XML_DECLARATION;
  if (v.type === 'structure') {
    const obj = value as Record<string, unknown>;
    const ns = namespaceAttr(v.xmlNamespace ?? model.metadata.xmlNamespace);
    w.open(name, structureAttrs(model, v, obj, ns));
    writeXmlMembers(w, model, v, obj);
    w.close(name);
  } else {
    writeXmlValue(w, model, v, name, value);
  }
  return w.out;
}

function writePayload(model: ServiceModel, payload: Binding, value: unknown, headers: Record<string, string | string[]>): HttpResponse['body'] {
  if (value === undefined || value === null) return undefined;
  const v = payload.view;
  let type = 'application/xml';
  let body: HttpResponse['body'];
  if (v.type === 'blob') {
    type = 'application/octet-stream';
    body = value instanceof Readable || value instanceof Uint8Array || typeof value === 'string' ? value : String(value);
  } else if (v.type === 'string') {
    type = 'text/plain';
    body = String(value);
  } else {
    body = writeDocument(model, v, rootName(model, v, payload.name), value);
  }
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = type;
  return body;
}

export const restXmlCodec: Codec = {
  protocol: 'rest-xml',
  validationErrorCode: VALIDATION,

  operationOf(model, req) {
    return routeOperation(model, req);
  },

  parseInput(model, operation, req) {
    let input: Record<string, unknown>;
    try {
      input = readBoundInput(model, operation, req);
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'SerializationException') throw new ServiceError(VALIDATION, e.message, 400);
      throw e;
    }
    const b = inputBindings(model, operation);
    if (b.payload) {
      const value = readPayload(model, b.payload, req);
      if (value !== undefined) input[b.payload.name] = value;
    } else if (b.body.length && req.body.length) {
      const v = view(model, model.operations[operation].input!);
      Object.assign(input, readDocument(req.body, (root) => readXmlStructure(model, v, root, '')));
    }
    return input;
  },

  serializeOutput(model, operation, output, meta) {
    const op = model.operations[operation];
    const headers: Record<string, string | string[]> = { 'x-amz-request-id': meta.requestId, 'x-amzn-requestid': meta.requestId };
    let status = op?.http?.responseCode ?? 200;
    let body: HttpResponse['body'];
    const ref = op?.output;
    if (ref) {
      const value = output ?? {};
      const b = shapeBindings(model, ref.shape);
      status = writeBoundMembers(model, ref.shape, value, headers) ?? status;
      if (b.payload) {
        body = writePayload(model, b.payload, value[b.payload.name], headers);
      } else if (b.body.length || b.labels.length || b.query.length) {
        // Members bound to the URI or query string of a request are plain body members in a response.
        const v = view(model, ref);
        body = writeDocument(model, v, rootName(model, v, undefined), value);
      }
    }
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/xml';
    // These statuses carry no body by definition.
    if (status === 204 || status === 304) body = undefined;
    return { status, headers, body };
  },

  serializeError(model, _operation, error, meta, hooks) {
    const shape = findErrorShape(model, error.code);
    const headers: Record<string, string | string[]> = {
      ...error.headers,
      'content-type': 'application/xml',
      'x-amz-request-id': meta.requestId,
      'x-amzn-requestid': meta.requestId,
    };
    if (shape && error.fields) writeBoundMembers(model, shape.shapeName, error.fields, headers);
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    if (!hooks?.unwrappedErrors) w.open('ErrorResponse', namespaceAttr(model.metadata.xmlNamespace));
    w.open('Error');
    if (!hooks?.unwrappedErrors) w.leaf('Type', error.senderFault ? 'Sender' : 'Receiver');
    w.leaf('Code', wireErrorCode(model, error.code));
    w.leaf('Message', error.message);
    if (error.fields) writeErrorFields(w, model, shape, error.fields);
    if (hooks?.unwrappedErrors) {
      w.leaf('RequestId', meta.requestId);
      w.close('Error');
    } else {
      w.close('Error');
      w.leaf('RequestId', meta.requestId);
      w.close('ErrorResponse');
    }
    return { status: error.status, headers, body: w.out };
  },

  unknownOperation(_model, req) {
    // S3, the main rest-xml service, answers a method its resource does not support this way.
    return new ServiceError('MethodNotAllowed', `The specified method is not allowed against this resource (${req.method} ${req.path}).`, 405);
  },
};
