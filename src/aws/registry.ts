// The registered AWS services. Identities (the few facts routing needs) are generated and cheap;
// a service's model and code load on the first request that needs them, so start-up parses no model.
import { identities } from './generated/identities.ts';
import type { AwsServiceDefinition } from './service.ts';
import type { Codec } from './protocol/codec.ts';
import type { Environment } from '../core/environment.ts';
import { loadCodec } from './protocol/index.ts';

export type ServiceIdentity = (typeof identities)[number];

export interface LoadedService {
  identity: ServiceIdentity;
  definition: AwsServiceDefinition;
  codec: Codec;
  /** The query codec, for awsQueryCompatible services that define a queryModel. */
  queryCodec?: Codec;
  /** The service's state, opened (and migrated) on first use. */
  state(): unknown;
  /** Runs once the state is open; started background work is stopped on shutdown. */
  running: boolean;
}

export class ServiceRegistry {
  readonly identities: readonly ServiceIdentity[] = identities;
  #loaded = new Map<string, Promise<LoadedService>>();
  #stoppers: Array<() => void | Promise<void>> = [];
  /** Starts the background work of each opened service again (after a snapshot restore). */
  #starters: Array<() => void> = [];
  #env: Environment;

  constructor(env: Environment) {
    this.#env = env;
  }

  byName(name: string): ServiceIdentity | undefined {
    return this.identities.find((s) => s.name === name);
  }

  /** The service owning an ARN namespace ('sqs', 'events', 'lambda'): by name, then endpoint prefix, then signing name. */
  byArnNamespace(namespace: string): ServiceIdentity | undefined {
    return (
      this.identities.find((s) => s.name === namespace) ??
      this.identities.find((s) => s.endpointPrefix === namespace) ??
      this.identities.find((s) => s.signingName === namespace)
    );
  }

  isLoaded(name: string): boolean {
    return this.#loaded.has(name);
  }

  load(name: string): Promise<LoadedService> {
    let p = this.#loaded.get(name);
    if (!p) {
      p = this.#load(name);
      this.#loaded.set(name, p);
      p.catch(() => this.#loaded.delete(name));
    }
    return p;
  }

  async #load(name: string): Promise<LoadedService> {
    const identity = this.byName(name);
    if (!identity) throw new Error(`no service ${name}`);
    const mod = (await import(`./services/${name}/index.ts`)) as { default: AwsServiceDefinition };
    const definition = mod.default;
    const env = this.#env;
    let state: unknown;
    let opened = false;
    const loaded: LoadedService = {
      identity,
      definition,
      codec: await loadCodec(definition.model.metadata.protocol),
      queryCodec: definition.queryModel ? await loadCodec('query') : undefined,
      running: false,
      state: () => {
        if (!opened) {
          state = definition.state?.(env);
          opened = true;
          const start = () => {
            const stop = definition.start?.(env, state);
            if (stop) this.#stoppers.push(stop);
            loaded.running = true;
          };
          start();
          this.#starters.push(start);
        }
        return state;
      },
    };
    return loaded;
  }

  async stop(): Promise<void> {
    for (const stop of this.#stoppers.splice(0)) await stop();
  }

  /** Re-runs `start` of every opened service: timers re-armed from the tables, as after a restart. */
  resume(): void {
    for (const start of this.#starters) start();
  }
}
