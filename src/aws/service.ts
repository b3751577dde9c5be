// The service contract (src/core/service.ts) as the AWS provider fills it in: the model is an AWS
// ServiceModel and the hooks are the AWS codecs' hooks. Every AWS service is built with this
// defineService, so its model and hooks are type-checked.
import { defineService as defineCoreService, type Handler, type ServiceDefinition } from '../core/service.ts';
import type { ServiceModel } from './protocol/model.ts';
import type { CodecHooks } from './protocol/codec.ts';

/** An AWS service's definition: the core contract with AWS's model and codec hooks. */
export type AwsServiceDefinition<S = any> = ServiceDefinition<S, ServiceModel, CodecHooks>;

/** Typed helper: checks handler names and signatures against the generated Handlers type. */
export function defineService<H extends Record<string, Handler>, S = undefined>(
  def: Omit<AwsServiceDefinition<S>, 'handlers'> & { handlers: Partial<H> },
): AwsServiceDefinition<S> {
  return defineCoreService<H, S, ServiceModel, CodecHooks>(def);
}

// The generated per-service types (src/aws/services/*/generated/types.ts) import Handler from this
// module; the codegen path is unchanged so those files need no regeneration.
export type { Handler } from '../core/service.ts';
