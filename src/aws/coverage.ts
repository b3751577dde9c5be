// Which operations each AWS service implements: the table for `npm run coverage` and
// GET /_fogbank/services. Loads every service model (never at start-up: only when asked).
import type { ServiceRegistry } from './registry.ts';
import type { ServiceCoverage } from '../core/catalog.ts';

export async function coverage(registry: ServiceRegistry): Promise<ServiceCoverage[]> {
  const settled = await Promise.allSettled(registry.identities.map((s) => registry.load(s.name)));
  return settled.map((result, i) => {
    if (result.status === 'rejected') {
      const identity = registry.identities[i];
      const error = String((result.reason as Error)?.message ?? result.reason);
      return { name: identity.name, serviceId: identity.serviceId ?? identity.name, protocol: identity.protocol, implemented: 0, total: 0, operations: {}, error };
    }
    const { identity, definition } = result.value;
    const operations: Record<string, boolean> = {};
    for (const op of Object.keys(definition.model.operations).sort()) operations[op] = !!definition.handlers[op];
    const implemented = Object.values(operations).filter(Boolean).length;
    return {
      name: identity.name,
      serviceId: identity.serviceId ?? identity.name,
      protocol: definition.model.metadata.protocol,
      implemented,
      total: Object.keys(operations).length,
      operations,
    };
  });
}
