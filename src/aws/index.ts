// The AWS provider's entry point: the one module of src/aws/ that src/fogbank.ts imports. It builds
// the registry of AWS services, the gateway that answers their wire requests, the delivery router,
// and exposes them to the admin API as a cloud-neutral ServiceCatalog (src/core/catalog.ts).
import type { Environment } from '../core/environment.ts';
import type { ServiceAdmin, ServiceCatalog, ServiceCoverage } from '../core/catalog.ts';
import { ServiceRegistry } from './registry.ts';
import { AwsGateway } from './gateway.ts';
import { DeliveryRouter } from './delivery.ts';
import { AwsChainProvider } from './chain-provider.ts';
import type { Chain } from '../core/chain.ts';
import { call } from './admin-call.ts';
import { coverage } from './coverage.ts';

export type { ServiceRegistry } from './registry.ts';

/** Host names that are AWS's own (and LocalStack's): a request to one is for AWS, however it authenticates. */
const AWS_HOST = /(?:^|\.)(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws|on\.aws|localhost\.localstack\.cloud)$/;

export class AwsProvider implements ServiceCatalog {
  readonly registry: ServiceRegistry;
  readonly gateway: AwsGateway;
  readonly deliveries: DeliveryRouter;
  readonly names: readonly string[];
  readonly #env: Environment;

  /** Wire requests, internal calls and deliveries all run through `chain` (src/core/chain.ts). */
  constructor(env: Environment, chain: Chain) {
    this.#env = env;
    this.registry = new ServiceRegistry(env);
    const provider = new AwsChainProvider(env);
    this.gateway = new AwsGateway(env, this.registry, chain, provider);
    this.deliveries = new DeliveryRouter(this.registry, chain, provider);
    this.names = this.registry.identities.map((s) => s.name);
  }

  /**
   * Whether an AWS service claims a request by its path or host alone (for the front router's
   * Bearer rule): a registered REST path prefix, an AWS host name, or a Lambda function URL.
   */
  claims(path: string, hostname: string | undefined): boolean {
    if (hostname !== undefined && (AWS_HOST.test(hostname) || hostname.includes('.lambda-url.'))) return true;
    const end = path.indexOf('/', 1);
    const first = path.slice(1, end < 0 ? undefined : end);
    return first !== '' && this.registry.identities.some((s) => s.restPathPrefixes?.includes(first));
  }

  isLoaded(name: string): boolean {
    return this.registry.isLoaded(name);
  }

  async admin(name: string): Promise<ServiceAdmin | undefined> {
    if (!this.registry.byName(name)) return undefined;
    const svc = await this.registry.load(name);
    return { routes: svc.definition.admin ?? [], state: () => svc.state() };
  }

  coverage(): Promise<ServiceCoverage[]> {
    return coverage(this.registry);
  }

  call(body: Record<string, unknown>): Promise<unknown> {
    return call(this.#env, this.registry, body);
  }
}
