// Errors are values: a handler throws a ServiceError and the codec of the client's protocol renders it.

export interface ServiceErrorOptions {
  /** HTTP status; 400 unless said otherwise. */
  status?: number;
  /** True when the client is at fault (the default for 4xx). */
  senderFault?: boolean;
  /** Code to send to query-protocol clients of an awsQueryCompatible JSON service (SQS). */
  queryCode?: string;
  /** Further members of the modelled error structure (e.g. CancellationReasons, BucketName). */
  fields?: Record<string, unknown>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  readonly senderFault: boolean;
  readonly queryCode?: string;
  readonly fields?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: string, message: string, statusOrOptions: number | ServiceErrorOptions = {}) {
    super(message);
    const o = typeof statusOrOptions === 'number' ? { status: statusOrOptions } : statusOrOptions;
    this.name = 'ServiceError';
    this.code = code;
    this.status = o.status ?? 400;
    this.senderFault = o.senderFault ?? this.status < 500;
    this.queryCode = o.queryCode;
    this.fields = o.fields;
    this.headers = o.headers;
  }
}

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
