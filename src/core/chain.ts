// One request chain (DESIGN.md §1, issue 11 §2). Every call of an operation — a client's request off
// the wire, a service calling another in-process (env.invoke), a cross-service delivery (env.deliver) —
// passes the same steps in the same order:
//
//   context → [route] → authenticate → authorize → faults → validate → handle → (map errors) → record
//
// The chain is cloud-neutral. What is particular to a cloud comes from its provider (ChainProvider):
// who the caller is, how a wire request names its operation, what proof of identity it needs, how its
// input is parsed and checked, what an unexpected failure looks like. Rendering the answer (or the
// error) in the client's protocol stays with the provider, outside the chain.
//
// The steps are named, replaceable properties, so that a later module swaps one without touching the
// others (the IAM issue sets `chain.authenticate` and `chain.authorize`). What a kind of call skips is
// a property of its kind (CallKind), not a separate code path. `run` calls the steps in a fixed order
// with no per-call closure or array, and awaits only what returns a promise: the hot path stays lean.
import { randomUUID } from 'node:crypto';
import type { Caller } from './caller.ts';
import type { Environment } from './environment.ts';
import type { HttpRequest } from './http.ts';
import type { RawDetail } from './request-log.ts';
import type { Handler, RequestContext } from './service.ts';
import { ServiceError } from './errors.ts';

/** What distinguishes the kinds of call; the chain reads these, never the kind's name. */
export interface CallKind {
  /** The request log's `kind`. */
  readonly name: 'request' | 'internal' | 'delivery';
  /**
   * The operation and its input come off the wire: the provider finds the operation in the HTTP
   * request (its `route`) and parses the input (in its `validate`). Otherwise the caller names both.
   */
  readonly wire: boolean;
  /**
   * Fogbank itself vouches for the call: there are no credentials to check (the authenticate step is
   * not run), and the caller is the root principal of the account the call acts in (the provider's `root`).
   */
  readonly trusted: boolean;
}

/** A client's request off the wire. */
export const WIRE_REQUEST: CallKind = Object.freeze({ name: 'request', wire: true, trusted: false });
/** A service calling another service's operation in-process (env.invoke). */
export const INTERNAL_CALL: CallKind = Object.freeze({ name: 'internal', wire: false, trusted: true });
/** A cross-service event handed to the service owning the target (env.deliver), operation 'Deliver'. */
export const DELIVERY: CallKind = Object.freeze({ name: 'delivery', wire: false, trusted: true });

/** What a cloud's provider supplies to the chain. Methods receive the provider's own Call subclass. */
export interface ChainProvider {
  /** The caller named by the request's credentials (calls that are not trusted). */
  /** Who is calling: at once when known, through the store when the credentials must be looked up. */
  caller(call: Call): Caller | Promise<Caller>;
  /** The root principal of an account: the caller of a trusted call. */
  root(account: string): Caller;
  /**
   * Wire calls: finds the operation in the request (setting `call.operation` and `call.handler`),
   * or answers the call itself below the operation level (setting `call.answered`).
   */
  route(call: Call): void | Promise<void>;
  /** Checks the request's proof of identity (calls that are not trusted). */
  authenticate(call: Call): void | Promise<void>;
  /** Parses (wire calls) and checks the input against the service's model; the one place this happens. */
  validate(call: Call): void | Promise<void>;
  /** The error that stands for an unexpected failure (a bug, a client gone away), logged as the provider sees fit. */
  internalError(err: unknown, call: Call): ServiceError;
}

/**
 * One pass through the chain: what it acts on, how far it got, and what the request log records.
 * Providers extend it with their own fields (the AWS gateway's codec, model and loaded service).
 */
export class Call {
  readonly kind: CallKind;
  readonly provider: ChainProvider;
  readonly requestId: string = randomUUID();
  /** performance.now() when the call began, for the log's duration. */
  readonly started: number = performance.now();
  /** What the request log shows: the HTTP method and path, or INTERNAL/DELIVER and what was called. */
  method: string;
  path: string;
  service: string | undefined = undefined;
  operation: string | undefined = undefined;
  account: string | undefined = undefined;
  region: string | undefined = undefined;
  /** The answer's status; a failed call takes its error's, a wire call the status it was sent with. */
  status = 200;
  errorCode: string | undefined = undefined;
  /** The request on whose behalf this call was made (internal calls and deliveries). */
  causedBy: string | undefined = undefined;
  /** Deliveries: the receiving resource and the sending service or resource. */
  target: string | undefined = undefined;
  source: string | undefined = undefined;
  caller: Caller | undefined = undefined;
  /** What the IAM checks decided, for the request log (soft mode: what strict would have denied, and why). */
  access: string | undefined = undefined;
  /** The service's state, handed to the handler. */
  state: unknown = undefined;
  /** The HTTP request (a placeholder for calls that did not come over HTTP). */
  http: HttpRequest | undefined = undefined;
  handler: Handler | undefined = undefined;
  input: unknown = undefined;
  output: unknown = undefined;
  /** Set by the map-errors step when the call failed. */
  error: ServiceError | undefined = undefined;
  /** What the handler receives; built by the context step. */
  ctx: RequestContext | undefined = undefined;
  /** The provider's route answered the call itself: the steps after it do not run. */
  answered = false;

