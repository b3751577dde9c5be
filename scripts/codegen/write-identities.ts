// Writes src/aws/generated/identities.ts: per service, the few facts the router needs to tell which
// service a request is for (signing name, X-Amz-Target prefix, REST path prefixes, ...) without
// loading any service's model, so start-up parses none (DESIGN.md §3).
import type { ServiceModel } from '../../src/aws/protocol/model.ts';
import { compare } from './v3-schema.ts';

const REST_PROTOCOLS = new Set(['rest-json', 'rest-xml']);

export function serviceIdentity(name: string, model: ServiceModel): Record<string, unknown> {
  const m = model.metadata;
  const identity: Record<string, unknown> = {
    name,
    protocol: m.protocol,
    apiVersion: m.apiVersion,
    endpointPrefix: m.endpointPrefix,
    signingName: m.signingName ?? m.endpointPrefix,
    targetPrefix: m.targetPrefix,
    jsonVersion: m.jsonVersion,
    awsQueryCompatible: m.awsQueryCompatible !== undefined,
    xmlNamespace: typeof m.xmlNamespace === 'string' ? m.xmlNamespace : undefined,
    serviceId: m.serviceId,
    globalEndpoint: m.globalEndpoint,
  };
  if (REST_PROTOCOLS.has(String(m.protocol))) identity.restPathPrefixes = pathPrefixes(model);
  for (const k of Object.keys(identity)) if (identity[k] === undefined) delete identity[k];
  return identity;
}

/** The distinct literal first segments of the operations' request URIs ('/2015-03-31/functions' → '2015-03-31'). */
function pathPrefixes(model: ServiceModel): string[] {
  const out = new Set<string>();
  for (const op of Object.values(model.operations)) {
    const path = (op.http?.requestUri ?? '/').split('?')[0]!;
    const first = path.split('/').find((s) => s !== '');
    if (first && !first.includes('{')) out.add(first);
  }
  return [...out].sort(compare);
}

export function writeIdentities(identities: Record<string, unknown>[], notice: string): string {
  const lines = [
    `// ${notice}`,
    '',
    'export interface AwsServiceIdentity {',
    '  /** Fogbank\'s name for the service (src/aws/catalog.ts). */',
    '  name: string;',
    "  protocol: 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';",
    '  apiVersion: string;',
    '  endpointPrefix?: string;',
    '  /** The SigV4 credential scope\'s service: metadata.signingName, else endpointPrefix. */',
    '  signingName?: string;',
    '  /** json protocol: X-Amz-Target is `${targetPrefix}.${operation}`. */',
    '  targetPrefix?: string;',
    '  jsonVersion?: string;',
    '  /** A JSON service that also answers query-protocol error codes (x-amzn-query-error). */',
    '  awsQueryCompatible: boolean;',
    '  xmlNamespace?: string;',
    '  serviceId?: string;',
    '  globalEndpoint?: string;',
    '  /** rest protocols: the literal first path segments of its request URIs, sorted. */',
    '  restPathPrefixes?: readonly string[];',
    '}',
    '',
    'export const identities: readonly AwsServiceIdentity[] = [',
  ];
  for (const identity of identities) {
    lines.push('  {');
    for (const [k, v] of Object.entries(identity)) lines.push(`    ${k}: ${JSON.stringify(v)},`);
    lines.push('  },');
  }
  lines.push('];', '');
  return lines.join('\n');
}
