// What a service is to Fogbank: a model, handlers for its operations, and optionally a store and
// background work. A service adds data and handlers, never infrastructure (DESIGN.md §3).
import type { ServiceModel } from './protocol/model.ts';
import type { HttpRequest, HttpResponse } from './protocol/http.ts';
import type { Delivery, DeliveryResult } from '../core/delivery.ts';
import type { CodecHooks } from './protocol/codec.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Environment } from '../core/environment.ts';

/** Who is calling, as worked out from the request's credentials. */
export interface Caller {
  accessKeyId: string;
  account: string;
  /** ARN of the principal (root, IAM user or assumed role). */
  arn: string;
  /** The principal's unique id (AIDA…/AROA…:session), as GetCallerIdentity reports it. */
  userId: string;
  sessionToken?: string;
  /** A request with no signature at all (an operation AWS serves anonymously, auth/anonymous.ts). */
  anonymous?: boolean;
}

export interface RequestContext<S = unknown> {
  service: string;
  operation: string;
  account: string;
  region: string;
  requestId: string;
  caller: Caller;
  clock: Clock;
  log: Logger;
  /** The service's own store (its tables and statements). */
  store: S;
  /** Fogbank-wide facilities: data dir, blobs, database, event bus, internal clients. */
  env: Environment;
  /** The raw request, for the few behaviours that live at the HTTP level (CORS, presigned URLs). */
  http: HttpRequest;
}

export type Handler<I = any, O = any, S = any> = (input: I, ctx: RequestContext<S>) => O | Promise<O>;

/** Where a delivery lands: the account and region of the target ARN, the service's store. */
export interface DeliveryContext<S = unknown> {
  account: string;
  region: string;
  /** The delivery's own id in the request log. */
  requestId: string;
  clock: Clock;
  log: Logger;
  store: S;
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
  handle(req: AdminRequest, store: S, env: Environment): unknown | Promise<unknown>;
}

/** The parts of a service the gateway calls besides operation handlers. */
export interface ServiceDefinition<S = any> {
  /** Fogbank's name for the service, e.g. 'sts', 's3', 'sqs'. */
  name: string;
  model: ServiceModel;
  handlers: Record<string, Handler<any, any, S> | undefined>;
  /** Opens the service's store once, on first use (runs its migrations). */
  store?: (env: Environment) => S;
  hooks?: CodecHooks;
  /** Starts background work after the store opens; the returned function stops it. */
  start?: (env: Environment, store: S) => (() => void | Promise<void>) | void;
  /**
   * awsQueryCompatible JSON services (SQS): the model as query-protocol clients see it (their XML
   * and parameter names). Form-encoded requests are parsed and answered with it by the query codec.
   */
  queryModel?: ServiceModel;
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
export function defineService<H extends Record<string, Handler>, S = undefined>(
  def: Omit<ServiceDefinition<S>, 'handlers'> & { handlers: Partial<H> },
): ServiceDefinition<S> {
  return def as ServiceDefinition<S>;
}
