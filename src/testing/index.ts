// fogbank/testing: Fogbank in-process for a test suite. Starts on a free port (ephemeral by default),
// hands out SDK client settings, resets state between tests and drives the clock.
import '../core/quiet-warnings.ts';
import { createFogbank, type Fogbank, type FogbankOptions } from '../fogbank.ts';
import type { Fault, FaultSpec } from '../core/faults.ts';
import type { SnapshotManifest } from '../core/snapshots/snapshots.ts';

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface TestClock {
  now(): number;
  /** Stops time (at `at`, epoch ms or Date, when given). */
  freeze(at?: number | Date): void;
  unfreeze(): void;
  /** Moves time forward, firing every timer that falls due, in order; freezes the clock. */
  advance(ms: number): void;
  set(at: number | Date): void;
  readonly frozen: boolean;
}

export interface TestFogbank {
  endpoint: string;
  region: string;
  credentials: TestCredentials;
  /** Settings for any AWS SDK v3 client constructor. */
  clientConfig: { endpoint: string; region: string; credentials: TestCredentials; forcePathStyle: boolean };
  /** `fb.client(SQSClient)` → a client aimed at this Fogbank. */
  client<C>(ctor: new (config: any) => C, overrides?: Record<string, unknown>): C;
  clock: TestClock;
  /** Injected faults (POST /_fogbank/faults): `add({ service, operation?, error?: { code, status? }, latencyMs?, probability?, times? })`. */
  faults: {
    add(spec: FaultSpec): Fault;
    list(): Fault[];
    remove(id: string): boolean;
    clear(): void;
  };
  /** Saves the whole state under `name` (POST /_fogbank/snapshots); what was acknowledged is in it. */
  snapshot(name: string): Promise<SnapshotManifest>;
  /** Puts back the state saved under `name`; requests made meanwhile wait, then see the restored state. */
  restore(name: string): Promise<SnapshotManifest>;
  /** Drops all state (every service, account and blob) and faults, and returns the clock to real time. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** The underlying instance, for Fogbank's own tests. */
  instance: Fogbank;
}

export interface StartOptions extends FogbankOptions {
  region?: string;
  /** Access key id to sign with; a 12-digit one selects that account. Default 'test'. */
  accessKeyId?: string;
}

export async function startFogbank(options: StartOptions = {}): Promise<TestFogbank> {
  const { region = 'us-east-1', accessKeyId = 'test', ...rest } = options;
  const instance = await createFogbank({ ephemeral: true, port: 0, ...rest });
  const credentials = { accessKeyId, secretAccessKey: 'test' };
  const clientConfig = { endpoint: instance.endpoint, region, credentials, forcePathStyle: true };
  const c = instance.clock;
  const ms = (t: number | Date) => (t instanceof Date ? t.getTime() : t);
  return {
    endpoint: instance.endpoint,
    region,
    credentials,
    clientConfig,
    client: (ctor, overrides = {}) => new ctor({ ...clientConfig, ...overrides }),
    clock: {
      now: () => c.now(),
      freeze: (at) => c.freeze(at === undefined ? undefined : ms(at)),
      unfreeze: () => c.unfreeze(),
      advance: (n) => c.advance(n),
      set: (at) => c.set(ms(at)),
      get frozen() {
        return c.frozen;
      },
    },
    faults: {
      add: (spec) => instance.env.faults.add(spec),
      list: () => instance.env.faults.list(),
      remove: (id) => instance.env.faults.remove(id),
      clear: () => instance.env.faults.clear(),
    },
    snapshot: (name) => instance.snapshots.save(name),
    restore: (name) => instance.snapshots.restore(name),
    async reset() {
      await instance.reset();
    },
    stop: () => instance.stop(),
    instance,
  };
}
