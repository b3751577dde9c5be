// Which operations each service implements: the same table for `npm run coverage` and
// GET /_fogbank/services. Loads every service model (never at start-up: only when asked).
import type { ServiceRegistry } from '../aws/registry.ts';

export interface ServiceCoverage {
  name: string;
  serviceId: string;
  protocol: string;
  implemented: number;
  total: number;
  operations: Record<string, boolean>;
  /** Why the service could not be loaded (it is then counted with no operations). */
  error?: string;
}

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

export function coverageTable(rows: ServiceCoverage[]): string {
  const lines = ['service      protocol    implemented', '-----------  ----------  -----------'];
  let impl = 0;
  let total = 0;
  for (const r of rows) {
    lines.push(`${r.name.padEnd(11)}  ${r.protocol.padEnd(10)}  ${String(r.implemented).padStart(4)} / ${r.total}${r.error ? `  (failed to load: ${r.error})` : ''}`);
    const missing = Object.entries(r.operations).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) lines.push(`             not yet: ${missing.join(', ')}`);
    impl += r.implemented;
    total += r.total;
  }
  lines.push(`${'all'.padEnd(11)}  ${''.padEnd(10)}  ${String(impl).padStart(4)} / ${total}`);
  return lines.join('\n');
}
