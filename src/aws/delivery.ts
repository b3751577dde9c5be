// Routes a delivery to the service that owns the target ARN's namespace (DESIGN.md §6), through the
// one request chain (src/core/chain.ts) as operation 'Deliver' in the target's account and region:
// faults, authorization and the request log apply as to any call, linked to the request that caused it.
import type { ServiceRegistry } from './registry.ts';
import type { Handler } from '../core/service.ts';
import { DELIVERY, type Chain } from '../core/chain.ts';
import { parseArn, type Delivery, type DeliveryResult } from '../core/delivery.ts';
import { ServiceError } from '../core/errors.ts';
import { AwsCall, noHttpRequest, type AwsChainProvider } from './chain-provider.ts';

export class DeliveryRouter {
  readonly #registry: ServiceRegistry;
  readonly #chain: Chain;
  readonly #provider: AwsChainProvider;

  constructor(registry: ServiceRegistry, chain: Chain, provider: AwsChainProvider) {
    this.#registry = registry;
    this.#chain = chain;
    this.#provider = provider;
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const call = new AwsCall(DELIVERY, this.#provider, 'DELIVER', delivery.target);
    call.operation = 'Deliver';
    call.input = delivery;
    call.target = delivery.target;
    call.source = delivery.source.arn ?? delivery.source.service;
    call.causedBy = delivery.source.requestId;
    const arn = parseArn(delivery.target);
    const identity = arn && this.#registry.byArnNamespace(arn.service);
    call.account = arn?.account;
    call.region = arn?.region;
    call.service = identity?.name;
    try {
      if (!arn || !identity) throw new ServiceError('InvalidTarget', `No Fogbank service accepts deliveries to ${delivery.target}`, 400);
      const svc = await this.#registry.load(identity.name);
      const accept = svc.definition.deliver;
      if (!accept) throw new ServiceError('InvalidTarget', `${identity.serviceId ?? identity.name} does not accept deliveries (${delivery.target})`, 400);
      call.svc = svc;
      call.codec = svc.codec;
      // The delivery's context is a request context like any other: the target's account and region.
      call.handler = accept as Handler;
      call.state = svc.state();
      call.http = noHttpRequest();
      await this.#chain.run(call);
    } catch (err) {
      this.#chain.fail(call, err);
    }
    this.#chain.record(call);
    if (call.error) throw call.error;
    return call.output as DeliveryResult;
  }
}
