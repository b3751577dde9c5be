// What a service is to Fogbank: a model, handlers for its operations, and optionally a store and
// background work. A service adds data and handlers, never infrastructure (DESIGN.md §3).
import type { ServiceModel } from './protocol/model.ts';
import type { HttpRequest } from './protocol/http.ts';
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
}

/** Typed helper: checks handler names and signatures against the generated Handlers type. */
export function defineService<H extends Record<string, Handler>, S = undefined>(def: {
  name: string;
  model: ServiceModel;
  handlers: Partial<H>;
  store?: (env: Environment) => S;
  hooks?: CodecHooks;
  start?: (env: Environment, store: S) => (() => void | Promise<void>) | void;
}): ServiceDefinition<S> {
  return def as ServiceDefinition<S>;
}
