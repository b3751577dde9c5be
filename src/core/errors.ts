// Errors are values (DESIGN.md §2): a handler throws a ServiceError and the provider's codec renders it
// in the client's protocol (AWS JSON/XML, Google's google.rpc.Status). Cloud-neutral: no wire format here.

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
