// AWS's protocol-layer errors, raised before a handler runs; the codecs render them (ServiceError is
// the cloud-neutral value, src/core/errors.ts).
import { ServiceError } from '../../core/errors.ts';

/** The protocol layer's own errors, raised before a handler runs. Codecs map them to each protocol's code. */
export const ProtocolErrors = {
  /** Body or parameters that cannot be parsed at all. */
  serialization: (message: string) => new ServiceError('SerializationException', message, 400),
  malformedXml: () =>
    new ServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400),
  validation: (message: string) => new ServiceError('ValidationException', message, 400),
  notImplemented: (service: string, operation: string) =>
    new ServiceError('NotImplemented', `The operation ${operation} of service ${service} is not implemented by Fogbank yet`, 501),
  internal: (requestId: string) =>
    new ServiceError('InternalError', `We encountered an internal error. Please try again. (request ${requestId})`, 500),
};
