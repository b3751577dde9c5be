// The EC2 dialect of the query protocol: parameters are named by `queryName` (or the capitalized XML
// name) and lists are always `Name.N`; responses carry the members directly under <OpResponse> with
// a <requestId>, and errors come as <Response><Errors><Error>.
import type { Codec } from './codec.ts';
import type { HttpResponse } from '../../core/http.ts';
import { ServiceError } from '../../core/errors.ts';
import type { ServiceModel } from './model.ts';
import { attr, XML_DECLARATION, XmlWriter } from './xml.ts';
import { findErrorShape, view, wireErrorCode, writeErrorFields, writeXmlMembers } from './xml-shapes.ts';
import { paramValue, readQueryInput } from './query.ts';

// EC2 answers a malformed value with InvalidParameterValue; a missing required one is MissingParameter.
const VALIDATION = 'InvalidParameterValue';

function xmlResponse(status: number, body: string, requestId: string, extra?: Record<string, string>): HttpResponse {
  return { status, headers: { ...extra, 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
}

function namespace(model: ServiceModel): string {
  return model.metadata.xmlNamespace ? attr('xmlns', model.metadata.xmlNamespace) : '';
}

export const ec2Codec: Codec = {
  protocol: 'ec2',
  validationErrorCode: VALIDATION,

  operationOf(model, req) {
    const action = paramValue(req, 'Action');
    return action && Object.hasOwn(model.operations, action) ? action : undefined;
  },

  parseInput(model, operation, req) {
    return readQueryInput(model, operation, req, 'ec2', VALIDATION);
  },

  serializeOutput(model, operation, output, meta) {
    const op = model.operations[operation];
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    w.open(`${operation}Response`, namespace(model));
    w.leaf('requestId', meta.requestId);
    if (op?.output) writeXmlMembers(w, model, view(model, op.output), output ?? {});
    w.close(`${operation}Response`);
    return xmlResponse(200, w.out, meta.requestId);
  },

  serializeError(model, _operation, error, meta) {
    const w = new XmlWriter();
    w.out = XML_DECLARATION;
    w.open('Response');
    w.open('Errors');
    w.open('Error');
    w.leaf('Code', error.queryCode ?? wireErrorCode(model, error.code));
    w.leaf('Message', error.message);
    if (error.fields) writeErrorFields(w, model, findErrorShape(model, error.code), error.fields);
    w.close('Error');
    w.close('Errors');
    w.leaf('RequestID', meta.requestId);
    w.close('Response');
    return xmlResponse(error.status, w.out, meta.requestId, error.headers);
  },

  unknownOperation(_model, req) {
    const action = paramValue(req, 'Action');
    if (!action) return new ServiceError('MissingAction', 'The request must contain the parameter Action', 400);
    return new ServiceError('InvalidAction', `The action ${action} is not valid for this web service.`, 400);
  },
};
