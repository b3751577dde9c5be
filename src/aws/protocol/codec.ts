import type { ServiceModel } from './model.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import type { ServiceError } from '../../core/errors.ts';

/**
 * One codec per AWS protocol. It walks the model's shapes; it knows nothing of any one service.
 *
 * Values exchanged with handlers:
 *   structure → plain object (absent members are left out, never null)
 *   list → array, map → plain object, string/enum → string
 *   integer/long/short/byte/float/double → number (NaN, Infinity, -Infinity allowed for float/double)
 *   boolean → boolean, timestamp → Date, blob → Buffer
 *   streaming blob payload → on input a Readable (req.stream); on output a Readable, Buffer or string
 *   document (json protocols) → any JSON value
 */
export interface Codec {
  readonly protocol: string;
  /**
   * Which operation the request calls, by the protocol's rule (X-Amz-Target, Action=, or the REST
   * method and URI template); undefined when the request names no operation of this model.
   * REST codecs decide from method, path, query and headers only, so the body may still be unread.
   */
  operationOf(model: ServiceModel, req: HttpRequest): string | undefined;
  /** The typed input of `operation`; throws a ServiceError when the request cannot be parsed. */
  parseInput(model: ServiceModel, operation: string, req: HttpRequest, hooks?: CodecHooks): Record<string, unknown>;
  serializeOutput(model: ServiceModel, operation: string, output: Record<string, unknown>, meta: ResponseMeta, hooks?: CodecHooks): HttpResponse;
  serializeError(model: ServiceModel, operation: string | undefined, error: ServiceError, meta: ResponseMeta, hooks?: CodecHooks): HttpResponse;
  /** The error this protocol answers when a request names no known operation. */
  unknownOperation(model: ServiceModel, req: HttpRequest): ServiceError;
  /** Code of this protocol's input validation error ('ValidationError' for query, 'ValidationException' for JSON). */
  readonly validationErrorCode: string;
}

export interface ResponseMeta {
  requestId: string;
  /** The request, for protocols whose response depends on it (awsQueryCompatible, Accept headers). */
  request?: HttpRequest;
}

/** Per-service quirks, registered by the service and applied by its codec (DESIGN.md §2). */
export interface CodecHooks {
  /** rest-xml: render errors as a bare <Error> document, as S3 does, instead of <ErrorResponse>. */
  unwrappedErrors?: boolean;
  /** json: add an x-amz-crc32 header of the response body, as DynamoDB does. */
  crc32?: boolean;
  /**
   * json: the `__type` an error carries, from its code. DynamoDB qualifies it with the namespace of the
   * framework that raised it (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`,
   * `com.amazon.coral.validate#ValidationException`); left unset, `__type` is the bare code.
   */
  errorType?: (code: string) => string;
  /**
   * The code some services answer for a missing required top-level parameter, with "The request must
   * contain the parameter X." (SQS and EC2: MissingParameter), instead of the generic validation error.
   */
  missingParameter?: string;
  /**
   * The code a service answers for a failed constraint or missing member when it is not the
   * protocol's (CloudWatch Logs: InvalidParameterException, with Coral's message).
   */
  validationError?: string;
  /** false: the service answers its own codes, not Coral's constraint messages (SQS's InvalidAttributeName). */
  constraints?: false;
  /**
   * The largest request body the service accepts, compressed or inflated (DynamoDB: 16 MB); larger ones
   * are refused with 413 before they are parsed. Unset, the protocol layer's defaults apply.
   */
  maxRequestBytes?: number;
  /**
   * The error for a JSON document nested deeper than the codec reads (MAX_JSON_DEPTH), when the
   * service answers something else than SerializationException (DynamoDB: its nesting ValidationException).
   */
  tooDeeplyNested?: () => ServiceError;
}