  constructor(kind: CallKind, provider: ChainProvider, method: string, path: string) {
    this.kind = kind;
    this.provider = provider;
    this.method = method;
    this.path = path;
  }
}

/** One step of the chain. Returns a promise only when it has to wait. */
export type ChainStep = (call: Call) => void | Promise<void>;

/** The steps in the order `run` calls them. `route` runs for wire calls only, `authenticate` for calls that are not trusted. */
export const CHAIN_STEPS = ['context', 'route', 'authenticate', 'authorize', 'faults', 'validate', 'handle'] as const;

export class Chain {
  readonly #env: Environment;

  /** Builds what the handler receives; names the caller (from credentials, or the account's root when trusted). */
  context: ChainStep = (call) => {
    const caller = call.kind.trusted ? call.provider.root(call.account!) : call.provider.caller(call);
    if (caller instanceof Promise) return caller.then((known) => this.#open(call, known));
    this.#open(call, caller);
  };

  #open(call: Call, caller: Caller): void {
    call.caller = caller;
    call.account = caller.account;
    const env = this.#env;
    call.ctx = {
      service: call.service!,
      operation: call.operation ?? '',
      account: caller.account,
      region: call.region!,
      requestId: call.requestId,
      caller,
      clock: env.clock,
      log: env.log,
      state: call.state,
      env,
      http: call.http!,
    };
  }

  /** Wire calls: the provider finds the operation in the request, or answers below the operation level. */
  route: ChainStep = (call) => call.provider.route(call);

  /** Checks the caller's proof of identity (never called for trusted calls: they have none). The IAM issue verifies signatures here. */
  authenticate: ChainStep = (call) => call.provider.authenticate(call);

  /** Whether the caller may call this operation: everyone may, until the IAM issue's policy engine decides. */
  authorize: ChainStep = allowAll;

  /** Injected faults (POST /_fogbank/faults): latency, then the error, rendered like a real one. */
  faults: ChainStep = (call) => this.#env.faults.apply(call.service!, call.operation!, call.account!);

  /** Parses (wire calls) and checks the input, by the provider's model. */
  validate: ChainStep = (call) => call.provider.validate(call);

  /** Runs the operation's handler. */
  handle: ChainStep = async (call) => {
    call.output = await call.handler!(call.input, call.ctx!);
  };

  constructor(env: Environment) {
    this.#env = env;
  }

  /**
   * Runs the steps in order. Never throws: a failure is mapped to a ServiceError in `call.error`
   * (with its status and code). The caller then answers (renders, returns or throws) and records.
   */
  async run(call: Call): Promise<void> {
    try {
      let waiting = this.context(call);
      if (waiting) await waiting;
      if (call.kind.wire) {
        waiting = this.route(call);
        if (waiting) await waiting;
        if (call.answered) return;
        call.ctx!.operation = call.operation!;
      }
      if (!call.kind.trusted) {
        waiting = this.authenticate(call);
        if (waiting) await waiting;
      }
      waiting = this.authorize(call);
      if (waiting) await waiting;
      waiting = this.faults(call);
      if (waiting) await waiting;
      waiting = this.validate(call);
      if (waiting) await waiting;
      await this.handle(call);
    } catch (err) {
      this.fail(call, err);
    }
  }

  /**
   * Maps errors: a ServiceError stands as it is, anything else becomes the provider's internal error.
   * Also for failures before the chain runs (a service that cannot be found or loaded), so that every
   * failure is mapped and logged the same way.
   */
  fail(call: Call, err: unknown): ServiceError {
    const error = err instanceof ServiceError ? err : call.provider.internalError(err, call);
    // A below-operation answer may have named what it did before it failed (S3's PostObject).
    if (!call.operation && call.ctx?.operation) call.operation = call.ctx.operation;
    call.error = error;
    call.status = error.status;
    call.errorCode = error.code;
    return error;
  }

  /** Records the call in the request log; `detail` keeps a wire call's headers and bodies. */
  record(call: Call, detail?: RawDetail): void {
    const noted = call.ctx?.access;
    const access = noted === undefined ? call.access : call.access === undefined ? noted : `${call.access}; ${noted}`;
    this.#env.requests.add({
      kind: call.kind.name,
      requestId: call.requestId,
      time: Date.now(),
      method: call.method,
      path: call.path,
      account: call.account,
      region: call.region,
      service: call.service,
      operation: call.operation,
      status: call.status,
      errorCode: call.errorCode,
      causedBy: call.causedBy,
      target: call.target,
      source: call.source,
      ...(access !== undefined ? { access } : {}),
      durationMs: Math.round((performance.now() - call.started) * 100) / 100,
    }, detail);
  }
}

function allowAll(): void {}
