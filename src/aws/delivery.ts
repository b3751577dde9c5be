// Routes a delivery to the service that owns the target ARN's namespace (DESIGN.md §6) and records
// every attempt in the request log, linked to the request that caused it.
import { randomUUID } from 'node:crypto';
import type { Environment } from '../core/environment.ts';
import type { ServiceRegistry } from './registry.ts';
import { parseArn, type Delivery, type DeliveryResult } from '../core/delivery.ts';
import { ServiceError } from '../core/errors.ts';

export class DeliveryRouter {
  readonly #env: Environment;
  readonly #registry: ServiceRegistry;

  constructor(env: Environment, registry: ServiceRegistry) {
    this.#env = env;
    this.#registry = registry;
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const started = performance.now();
    const requestId = randomUUID();
    const arn = parseArn(delivery.target);
    const identity = arn && this.#registry.byArnNamespace(arn.service);
    let status = 200;
    let errorCode: string | undefined;
    try {
      if (!arn || !identity) throw new ServiceError('InvalidTarget', `No Fogbank service accepts deliveries to ${delivery.target}`, 400);
      const svc = await this.#registry.load(identity.name);
      const accept = svc.definition.deliver;
      if (!accept) throw new ServiceError('InvalidTarget', `${identity.serviceId ?? identity.name} does not accept deliveries (${delivery.target})`, 400);
      // Deliveries obey faults too: those for the whole service, or for its operation named 'Deliver'.
      const fault = this.#env.faults.apply(identity.name, 'Deliver', arn.account);
      if (fault) await fault;
      return await accept(delivery, {
        account: arn.account,
        region: arn.region,
        requestId,
        clock: this.#env.clock,
        log: this.#env.log,
        state: svc.state(),
        env: this.#env,
      });
    } catch (err) {
      const error = err instanceof ServiceError ? err : new ServiceError('InternalError', String((err as Error)?.message ?? err), 500);
      if (!(err instanceof ServiceError)) this.#env.log.error(`delivery to ${delivery.target} failed`, err);
      status = error.status;
      errorCode = error.code;
      throw error;
    } finally {
      this.#env.requests.add({
        kind: 'delivery',
        requestId,
        time: Date.now(),
        method: 'DELIVER',
        path: delivery.target,
        account: arn?.account,
        region: arn?.region,
        service: identity?.name,
        operation: 'Deliver',
        status,
        errorCode,
        causedBy: delivery.source.requestId,
        target: delivery.target,
        source: delivery.source.arn ?? delivery.source.service,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    }
  }
}
