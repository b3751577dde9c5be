// Fogbank-wide facilities handed to every service. Filled in by src/fogbank.ts.
import type { ControllableClock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Store } from './store.ts';
import type { BlobStore } from '../store/blobs.ts';
import type { Accounts } from './accounts.ts';
import type { RequestLog } from './request-log.ts';
import type { Deliver } from './delivery.ts';
import type { Faults } from './faults.ts';
import type { Engines } from './engines/supervisor.ts';
import type { Ports } from '../server/ports.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { IamSettings } from './iam/mode.ts';

/** Where an internal call acts: the account and region whose state it touches. */
export interface Scope {
  account: string;
  region: string;
}

/** Calls another service's operation in-process, as a user's request would (DESIGN.md §3). */
export type InternalInvoke = <O = Record<string, unknown>>(
  service: string,
  operation: string,
  input: Record<string, unknown>,
  scope: Scope,
  /** The request on whose behalf the call is made, for the request log. */
  causedBy?: string,
) => Promise<O>;

export interface Environment {
  /** Absolute data directory (a temporary one when ephemeral). */
  dataDir: string;
  ephemeral: boolean;
  /** Where clients reach Fogbank, e.g. http://localhost:4566. */
  endpoint: string;
  version: string;
  startedAt: number;
  /** The store port (src/core/store.ts): services' state modules reach their tables through it. */
  store: Store;
  blobs: BlobStore;
  clock: ControllableClock;
  log: Logger;
  accounts: Accounts;
  requests: RequestLog;
  invoke: InternalInvoke;
  /** Hands a message to the service owning the target ARN (DESIGN.md §6). */
  deliver: Deliver;
  /** Faults a test injected (POST /_fogbank/faults), applied before handlers run. */
  faults: Faults;
  /** Ports of the configured range, kept per resource across restarts (src/server/ports.ts). */
  ports: Ports;
  /** The engine supervisor: processes and servers that resources own (src/core/engines/). */
  engines: Engines;
  /** Suspend/resume around a snapshot restore: background work and engines register here (DESIGN.md §4). */
  lifecycle: Lifecycle;
  /** How much of IAM is enforced (`--iam off|soft|strict`), per account (src/core/iam/mode.ts). */
  iam: IamSettings;
}
