// What a service is to Fogbank, in any cloud: a model, handlers for its operations, and optionally its
// state and background work. A service adds data and handlers, never infrastructure (DESIGN.md §3).
// Cloud-neutral: the model and codec hooks are type parameters that each provider fills in (the AWS
// provider with its ServiceModel and CodecHooks, src/aws/service.ts).
import type { HttpRequest, HttpResponse } from './http.ts';
import type { Caller } from './caller.ts';
import type { Delivery, DeliveryResult } from './delivery.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Environment } from './environment.ts';

export interface RequestContext<S = unknown> {
  service: string;
  operation: string;
  account: string;
  region: string;
  requestId: string;
  caller: Caller;
  clock: Clock;
  log: Logger;
  /** The service's own state (its tables and statements). */
  state: S;
  /** Fogbank-wide facilities: data dir, blobs, database, event bus, internal clients. */
  env: Environment;
  /** The raw request, for the few behaviours that live at the HTTP level (CORS, presigned URLs). */
  http: HttpRequest;
  /**
   * What the handler's own IAM checks decided (STS's trust policy), set by the handler: the chain adds
   * it to the request log's `access`, after the signature check's note.
   */
  access?: string;
}

export type Handler<I = any, O = any, S = any> = (input: I, ctx: RequestContext<S>) => O | Promise<O>;

/** Where a delivery lands: the account and region of the target ARN, the service's state. */
export interface DeliveryContext<S = unknown> {
  account: string;
  region: string;
  /** The delivery's own id in the request log. */
  requestId: string;
  clock: Clock;
  log: Logger;
  state: S;
  env: Environment;
}

/** A request to the admin API, already parsed. */
export interface AdminRequest {
  method: string;
  path: string;
  /** Named groups of the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (empty object when none). */
  body: Record<string, unknown>;
  /** The request's headers (lower-case names), for routes that answer by Accept (LocalStack's /_aws/sqs/messages). */
  headers?: Record<string, string | string[] | undefined>;
}

/** An admin answer that is not JSON (SNS's signing certificate at SigningCertURL): sent as it is. */
export class RawAdminResponse {
  readonly contentType: string;
  readonly body: string | Buffer;
  readonly status: number;
  constructor(contentType: string, body: string | Buffer, status = 200) {
    this.contentType = contentType;
    this.body = body;
    this.status = status;
  }
}

export interface AdminRoute<S = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /**
   * Reachable without an admin session even beyond loopback: for what AWS itself serves publicly
   * (SNS's signing certificate at SigningCertURL). Never for anything that reveals or changes state.
   */
  public?: boolean;
  /**
   * Absolute path pattern under /_fogbank/<service>/ or /_aws/<service>/ (LocalStack-compatible),
   * with named groups for parameters, e.g. /^\/_fogbank\/sqs\/queues\/(?<name>[^/]+)$/.
   */
  path: RegExp;
  /** Returns the JSON answer; throw a ServiceError for a 4xx. */
  handle(req: AdminRequest, state: S, env: Environment): unknown | Promise<unknown>;
}

/**
 * The parts of a service the provider calls besides operation handlers. `M` is the provider's model
 * type and `K` its codec hooks (unknown here: core knows no wire format).
 */
export interface ServiceDefinition<S = any, M = unknown, K = unknown> {
  /** Fogbank's name for the service, e.g. 'sts', 's3', 'sqs'. */
  name: string;
  model: M;
  handlers: Record<string, Handler<any, any, S> | undefined>;
  /** Opens the service's state once, on first use (runs its migrations). */
  state?: (env: Environment) => S;
  hooks?: K;
  /** Starts background work after the state opens; the returned function stops it. */
  start?: (env: Environment, state: S) => (() => void | Promise<void>) | void;
  /**
   * awsQueryCompatible JSON services (SQS): the model as query-protocol clients see it (their XML
   * and parameter names). Form-encoded requests are parsed and answered with it by the query codec.
   */
  queryModel?: M;
  /**
   * Answers requests that live below the operation level (S3's CORS preflight, browser POST uploads,
   * website endpoints) before operation routing; returning undefined lets routing go on.
   * `ctx.operation` is empty here.
   */
  intercept?: (http: HttpRequest, ctx: RequestContext<S>) => HttpResponse | undefined | Promise<HttpResponse | undefined>;
  /** Adjusts every response of this service before it is sent (S3's CORS headers). */
  decorate?: (response: HttpResponse, http: HttpRequest, ctx: RequestContext<S>) => void | Promise<void>;
  /**
   * Whether an unsigned request for `ctx.operation` may run, for services whose anonymous access
   * depends on their state (S3: a bucket's public policy or ACL). Fixed lists live in auth/anonymous.ts.
   */
  anonymous?: (http: HttpRequest, ctx: RequestContext<S>) => boolean | Promise<boolean>;
  /** Accepts a delivery addressed to one of this service's resources (DESIGN.md §6). */
  deliver?: (delivery: Delivery, ctx: DeliveryContext<S>) => Promise<DeliveryResult>;
  /** Out-of-band routes of the admin API (and LocalStack-compatible /_aws/ ones). */
  admin?: AdminRoute<S>[];
}

/** Typed helper: checks handler names and signatures against the generated Handlers type. */
export function defineService<H extends Record<string, Handler>, S = undefined, M = unknown, K = unknown>(
  def: Omit<ServiceDefinition<S, M, K>, 'handlers'> & { handlers: Partial<H> },
): ServiceDefinition<S, M, K> {
  return def as ServiceDefinition<S, M, K>;
}
